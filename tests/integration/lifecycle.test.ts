import { describe, expect, it } from 'vitest';
import { newId, type ChatMessage, type Rating } from '../../src/protocol';
import { signIdentity } from '../../server/src/identity';
import type { SiteConfig } from '../../server/src/sites';
import {
  connectVisitor,
  nextEvent,
  testSites,
  visitorLeft,
  visitorSend,
  type ConnectOptions,
  type OperatorClient,
  type VisitorClient,
} from '../support/server';
import { useTestServer } from '../support/test-server';

const SECRET = 'a-very-long-identity-secret-for-tests-0123456789';

const [shop, other] = testSites();
const sites: SiteConfig[] = [
  {
    ...shop!,
    identitySecret: SECRET,
    // Long enough that the operator's and the visitor's own endings below come first even
    // on a busy machine, short enough to watch the sweep close the third chat.
    inactivityTimeoutMinutes: 0.03, // 1.8 s
    operators: [{ ...shop!.operators[0]!, greeting: "Hi, I'm Anna — how can I help?" }, shop!.operators[1]!],
  },
  other!,
];
const server = useTestServer({ sites, idleSweepMs: 100 }, { settleMs: 150 });
const url = server.url;

const chat = (text = 'hello', auth: ConnectOptions = {}) => server.visitorWrites(text, auth);
const operator = async (login = 'anna') => (await server.operator(login)).socket;
const reply = (op: OperatorClient, conversationId: string, text: string, replyTo?: string) =>
  op
    .timeout(3000)
    .emitWithAck('message:send', { conversationId, clientId: newId(), text, ...(replyTo ? { replyTo } : {}) });
const rate = (socket: VisitorClient, conversationId: string, score: number, final: boolean, comment?: string) =>
  socket.timeout(3000).emitWithAck('rating:submit', { conversationId, score, final, ...(comment ? { comment } : {}) });

describe('ending a conversation', () => {
  it('by the operator, by the visitor, and by inactivity', async () => {
    const anna = await operator();
    const a = await chat('one');
    const closedA = nextEvent<{ reason: string }>(a.socket, 'conversation:closed');
    await anna.timeout(3000).emitWithAck('conversation:close', { conversationId: a.conversationId });
    expect(await closedA).toMatchObject({ reason: 'operator' });

    const b = await chat('two');
    const ended = await b.socket.timeout(3000).emitWithAck('conversation:end', { conversationId: b.conversationId });
    expect(ended).toEqual({ ok: true, conversationId: b.conversationId });
    expect(await server.harness.server.store.getConversation(b.conversationId)).toMatchObject({
      status: 'closed',
      closeReason: 'visitor',
    });

    const c = await chat('three');
    expect(await nextEvent(c.socket, 'conversation:closed', 8000)).toEqual({
      conversationId: c.conversationId,
      reason: 'timeout',
    });
  }, 15_000);

  it('a visitor cannot end someone else’s conversation', async () => {
    const a = await chat('mine');
    const stranger = (await server.visitor()).socket;
    expect(
      await stranger.timeout(3000).emitWithAck('conversation:end', { conversationId: a.conversationId }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('rating', () => {
  it('is given once, may change before it is final, and only by the conversation’s own visitor', async () => {
    const anna = await operator();
    const a = await chat();
    await anna.timeout(3000).emitWithAck('conversation:close', { conversationId: a.conversationId });
    const stranger = (await server.visitor()).socket;
    expect(await rate(stranger, a.conversationId, 5, true)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await rate(a.socket, a.conversationId, 0, false)).toMatchObject({
      ok: false,
      error: { code: 'invalid', field: 'score' },
    });
    expect(await rate(a.socket, a.conversationId, 6, false)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await rate(a.socket, a.conversationId, 2.5, false)).toMatchObject({ ok: false });

    expect(await rate(a.socket, a.conversationId, 2, false)).toMatchObject({
      ok: true,
      rating: { state: 'draft', score: 2 },
    });
    const alert = nextEvent<Rating & { low: boolean }>(anna, 'rating');
    expect(await rate(a.socket, a.conversationId, 3, true, 'slow')).toMatchObject({
      ok: true,
      rating: { state: 'given', score: 3, comment: 'slow' },
    });
    expect(await alert).toMatchObject({ conversationId: a.conversationId, score: 3, low: true });
    expect(await rate(a.socket, a.conversationId, 5, true)).toMatchObject({ ok: false, error: { code: 'closed' } });
  });

  it('is still asked for after a reconnect, and not after it was dismissed', async () => {
    const anna = await operator();
    const a = await chat();
    await anna.timeout(3000).emitWithAck('conversation:close', { conversationId: a.conversationId });
    const fresh = await server.visitor({ visitorId: a.visitorId });
    expect(fresh.session.rating).toEqual({ conversationId: a.conversationId, state: 'pending' });
    await fresh.socket.timeout(3000).emitWithAck('rating:dismiss', { conversationId: a.conversationId });
    const later = await server.visitor({ visitorId: a.visitorId });
    expect(later.session.rating).toBeNull();
  });
});

describe('spam', () => {
  it('closes with reason spam, bars new chats and requests, and offers no rating', async () => {
    const anna = await operator();
    const a = await chat('buy pills');
    const told = nextEvent(a.socket, 'conversation:closed');
    await anna.timeout(3000).emitWithAck('conversation:close', { conversationId: a.conversationId, spam: true });
    expect(await told).toEqual({ conversationId: a.conversationId, reason: 'spam' });
    expect(await visitorSend(a.socket, 'again')).toMatchObject({ ok: false, error: { code: 'blocked' } });
    expect(await rate(a.socket, a.conversationId, 5, true)).toMatchObject({ ok: false });
    const lead = await a.socket.timeout(3000).emitWithAck('lead:submit', {
      clientId: newId(),
      fields: { email: 'a@b.co', consent: true },
      elapsedMs: 10_000,
    });
    expect(lead).toMatchObject({ ok: false, error: { code: 'blocked' } });
    const back = await server.visitor({ visitorId: a.visitorId });
    expect(back.session).toMatchObject({ blocked: true, rating: null, closeReason: 'spam' });
  });
});

describe('inside a conversation', () => {
  it('edits, deletes and replies reach the visitor live and after a reconnect', async () => {
    const anna = await operator();
    const a = await chat('Is it in stock?');
    const first = await reply(anna, a.conversationId, 'Yes, 3 left', a.message.id);
    if (!first.ok) throw new Error('reply failed');
    expect(first.message.replyTo).toEqual({ id: a.message.id, author: 'visitor', text: 'Is it in stock?' });
    const other = await reply(anna, a.conversationId, 'Anything else?');
    if (!other.ok) throw new Error('reply failed');

    // The visitor has everything so far, then goes away.
    const known = Math.max(first.message.changeSeq, other.message.changeSeq);
    const edited = nextEvent<ChatMessage>(a.socket, 'message:updated');
    expect(
      await anna.timeout(3000).emitWithAck('message:edit', { messageId: first.message.id, text: 'Yes, 2 left' }),
    ).toMatchObject({
      ok: true,
      message: { text: 'Yes, 2 left', editedAt: expect.any(Number) },
    });
    expect(await edited).toMatchObject({ id: first.message.id, text: 'Yes, 2 left' });
    a.socket.disconnect();
    await anna.timeout(3000).emitWithAck('message:delete', { messageId: other.message.id });

    // Back with the change number it had: it is sent exactly what changed since.
    const back = await server.visitor({
      visitorId: a.visitorId,
      conversationId: a.conversationId,
      lastChange: known,
    });
    const byId = new Map(back.session.messages.map((m) => [m.id, m]));
    expect(byId.get(first.message.id)).toMatchObject({ text: 'Yes, 2 left' });
    expect(byId.get(other.message.id)).toMatchObject({ deleted: true, text: '' });
    expect(byId.has(a.message.id)).toBe(false);

    // The visitor answers the operator's message.
    const answer = await back.socket
      .timeout(3000)
      .emitWithAck('message:send', { clientId: newId(), text: 'I take one', replyTo: first.message.id });
    expect(answer).toMatchObject({
      ok: true,
      message: { replyTo: { id: first.message.id, author: 'operator', text: 'Yes, 2 left' } },
    });
    // A reply to a message of another conversation is refused.
    const elsewhere = await chat('other chat');
    expect(
      await back.socket
        .timeout(3000)
        .emitWithAck('message:send', { clientId: newId(), text: 'x', replyTo: elsewhere.message.id }),
    ).toMatchObject({ ok: false, error: { field: 'replyTo' } });
  });

  it('only the author may edit, and only in an open conversation', async () => {
    const anna = await operator();
    const max = await operator('max');
    const a = await chat();
    const sent = await reply(anna, a.conversationId, 'mine');
    if (!sent.ok) throw new Error('reply failed');
    expect(
      await max.timeout(3000).emitWithAck('message:edit', { messageId: sent.message.id, text: 'hijack' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(await anna.timeout(3000).emitWithAck('message:edit', { messageId: a.message.id, text: 'x' })).toMatchObject({
      ok: false,
    });
  });

  it('read marks travel both ways', async () => {
    const anna = await operator();
    const a = await chat();
    const seen = nextEvent(anna, 'read');
    a.socket.emit('read', { conversationId: a.conversationId, seq: 1 });
    expect(await seen).toEqual({ conversationId: a.conversationId, seq: 1 });
    const readByOperator = nextEvent(a.socket, 'read');
    anna.emit('read', { conversationId: a.conversationId, seq: 1 });
    expect(await readByOperator).toEqual({ conversationId: a.conversationId, seq: 1 });
    // Marks beyond the conversation are ignored.
    a.socket.emit('read', { conversationId: a.conversationId, seq: 99 });
    expect((await server.harness.server.store.getConversation(a.conversationId))!.visitorReadSeq).toBe(1);
    // The visitor's next page view is told the mark, so it need not send it again.
    const { session } = await server.visitor({ visitorId: a.visitorId });
    expect(session).toMatchObject({ conversationId: a.conversationId, visitorReadSeq: 1 });
  });

  it('picking a chat up posts the operator’s greeting before their reply', async () => {
    const anna = await operator();
    const a = await chat('hi');
    const arrivals: ChatMessage[] = [];
    a.socket.on('message:new', (m) => arrivals.push(m));
    await reply(anna, a.conversationId, 'Sure');
    // Both arrive after the reply's ack; on a loaded machine that can take more than a tick.
    for (let waited = 0; arrivals.length < 2 && waited < 3000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(arrivals.map((m) => m.text)).toEqual(["Hi, I'm Anna — how can I help?", 'Sure']);
  });
});

describe('proactive messages', () => {
  it('reach a visitor who has not written', async () => {
    const visitor = await server.visitor();
    expect(visitor.session.conversationId).toBeNull();
    const max = await operator('max');
    const started = await max.timeout(3000).emitWithAck('conversation:start', { visitorId: visitor.visitorId });
    if (!started.ok) throw new Error('start failed');
    const arrival = nextEvent<ChatMessage>(visitor.socket, 'message:new');
    await reply(max, started.conversation.id, 'Can I help you choose?');
    expect(await arrival).toMatchObject({
      author: 'operator',
      text: 'Can I help you choose?',
      operator: { name: 'Max' },
    });
  });

  it('are listed: the console sees who is on the site now', async () => {
    const max = await operator('max');
    const joined = nextEvent<{ visitorId: string }>(max, 'visitor:online');
    const visitor = await server.visitor({ page: { url: 'https://shop.example/sofas' } });
    expect(await joined).toMatchObject({ visitorId: visitor.visitorId, page: { url: 'https://shop.example/sofas' } });
    const left = visitorLeft(max, visitor.visitorId);
    visitor.socket.disconnect();
    await left;
  });
});

describe('returning visitors', () => {
  it('reach the operator who served them before, when available (sticky)', async () => {
    const max = await operator('max');
    await operator('anna');
    const first = await chat('first visit');
    await reply(max, first.conversationId, 'Max here');
    await max.timeout(3000).emitWithAck('conversation:close', { conversationId: first.conversationId });

    const assigned = nextEvent<{ id: string }>(first.socket, 'operator:assigned');
    const second = await visitorSend(first.socket, 'back again');
    if (!second.ok) throw new Error('send failed');
    expect(second.message.conversationId).not.toBe(first.conversationId);
    expect(await assigned).toMatchObject({ id: 'max' });
    expect((await server.harness.server.store.getConversation(second.message.conversationId))!.operatorId).toBe('max');
  });
});

describe('identity', () => {
  const token = (claims: Partial<{ userId: string; name: string; email: string; exp: number }>, secret = SECRET) =>
    signIdentity({ userId: 'u-1', exp: Math.floor(Date.now() / 1000) + 600, ...claims } as never, secret);

  it('a valid token links conversations across devices', async () => {
    const laptop = await chat('from my laptop', { token: token({ userId: 'u-42', email: 'ann@example.com' }) });
    expect(laptop.session.verified).toBe(true);
    const phone = await server.visitor({ token: token({ userId: 'u-42' }) });
    expect(phone.session.messages.map((m) => m.text)).toEqual(['from my laptop']);
    const sent = await visitorSend(phone.socket, 'and from my phone');
    expect(sent.ok && sent.message.conversationId).toBe(laptop.conversationId);
  });

  it.each([
    ['forged with another secret', () => token({}, 'another-secret-that-is-long-enough-0123456789'), 'signature'],
    ['expired', () => token({ exp: Math.floor(Date.now() / 1000) - 10 }), 'expired'],
    [
      'alg none',
      () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"userId":"u-1","exp":9999999999}').toString('base64url')}.`,
      'HS256',
    ],
    ['garbage', () => 'not-a-token', 'JWT'],
  ])('a token %s is refused with the reason', async (_, make, reason) => {
    await expect(connectVisitor(url(), { token: make() })).rejects.toThrow(reason);
  });

  it('an unsigned e-mail of an existing customer gets no history', async () => {
    const customer = await chat('my address is 1 Main St', {
      token: token({ userId: 'u-7', email: 'vip@example.com' }),
    });
    const impostor = await server.visitor({ email: 'vip@example.com', name: 'VIP' });
    expect(impostor.session.messages).toEqual([]);
    expect(impostor.session.verified).toBe(false);
    const sent = await visitorSend(impostor.socket, 'show me my orders');
    expect(sent.ok && sent.message.conversationId).not.toBe(customer.conversationId);
    const anna = (await server.operator('anna')).hello;
    const listed = anna.conversations.find((c) => sent.ok && c.id === sent.message.conversationId);
    expect(listed).toMatchObject({ visitorEmail: 'vip@example.com', verified: false });
  });
});
