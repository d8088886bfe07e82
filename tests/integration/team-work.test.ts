/**
 * Operators working as a team: one operator per chat (the assignment lock, pick-up races),
 * passing a chat on with a comment, statuses and what they do to routing, read marks
 * shared by every console, and canned replies kept on the server. Real server, real
 * socket.io clients; the integration tier runs this on SQLite and again on PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  newId,
  type Availability,
  type CannedReply,
  type ChatMessage,
  type ConversationSummary,
  type OnlineVisitor,
  type OperatorProfile,
  type TeamMember,
  type TransferNote,
} from '../../src/protocol';
import type { SiteConfig } from '../../server/src/sites';
import { nextEvent, testSites, visitorSend, type ConnectOptions, type OperatorClient } from '../support/server';
import { useTestServer } from '../support/test-server';

const API_TOKEN = 'team-work-api-token';

const [shop, other] = testSites();
const sites: SiteConfig[] = [
  {
    ...shop!,
    apiTokenSha256: createHash('sha256').update(API_TOKEN).digest('hex'),
    cannedReplies: [{ id: 'hours', title: 'Opening hours', text: 'We answer from 9 to 18, Monday to Friday.' }],
    operators: [
      { ...shop!.operators[0]!, groups: ['support'] },
      { ...shop!.operators[1]!, groups: ['sales'] },
      { ...shop!.operators[1]!, id: 'bea', login: 'bea', name: 'Bea', groups: ['sales'] },
    ],
  },
  other!,
];
// Grace periods of a test's consoles run out before the next test.
const server = useTestServer({ sites, presenceGraceMs: 100 }, { settleMs: 250 });
const { url, operator, visitor } = server;

const send = (op: OperatorClient, conversationId: string, text: string) =>
  op.timeout(5000).emitWithAck('message:send', { conversationId, clientId: newId(), text });
const setStatus = (op: OperatorClient, status: TeamMember['status']) =>
  op.timeout(3000).emitWithAck('status:set', { status });

/** The first `event` on `socket` whose payload passes `test`. */
function until<T>(
  socket: OperatorClient | ReturnType<typeof Object>,
  event: string,
  test: (p: T) => boolean,
  ms = 4000,
) {
  const s = socket as OperatorClient;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off(event as never, listener as never);
      reject(new Error(`no matching "${event}" within ${ms} ms`));
    }, ms);
    const listener = (payload: T) => {
      if (!test(payload)) return;
      clearTimeout(timer);
      s.off(event as never, listener as never);
      resolve(payload);
    };
    s.on(event as never, listener as never);
  });
}

/** A visitor who wrote once: an open chat nobody has taken. */
async function openChat(auth: ConnectOptions = {}) {
  const chat = await server.visitorWrites('hello, anyone?', auth);
  return { ...chat, seq: chat.message.seq };
}

describe('summaries and read marks', () => {
  it('say whether the visitor gave a name, and how far an operator has read', async () => {
    const { hello } = await operator();
    void hello;
    const named = await openChat({ name: 'Ada' });
    const anonymous = await openChat();
    const row = async (id: string) => (await server.harness.server.store.getConversationListRow(id))!;
    const { toSummary } = await import('../../server/src/context');
    expect(toSummary(await row(named.conversationId))).toMatchObject({
      visitorName: 'Ada',
      visitorNameGiven: true,
      operatorReadSeq: 0,
    });
    expect(toSummary(await row(anonymous.conversationId))).toMatchObject({ visitorNameGiven: false });
  });

  it("clears every console's unread count when one of them reads, the same operator's other device included", async () => {
    const laptop = await operator('anna');
    const phone = await operator('anna');
    const max = await operator('max');
    const chat = await openChat();
    await visitorSend(chat.socket, 'second line');
    const seen = (p: ConversationSummary) => p.id === chat.conversationId && p.operatorReadSeq === 2;
    const onPhone = until<ConversationSummary>(phone.socket, 'conversation:updated', seen);
    const onMax = until<ConversationSummary>(max.socket, 'conversation:updated', seen);
    const onVisitor = nextEvent<{ seq: number }>(chat.socket, 'read');
    laptop.socket.emit('read', { conversationId: chat.conversationId, seq: 2 });
    expect((await onPhone).operatorReadSeq).toBe(2);
    expect((await onMax).operatorReadSeq).toBe(2);
    expect(await onVisitor).toEqual({ conversationId: chat.conversationId, seq: 2 });
    // A fresh console starts from the stored mark.
    const later = await operator('anna');
    expect(later.hello.conversations.find((c) => c.id === chat.conversationId)?.operatorReadSeq).toBe(2);
  });
});

describe('the assignment lock', () => {
  it('lets only the operator who took a chat write in it', async () => {
    const anna = (await operator('anna')).socket;
    const max = (await operator('max')).socket;
    const chat = await openChat();
    expect(await send(anna, chat.conversationId, 'Anna here')).toMatchObject({ ok: true });
    const refused = await send(max, chat.conversationId, 'Max barging in');
    expect(refused).toEqual({ ok: false, error: { code: 'conflict', message: 'Anna is answering this chat' } });
    // Nothing of Max's reached the conversation.
    const texts = (await server.harness.server.store.lastMessages(chat.conversationId, 50)).map((m) => m.text);
    expect(texts).toEqual(['hello, anyone?', 'Anna here']);
    expect(await send(anna, chat.conversationId, 'still me')).toMatchObject({ ok: true });
  });

  it('gives a chat to exactly one of the operators answering it at the same moment', async () => {
    const consoles = [
      (await operator('anna')).socket,
      (await operator('max')).socket,
      (await operator('bea')).socket,
      (await operator('max')).socket,
    ];
    for (let round = 0; round < 3; round++) {
      const chat = await openChat();
      const results = await Promise.all(consoles.map((op, i) => send(op, chat.conversationId, `first from ${i}`)));
      const winners = results.filter((r) => r.ok);
      const refused = results.filter((r) => !r.ok);
      // Two consoles of Max may both succeed when Max wins: the chat is his, on any device.
      const holder = (await server.harness.server.store.getConversation(chat.conversationId))!.operatorId;
      expect(holder).not.toBeNull();
      for (const r of winners) expect(r.ok && r.message.operator?.id).toBe(holder);
      for (const r of refused) expect(!r.ok && r.error.code).toBe('conflict');
      expect(winners.length).toBe(holder === 'max' ? 2 : 1);
      const authors = new Set(
        (await server.harness.server.store.lastMessages(chat.conversationId, 50))
          .filter((m) => m.author === 'operator')
          .map((m) => m.operatorId),
      );
      expect([...authors]).toEqual([holder]);
    }
  });

  it('refuses "write first" to a visitor who has an open chat, and keeps "On site" pointing at it', async () => {
    const anna = await operator('anna');
    const max = (await operator('max')).socket;
    const v = await visitor();
    const online = until<OnlineVisitor>(
      anna.socket,
      'visitor:page',
      (p) => p.visitorId === v.visitorId && p.conversationId !== null,
    );
    const sent = await visitorSend(v.socket, 'hi');
    expect(sent.ok).toBe(true);
    const conversationId = sent.ok ? sent.message.conversationId : '';
    expect((await online).conversationId).toBe(conversationId);
    const start = await max.timeout(3000).emitWithAck('conversation:start', { visitorId: v.visitorId });
    expect(start).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // Ended: the entry says so, and writing first is allowed again.
    const cleared = until<OnlineVisitor>(
      anna.socket,
      'visitor:page',
      (p) => p.visitorId === v.visitorId && p.conversationId === null,
    );
    await anna.socket.timeout(3000).emitWithAck('conversation:close', { conversationId });
    expect((await cleared).conversationId).toBeNull();
    const again = await max.timeout(3000).emitWithAck('conversation:start', { visitorId: v.visitorId });
    expect(again).toMatchObject({ ok: true, conversation: { operatorId: 'max', status: 'open' } });
  });

  it('gives a write-first chat to one of two operators starting it at once', async () => {
    const anna = (await operator('anna')).socket;
    const max = (await operator('max')).socket;
    const v = await visitor();
    const both = await Promise.all(
      [anna, max].map((op) => op.timeout(3000).emitWithAck('conversation:start', { visitorId: v.visitorId })),
    );
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.filter((r) => !r.ok && r.error.code === 'conflict')).toHaveLength(1);
  });
});

describe('an operator who has gone', () => {
  it('does not keep the chat: the colleague who answers takes it over, and the visitor is told', async () => {
    const anna = (await operator('anna')).socket;
    const max = (await operator('max')).socket;
    const chat = await openChat();
    await send(anna, chat.conversationId, 'Anna here');
    // Still there (her console is connected): Max is refused.
    expect(await send(max, chat.conversationId, 'too early')).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const gone = until<TeamMember[]>(max, 'team:updated', (t) => t.find((m) => m.id === 'anna')?.status === 'offline');
    anna.disconnect();
    await gone;
    const line = until<ChatMessage>(chat.socket as never, 'message:new', (m) => m.author === 'system');
    const assigned = nextEvent<OperatorProfile>(chat.socket, 'operator:assigned');
    expect(await send(max, chat.conversationId, 'Max takes it from here')).toMatchObject({ ok: true });
    expect((await line).text).toBe('Max will answer you.');
    expect(await assigned).toEqual({ id: 'max', name: 'Max' });
    expect(await server.harness.server.store.getConversation(chat.conversationId)).toMatchObject({
      operatorId: 'max',
      transferFrom: 'anna',
    });
    const texts = (await server.harness.server.store.lastMessages(chat.conversationId, 50)).map((m) => m.text);
    expect(texts.slice(-2)).toEqual(['Max will answer you.', 'Max takes it from here']);
  });
});

describe('transfer', () => {
  it('passes a chat to an available colleague with a comment; the visitor is told, the sender loses the pen', async () => {
    const anna = (await operator('anna')).socket;
    const max = (await operator('max')).socket;
    const bea = (await operator('bea')).socket;
    const chat = await openChat();
    await send(anna, chat.conversationId, 'Let me find out.');
    const line = until<ChatMessage>(chat.socket as never, 'message:new', (m) => m.author === 'system');
    // A colleague outside the hand-over learns who has the chat, never the comment.
    const beaNote = nextEvent<TransferNote & { conversationId: string }>(bea, 'conversation:transferred');
    const beaUpdate = until<ConversationSummary>(
      bea,
      'conversation:updated',
      (c) => c.id === chat.conversationId && c.operatorId === 'max',
    );
    const assigned = nextEvent<OperatorProfile>(chat.socket, 'operator:assigned');
    const note = nextEvent<TransferNote & { conversationId: string }>(max, 'conversation:transferred');
    const result = await anna.timeout(3000).emitWithAck('conversation:transfer', {
      conversationId: chat.conversationId,
      toOperatorId: 'max',
      comment: 'Wants a bulk discount; order #12',
    });
    expect(result).toMatchObject({
      ok: true,
      conversation: {
        operatorId: 'max',
        transfer: { fromOperatorId: 'anna', toOperatorId: 'max', comment: 'Wants a bulk discount; order #12' },
      },
    });
    const said = await line;
    expect(said.text).toBe('Anna passed the chat to Max.');
    // The widget says it in the visitor's language from the code.
    expect(said.system).toEqual({ code: 'transfer', params: { from: 'Anna', to: 'Max' } });
    expect(await beaNote).toMatchObject({ toOperatorId: 'max', fromOperatorId: 'anna', comment: '' });
    expect((await beaUpdate).transfer).toMatchObject({ toOperatorId: 'max', comment: '' });
    expect(await assigned).toEqual({ id: 'max', name: 'Max' });
    expect(await note).toMatchObject({
      conversationId: chat.conversationId,
      comment: 'Wants a bulk discount; order #12',
    });
    expect(await send(anna, chat.conversationId, 'one more thing')).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: 'Max is answering this chat' },
    });
    expect(await send(max, chat.conversationId, 'Max here: 10% off')).toMatchObject({ ok: true });
    // Only the holder passes it on.
    expect(
      await anna
        .timeout(3000)
        .emitWithAck('conversation:transfer', { conversationId: chat.conversationId, toOperatorId: 'bea' }),
    ).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('lets only the operator who has the chat end it; a colleague is told who', async () => {
    const anna = (await operator('anna')).socket;
    const max = (await operator('max')).socket;
    const chat = await openChat();
    await send(anna, chat.conversationId, 'Anna here');
    for (const spam of [false, true]) {
      expect(
        await max.timeout(3000).emitWithAck('conversation:close', { conversationId: chat.conversationId, spam }),
      ).toEqual({
        ok: false,
        error: { code: 'conflict', message: 'Anna is answering this chat: only Anna can end it' },
      });
    }
    expect((await server.harness.server.store.getConversation(chat.conversationId))!.status).toBe('open');
    expect(
      await anna.timeout(3000).emitWithAck('conversation:close', { conversationId: chat.conversationId }),
    ).toMatchObject({ ok: true, conversation: { status: 'closed', closeReason: 'operator' } });
    // A chat nobody has taken yet may be ended by anyone (e.g. as spam).
    const waiting = await openChat();
    expect(
      await max.timeout(3000).emitWithAck('conversation:close', { conversationId: waiting.conversationId, spam: true }),
    ).toMatchObject({ ok: true, conversation: { status: 'closed', closeReason: 'spam' } });
  });

  it('is refused to a colleague who is not available, saying why, and to a group with nobody free', async () => {
    const anna = (await operator('anna')).socket;
    const max = (await operator('max')).socket;
    const chat = await openChat();
    await send(anna, chat.conversationId, 'hi');
    await setStatus(max, 'break');
    const toMax = await anna
      .timeout(3000)
      .emitWithAck('conversation:transfer', { conversationId: chat.conversationId, toOperatorId: 'max' });
    expect(toMax).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'Max is on a break: choose an available colleague' },
    });
    // Bea has no console open: offline.
    const toBea = await anna
      .timeout(3000)
      .emitWithAck('conversation:transfer', { conversationId: chat.conversationId, toOperatorId: 'bea' });
    expect(toBea).toMatchObject({ ok: false, error: { code: 'unavailable', message: /Bea is offline/ } });
    const toSales = await anna
      .timeout(3000)
      .emitWithAck('conversation:transfer', { conversationId: chat.conversationId, toGroupId: 'sales' });
    expect(toSales).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const both = await anna.timeout(3000).emitWithAck('conversation:transfer', {
      conversationId: chat.conversationId,
      toOperatorId: 'max',
      toGroupId: 'sales',
    } as never);
    expect(both).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect((await server.harness.server.store.getConversation(chat.conversationId))!.operatorId).toBe('anna');
    await setStatus(max, 'available');
  });

  it('to a group goes to its available operator with the fewest open chats', async () => {
    const anna = (await operator('anna')).socket;
    const max = (await operator('max')).socket;
    const bea = (await operator('bea')).socket;
    // Max already holds a chat; Bea holds none of this test's.
    const busyOne = await openChat();
    await send(max, busyOne.conversationId, 'Max on it');
    const load = await server.harness.server.store.openLoad('shop');
    const chat = await openChat();
    await send(anna, chat.conversationId, 'hi');
    const result = await anna
      .timeout(3000)
      .emitWithAck('conversation:transfer', { conversationId: chat.conversationId, toGroupId: 'sales' });
    const expected = (load.get('bea') ?? 0) <= (load.get('max') ?? 0) ? 'bea' : 'max';
    expect(result).toMatchObject({ ok: true, conversation: { operatorId: expected } });
    void bea;
  });
});

describe('statuses', () => {
  it('busy, break, do not disturb and off work take no new chats; only available does', async () => {
    const anna = (await operator('anna')).socket;
    await setStatus((await operator('max')).socket, 'off');
    await setStatus((await operator('bea')).socket, 'off');
    const v = await visitor();
    expect(await v.availability).toEqual({ online: true });
    for (const status of ['busy', 'break', 'dnd', 'off'] as const) {
      const offline = nextEvent<Availability>(v.socket, 'availability');
      const team = until<TeamMember[]>(anna, 'team:updated', (t) => t.find((m) => m.id === 'anna')?.status === status);
      expect(await setStatus(anna, status)).toEqual({ ok: true, status });
      // Busy (answering other chats) is told as such; the others as nobody there.
      expect(await offline).toEqual({ online: false, reason: status === 'busy' ? 'busy' : 'nobody' });
      await team;
      const online = nextEvent<Availability>(v.socket, 'availability');
      await setStatus(anna, 'available');
      expect(await online).toEqual({ online: true });
    }
    const bad = await anna.timeout(3000).emitWithAck('status:set', { status: 'sleeping' as never });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });

  it('busy keeps answering its chats; off work hands them back to the queue', async () => {
    const anna = (await operator('anna')).socket;
    const max = (await operator('max')).socket;
    const chat = await openChat();
    await send(anna, chat.conversationId, 'hi');
    await setStatus(anna, 'busy');
    expect(await send(anna, chat.conversationId, 'still here while busy')).toMatchObject({ ok: true });
    const released = until<ConversationSummary>(
      max,
      'conversation:updated',
      (c) => c.id === chat.conversationId && c.operatorId === null,
    );
    await setStatus(anna, 'off');
    await released;
    expect(await send(max, chat.conversationId, 'Max takes over')).toMatchObject({ ok: true });
    expect((await server.harness.server.store.getConversation(chat.conversationId))!.operatorId).toBe('max');
    await setStatus(anna, 'available');
  });
});

describe('canned replies', () => {
  it("keeps an operator's own replies on the server, on each of their devices, and nobody else's", async () => {
    const laptop = await operator('anna');
    const phone = await operator('anna');
    const max = await operator('max');
    expect(laptop.hello.cannedReplies).toEqual([
      { id: 'hours', title: 'Opening hours', text: 'We answer from 9 to 18, Monday to Friday.', shared: true },
    ]);
    const before = laptop.hello.personalCannedReplies ?? [];
    const heard = nextEvent<{ personal: CannedReply[] }>(phone.socket, 'canned:updated');
    let maxHeard = false;
    max.socket.on('canned:updated', () => (maxHeard = true));
    const saved = await laptop.socket
      .timeout(3000)
      .emitWithAck('canned:save', { title: '  Thanks ', text: 'Thank you for waiting!' });
    expect(saved).toMatchObject({ ok: true, reply: { title: 'Thanks', text: 'Thank you for waiting!' } });
    const id = saved.ok ? saved.reply.id : '';
    expect((await heard).personal.map((r) => r.title)).toEqual([...before.map((r) => r.title), 'Thanks']);

    const edited = await phone.socket
      .timeout(3000)
      .emitWithAck('canned:save', { id, title: 'Thanks', text: 'Thanks for your patience.' });
    expect(edited).toMatchObject({ ok: true, reply: { id, text: 'Thanks for your patience.' } });
    // Max cannot edit or see Anna's.
    expect(await max.socket.timeout(3000).emitWithAck('canned:save', { id, title: 'x', text: 'y' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const again = await operator('anna');
    expect(again.hello.personalCannedReplies?.find((r) => r.id === id)?.text).toBe('Thanks for your patience.');
    expect((await operator('max')).hello.personalCannedReplies?.some((r) => r.id === id)).toBe(false);
    expect(maxHeard).toBe(false);

    expect(await laptop.socket.timeout(3000).emitWithAck('canned:save', { title: '', text: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    expect(
      await laptop.socket.timeout(3000).emitWithAck('canned:save', { title: 'x'.repeat(61), text: 'x' }),
    ).toMatchObject({ ok: false, error: { code: 'too_long', field: 'title' } });
    expect(await laptop.socket.timeout(3000).emitWithAck('canned:delete', { id })).toEqual({ ok: true, id });
    expect((await operator('anna')).hello.personalCannedReplies?.some((r) => r.id === id)).toBe(false);
  });

  it('takes the shared list from the owner API and sends it to every console live', async () => {
    const anna = await operator('anna');
    const put = (body: unknown, token = API_TOKEN) =>
      fetch(`${url()}/api/sites/shop/canned-replies`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await put({ replies: [] }, 'wrong')).status).toBe(401);
    expect((await put({ replies: [{ title: 'x' }] })).status).toBe(400);
    const heard = nextEvent<{ shared: CannedReply[] }>(anna.socket, 'canned:updated');
    const res = await put({ replies: [{ title: 'Returns', text: 'Returns are free within 30 days.' }] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { replies: { title: string; source: string }[] };
    expect(body.replies.map((r) => [r.title, r.source])).toEqual([
      ['Opening hours', 'config'],
      ['Returns', 'api'],
    ]);
    expect((await heard).shared.map((r) => [r.title, r.shared])).toEqual([
      ['Opening hours', true],
      ['Returns', true],
    ]);
    const listed = await fetch(`${url()}/api/sites/shop/canned-replies`, {
      headers: { Authorization: `Bearer ${API_TOKEN}` },
    });
    expect(((await listed.json()) as { replies: unknown[] }).replies).toHaveLength(2);
    expect((await operator('max')).hello.cannedReplies?.map((r) => r.title)).toEqual(['Opening hours', 'Returns']);
  });
});
