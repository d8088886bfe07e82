import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, OPERATOR_NAMESPACE, VISITOR_NAMESPACE, newId } from '../../src/protocol';
import {
  connectOperator,
  connectVisitor,
  socketTracker,
  startHarness,
  visitorSend,
  type Harness,
} from '../support/server';

let harness: Harness;
const sockets = socketTracker();
const track = sockets.track;
const url = () => harness.server.url;

beforeAll(async () => {
  harness = await startHarness();
});
afterEach(() => sockets.closeAll());
afterAll(() => harness.cleanup());

/** Resolves with the connect error message, or "connected". */
function tryConnect(namespace: string, auth: object, origin?: string): Promise<string> {
  const socket = track(
    io(url() + namespace, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth,
      extraHeaders: origin ? { origin } : undefined,
    }),
  );
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(error.message));
  });
}

describe('the edge refuses', () => {
  it('a foreign Origin, before any handler runs', async () => {
    expect(await tryConnect(VISITOR_NAMESPACE, { site: 'shop', visitorId: newId() }, 'https://evil.example')).not.toBe(
      'connected',
    );
  });

  it("another site's allowed origin for this site", async () => {
    expect(await tryConnect(VISITOR_NAMESPACE, { site: 'shop', visitorId: newId() }, 'https://other.example')).toBe(
      'origin not allowed for this site',
    );
  });

  it('accepts the site’s own origin', async () => {
    expect(await tryConnect(VISITOR_NAMESPACE, { site: 'shop', visitorId: newId() }, 'https://shop.example')).toBe(
      'connected',
    );
  });

  it('an unknown site and a malformed visitor id', async () => {
    expect(await tryConnect(VISITOR_NAMESPACE, { site: 'nope', visitorId: newId() })).toBe('unknown site');
    expect(await tryConnect(VISITOR_NAMESPACE, { site: 'shop', visitorId: '<script>' })).toBe(
      'visitorId is not a valid id',
    );
  });

  it('an operator without a valid token', async () => {
    expect(await tryConnect(OPERATOR_NAMESPACE, { token: 'forged' })).toBe('unauthorized');
    const res = await fetch(`${url()}/api/operator/login`, {
      method: 'POST',
      body: JSON.stringify({ login: 'anna', password: 'wrong' }),
    });
    expect(res.status).toBe(401);
  });

  it("an operator opening another site's conversation", async () => {
    const { socket } = await connectVisitor(url());
    track(socket);
    const sent = await visitorSend(socket, 'private');
    if (!sent.ok) throw new Error('send failed');
    const olga = track((await connectOperator(url(), 'olga')).socket);
    const res = await olga
      .timeout(3000)
      .emitWithAck('conversation:open', { conversationId: sent.message.conversationId });
    expect(res).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('bad payloads get an error ack and the server stays up', () => {
  it.each([
    ['not an object', 'hello'],
    ['no client id', { text: 'hi' }],
    ['a bad client id', { clientId: '../../x', text: 'hi' }],
    ['text not a string', { clientId: newId(), text: { $gt: '' } }],
    ['empty text', { clientId: newId(), text: '   ' }],
  ])('%s', async (_, payload) => {
    const { socket } = await connectVisitor(url());
    track(socket);
    const ack = await socket.timeout(3000).emitWithAck('message:send', payload as never);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });

  it('text over the limit', async () => {
    const { socket } = await connectVisitor(url());
    track(socket);
    const ack = await visitorSend(socket, 'x'.repeat(LIMITS.messageText + 1));
    expect(ack).toMatchObject({ ok: false, error: { code: 'too_long', field: 'text' } });
  });

  it('no NUL character, which PostgreSQL cannot store: the message is kept without it, from either side', async () => {
    const { socket } = await connectVisitor(url());
    track(socket);
    const ack = await visitorSend(socket, 'one\u0000two');
    expect(ack).toMatchObject({ ok: true, message: { text: 'onetwo' } });
    if (!ack.ok) return;
    const operator = track((await connectOperator(url(), 'anna')).socket);
    const reply = await operator
      .timeout(5000)
      .emitWithAck('message:send', { conversationId: ack.message.conversationId, clientId: newId(), text: '\u0000ok' });
    expect(reply).toMatchObject({ ok: true, message: { text: 'ok' } });
    const stored = await harness.server.store.lastMessages(ack.message.conversationId, 10);
    expect(stored.map((m) => m.text)).toEqual(['onetwo', 'ok']);
  });

  it('a message with no ack callback is ignored, and the next one still works', async () => {
    const { socket } = await connectVisitor(url());
    track(socket);
    (socket as unknown as { emit: (...args: unknown[]) => void }).emit('message:send', {
      clientId: newId(),
      text: 'no ack',
    });
    socket.emit('typing', 'garbage' as never);
    expect((await visitorSend(socket, 'still here')).ok).toBe(true);
  });

  it('a packet over maxHttpBufferSize closes only that connection', async () => {
    const { socket } = await connectVisitor(url());
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    socket.emit('message:send', { clientId: newId(), text: 'x'.repeat(LIMITS.packetBytes * 2) }, () => {});
    expect(await closed).toBe('transport close');

    const other = await connectVisitor(url());
    track(other.socket);
    expect((await visitorSend(other.socket, 'server is fine')).ok).toBe(true);
  });
});

describe('rate limits', () => {
  it('refuse a flood with rate_limited, but still answer resends of stored messages', async () => {
    const { socket } = await connectVisitor(url());
    track(socket);
    const firstId = newId();
    const results = [await visitorSend(socket, 'first', firstId)];
    for (let i = 1; i < LIMITS.visitorMessageBurst + 5; i++) results.push(await visitorSend(socket, `m${i}`));
    const limited = results.filter((r) => !r.ok && r.error.code === 'rate_limited');
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(results.slice(0, LIMITS.visitorMessageBurst).every((r) => r.ok)).toBe(true);

    const resend = await visitorSend(socket, 'first', firstId);
    expect(resend.ok).toBe(true);
  });
});
