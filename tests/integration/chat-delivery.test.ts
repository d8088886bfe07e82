import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  newId,
  OPERATOR_NAMESPACE,
  VISITOR_NAMESPACE,
  type ChatMessage,
  type ConversationSummary,
} from '../../src/protocol';
import { Manager } from 'socket.io-client';
import {
  connectOperator,
  connectVisitor,
  loginOperator,
  nextEvent,
  onConsoleMessages,
  startHarness,
  visitorSend,
  socketTracker,
  type Harness,
  type VisitorClient,
} from '../support/server';
import { until } from '../support/until';

let harness: Harness;
const sockets = socketTracker();
const track = sockets.track;

beforeAll(async () => {
  harness = await startHarness();
});
afterEach(() => sockets.closeAll());
afterAll(() => harness.cleanup());

const url = () => harness.server.url;

describe('visitor messages', () => {
  it('are acknowledged with their stored copy and reach the operators', async () => {
    const operator = track((await connectOperator(url())).socket);
    const { socket } = await connectVisitor(url());
    track(socket);
    const arrival = nextEvent<ChatMessage>(operator, 'message:new');

    const ack = await visitorSend(socket, '  Hello there  ');

    expect(ack).toMatchObject({ ok: true, message: { author: 'visitor', text: 'Hello there', seq: 1 } });
    const received = await arrival;
    expect(received.id).toBe(ack.ok && ack.message.id);
  });

  it('are stored once when the same client id is sent twice', async () => {
    const { socket, visitorId } = await connectVisitor(url());
    track(socket);
    const clientId = newId();

    const first = await visitorSend(socket, 'only once', clientId);
    const second = await visitorSend(socket, 'only once', clientId);

    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.message.id).toBe(first.message.id);
    const history = await harness.server.store.lastMessages(first.message.conversationId, 100);
    expect(history.filter((m) => m.clientId === clientId)).toHaveLength(1);

    // A new connection of the same visitor sees it once as well.
    const again = await connectVisitor(url(), { visitorId });
    track(again.socket);
    expect(again.session.messages.map((m) => m.text)).toEqual(['only once']);
  });

  it('stored by a server that died before telling anyone reach the operators and other tabs live on their resend, once', async () => {
    const { socket, visitorId } = await connectVisitor(url());
    track(socket);
    const first = await visitorSend(socket, 'opens the conversation');
    if (!first.ok) throw new Error('the first message was refused');
    // What a node killed between its commit and its broadcast leaves: the row, and nobody told.
    const clientId = newId();
    const { message: orphan } = await harness.server.store.appendMessage({
      conversationId: first.message.conversationId,
      sender: `v:${visitorId}`,
      clientId,
      author: 'visitor',
      operatorId: null,
      text: 'stored, never broadcast',
    });
    const operator = track((await connectOperator(url())).socket);
    const otherTab = track((await connectVisitor(url(), { visitorId })).socket);
    const arrivals = { operator: [] as string[], otherTab: [] as string[], sender: [] as string[] };
    operator.on('message:new', (m: ChatMessage) => arrivals.operator.push(m.id));
    otherTab.on('message:new', (m) => arrivals.otherTab.push(m.id));
    socket.on('message:new', (m) => arrivals.sender.push(m.id));
    const listed: ConversationSummary[] = [];
    operator.on('conversation:updated', (summary: ConversationSummary) => listed.push(summary));

    // The widget's outbox resends it under the same client id, to a node that is alive.
    const resent = await visitorSend(socket, 'stored, never broadcast', clientId);

    expect(resent).toMatchObject({ ok: true, message: { id: orphan.id } });
    await until(
      () => arrivals.operator.length > 0 && arrivals.otherTab.length > 0,
      3_000,
      `the resent message ${orphan.id} at the operator (${arrivals.operator.length}) and the other tab (${arrivals.otherTab.length})`,
    );
    // The console's list learns its last message too.
    await until(
      () => listed.some((c) => c.lastMessage?.text === 'stored, never broadcast'),
      3_000,
      'the conversation listed with the resent message last',
    );
    // Nothing more is on its way: one more message sent after it arrives, and nothing else did.
    const after = await visitorSend(socket, 'after the resend');
    await until(() => arrivals.operator.length >= 2, 3_000, 'the next message at the operator');
    expect(arrivals.operator).toEqual([orphan.id, after.ok && after.message.id]);
    expect(arrivals.otherTab).toEqual([orphan.id, after.ok && after.message.id]);
    // The sending tab has the acknowledgement.
    expect(arrivals.sender).toEqual([]);
  });

  it('are told to the consoles before they are acknowledged, on every path that stores or finds one', async () => {
    // One connection carries the console and the visitor, so its frames arrive in the order
    // the server wrote them. A node killed after an ack must have told the consoles already:
    // nothing resends a message whose ack arrived.
    const token = await loginOperator(url());
    const connection = new Manager(url(), { transports: ['websocket'], reconnection: false });
    const operator = track(connection.socket(OPERATOR_NAMESPACE, { auth: { token } }));
    await nextEvent(operator, 'hello');
    const visitor: VisitorClient = track(
      connection.socket(VISITOR_NAMESPACE, { auth: { site: 'shop', visitorId: newId() } }),
    );
    await nextEvent(visitor, 'session');
    const order: string[] = [];
    onConsoleMessages(operator, (message) => order.push(`told ${message.text}`));
    // The ack's callback runs as its frame is read; a promise would note it a microtask
    // later, after a frame read in the same chunk.
    const send = (text: string, clientId = newId()) =>
      new Promise<void>((resolve) =>
        visitor.emit('message:send', { clientId, text }, (ack) => {
          order.push(`${ack.ok ? 'acked' : 'refused'} ${text}`);
          resolve();
        }),
      );

    await send('opens the chat'); // the careful path: a new conversation
    const clientId = newId();
    await send('in the open chat', clientId); // the one-write path
    await send('in the open chat', clientId); // a resend: found and told again

    expect(order).toEqual([
      'told opens the chat',
      'acked opens the chat',
      'told in the open chat',
      'acked in the open chat',
      'told in the open chat',
      'acked in the open chat',
    ]);
  });

  it('resent late from a closed conversation reach the operators but do not pull the other tabs back to it', async () => {
    const { socket, visitorId } = await connectVisitor(url());
    track(socket);
    const first = await visitorSend(socket, 'the old chat');
    if (!first.ok) throw new Error('the first message was refused');
    const oldConversation = first.message.conversationId;
    // Stored by a node that died before telling anyone; the chat is closed before the resend.
    const clientId = newId();
    const { message: orphan } = await harness.server.store.appendMessage({
      conversationId: oldConversation,
      sender: `v:${visitorId}`,
      clientId,
      author: 'visitor',
      operatorId: null,
      text: 'late from the old chat',
    });
    await harness.server.store.closeConversation(oldConversation, 'visitor');
    const fresh = await visitorSend(socket, 'the new chat');
    if (!fresh.ok) throw new Error('the new chat was refused');
    expect(fresh.message.conversationId).not.toBe(oldConversation);
    const operator = track((await connectOperator(url())).socket);
    const otherTab = track((await connectVisitor(url(), { visitorId })).socket);
    const arrivals = { operator: [] as string[], otherTab: [] as string[] };
    operator.on('message:new', (m: ChatMessage) => arrivals.operator.push(m.id));
    otherTab.on('message:new', (m: ChatMessage) => arrivals.otherTab.push(m.id));

    const resent = await visitorSend(socket, 'late from the old chat', clientId);

    expect(resent).toMatchObject({ ok: true, message: { id: orphan.id } });
    await until(() => arrivals.operator.length > 0, 3_000, 'the resent message at the operator');
    // One more message of the open chat arrives after it, and the other tab heard only that.
    const after = await visitorSend(socket, 'still the new chat');
    await until(() => arrivals.otherTab.length > 0, 3_000, 'the next message at the other tab');
    expect(arrivals.otherTab).toEqual([after.ok && after.message.id]);
    await until(() => arrivals.operator.length >= 2, 3_000, 'the next message at the operator');
    expect(arrivals.operator).toEqual([orphan.id, after.ok && after.message.id]);
  });

  it('sent at once by many visitors reach a console once each, several to an event, and so do their chats’ summaries', async () => {
    const operator = track((await connectOperator(url())).socket);
    const visitors = await Promise.all(Array.from({ length: 40 }, () => connectVisitor(url())));
    visitors.forEach((v) => track(v.socket));
    // The first messages open the chats; the second ones go into them, as a busy site's do.
    const first = await Promise.all(visitors.map((v) => visitorSend(v.socket, 'first')));
    const conversations = new Set(first.map((ack) => (ack.ok ? ack.message.conversationId : '')));
    const heard: ChatMessage[] = [];
    let messageEvents = 0;
    const latest = new Map<string, ConversationSummary>();
    let summaryEvents = 0;
    operator.on('message:new', (message: ChatMessage) => {
      messageEvents += 1;
      heard.push(message);
    });
    operator.on('messages:new', (messages: ChatMessage[]) => {
      messageEvents += 1;
      heard.push(...messages);
    });
    const keep = (summary: ConversationSummary) => {
      if (summary.revision >= (latest.get(summary.id)?.revision ?? -1)) latest.set(summary.id, summary);
    };
    operator.on('conversation:updated', (summary: ConversationSummary) => {
      summaryEvents += 1;
      keep(summary);
    });
    operator.on('conversations:updated', (summaries: ConversationSummary[]) => {
      summaryEvents += 1;
      summaries.forEach(keep);
    });

    const second = await Promise.all(visitors.map((v) => visitorSend(v.socket, 'second')));
    const acked = second.map((ack) => (ack.ok ? ack.message.id : 'not stored'));
    await expect.poll(() => heard.filter((m) => m.text === 'second').length).toBe(visitors.length);
    expect(
      heard
        .filter((m) => m.text === 'second')
        .map((m) => m.id)
        .sort(),
    ).toEqual([...acked].sort());
    await expect
      .poll(() => [...conversations].filter((id) => latest.get(id)?.lastMessage?.text === 'second').length)
      .toBe(visitors.length);
    for (const id of conversations) expect(latest.get(id)).toMatchObject({ lastSeq: 2, visitorName: 'Visitor' });
    // Told per turn of the server, not per message.
    expect(messageEvents).toBeLessThan(visitors.length);
    expect(summaryEvents).toBeLessThan(visitors.length);
  });

  it('are numbered 1, 2, 3 … in their conversation', async () => {
    const { socket } = await connectVisitor(url());
    track(socket);
    const seqs: number[] = [];
    for (const text of ['a', 'b', 'c']) {
      const ack = await visitorSend(socket, text);
      if (ack.ok) seqs.push(ack.message.seq);
    }
    expect(seqs).toEqual([1, 2, 3]);
  });
});

describe('reconnecting', () => {
  it('replays exactly the messages after the sequence the client had', async () => {
    const operator = track((await connectOperator(url())).socket);
    const first = await connectVisitor(url());
    track(first.socket);
    const a = await visitorSend(first.socket, 'one');
    const b = await visitorSend(first.socket, 'two');
    if (!a.ok || !b.ok) throw new Error('send failed');
    const conversationId = a.message.conversationId;
    first.socket.disconnect();

    // While the visitor is away, the operator answers twice.
    for (const text of ['three', 'four']) {
      const ack = await operator.timeout(3000).emitWithAck('message:send', { conversationId, clientId: newId(), text });
      expect(ack.ok).toBe(true);
    }

    const back = await connectVisitor(url(), {
      visitorId: first.visitorId,
      conversationId,
      lastChange: b.message.changeSeq,
    });
    track(back.socket);
    expect(back.session.messages.map((m) => [m.seq, m.text])).toEqual([
      [3, 'three'],
      [4, 'four'],
    ]);
    expect(back.session.operator?.name).toBe('Anna');
  });

  it('gives a client with no sequence the whole conversation', async () => {
    const first = await connectVisitor(url());
    track(first.socket);
    await visitorSend(first.socket, 'x');
    await visitorSend(first.socket, 'y');
    const fresh = await connectVisitor(url(), { visitorId: first.visitorId });
    track(fresh.socket);
    expect(fresh.session.messages.map((m) => m.text)).toEqual(['x', 'y']);
  });
});

describe('operator replies', () => {
  it('reach the visitor with the operator profile, and assign the conversation', async () => {
    const { socket: visitor } = await connectVisitor(url());
    track(visitor);
    const sent = await visitorSend(visitor, 'anyone?');
    if (!sent.ok) throw new Error('send failed');
    const operator = track((await connectOperator(url())).socket);
    const assigned = nextEvent(visitor, 'operator:assigned');
    const reply = nextEvent<ChatMessage>(visitor, 'message:new');

    const ack = await operator
      .timeout(3000)
      .emitWithAck('message:send', { conversationId: sent.message.conversationId, clientId: newId(), text: 'Yes!' });

    expect(ack.ok).toBe(true);
    expect(await assigned).toMatchObject({ id: 'anna', name: 'Anna', title: 'Support' });
    const message = await reply;
    expect(message).toMatchObject({ author: 'operator', text: 'Yes!', seq: 2 });
    expect(message.operator?.avatar).toBe(`${url()}/assets/a.svg`);
    expect((await harness.server.store.getConversation(sent.message.conversationId))?.operatorId).toBe('anna');
  });

  it('stored by a server that died before telling anyone reach the visitor and the other consoles on their resend', async () => {
    const { socket: visitor } = await connectVisitor(url());
    track(visitor);
    const sent = await visitorSend(visitor, 'hello?');
    if (!sent.ok) throw new Error('send failed');
    const { conversationId } = sent.message;
    // The reply as a node killed between its commit and its broadcast leaves it.
    const clientId = newId();
    await harness.server.store.assignOperator(conversationId, 'anna');
    const { message: orphan } = await harness.server.store.appendMessage({
      conversationId,
      sender: 'o:anna',
      clientId,
      author: 'operator',
      operatorId: 'anna',
      text: 'stored, never broadcast',
    });
    const anna = track((await connectOperator(url(), 'anna')).socket);
    const max = track((await connectOperator(url(), 'max')).socket);
    const atVisitor = nextEvent<ChatMessage>(visitor, 'message:new', 3_000, 'the visitor');
    const atMax = nextEvent<ChatMessage>(max, 'message:new', 3_000, "max's console");

    const resent = await anna.timeout(3_000).emitWithAck('message:send', {
      conversationId,
      clientId,
      text: 'stored, never broadcast',
    });

    expect(resent).toMatchObject({ ok: true, message: { id: orphan.id } });
    expect((await atVisitor).id).toBe(orphan.id);
    expect((await atMax).id).toBe(orphan.id);
  });

  it('relay typing both ways', async () => {
    const { socket: visitor } = await connectVisitor(url());
    track(visitor);
    const sent = await visitorSend(visitor, 'typing test');
    if (!sent.ok) throw new Error('send failed');
    const operator = track((await connectOperator(url())).socket);

    const toOperator = nextEvent<{ conversationId: string; typing: boolean }>(operator, 'typing');
    visitor.emit('typing', { typing: true });
    expect(await toOperator).toEqual({ conversationId: sent.message.conversationId, typing: true });

    const toVisitor = nextEvent<{ typing: boolean }>(visitor, 'typing');
    operator.emit('typing', { conversationId: sent.message.conversationId, typing: true });
    expect(await toVisitor).toEqual({ typing: true });
  });

  it('close a conversation; the visitor is told and the next message opens a new one', async () => {
    const { socket: visitor } = await connectVisitor(url());
    track(visitor);
    const sent = await visitorSend(visitor, 'close me');
    if (!sent.ok) throw new Error('send failed');
    const operator = track((await connectOperator(url())).socket);
    const told = nextEvent<{ conversationId: string }>(visitor, 'conversation:closed');

    const closed = await operator
      .timeout(3000)
      .emitWithAck('conversation:close', { conversationId: sent.message.conversationId });
    expect(closed).toMatchObject({ ok: true, conversation: { status: 'closed' } });
    expect(await told).toEqual({ conversationId: sent.message.conversationId, reason: 'operator' });

    const late = await operator
      .timeout(3000)
      .emitWithAck('message:send', { conversationId: sent.message.conversationId, clientId: newId(), text: 'late' });
    expect(late).toMatchObject({ ok: false, error: { code: 'closed' } });

    const next = await visitorSend(visitor, 'new question');
    expect(next.ok && next.message.conversationId).not.toBe(sent.message.conversationId);
    expect(next.ok && next.message.seq).toBe(1);
  });
});

describe('a server restart', () => {
  it('keeps every acknowledged message and conversation', async () => {
    const { socket, visitorId } = await connectVisitor(url());
    const texts = ['before', 'the', 'restart'];
    for (const text of texts) expect((await visitorSend(socket, text)).ok).toBe(true);
    socket.disconnect();

    await harness.restart();

    const after = await connectVisitor(url(), { visitorId });
    track(after.socket);
    expect(after.session.messages.map((m) => m.text)).toEqual(texts);
    const next = await visitorSend(after.socket as VisitorClient, 'after');
    expect(next.ok && next.message.seq).toBe(4);
  });
});
