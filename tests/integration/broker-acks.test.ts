/**
 * With several nodes, a message's ack waits until Redis has taken its broadcast: a node
 * that acked earlier could be killed with the broadcast still in its write buffer, and
 * then the ack has stopped the sender's resend while the copy for the other node's
 * clients is gone. Redis is made to hold writes (`CLIENT PAUSE … WRITE`) while a message
 * is sent; its ack must not come before the pause ends. Runs with Debian's redis-server
 * (skipped with the install command without it; CI installs it).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId, type ChatMessage } from '../../src/protocol';
import { redisSkipReason, startRedis, type RedisServer } from '../support/redis';
import {
  connectOperator,
  connectVisitor,
  onConsoleMessages,
  socketTracker,
  startNodePair,
  visitorSend,
} from '../support/server';
import { until } from '../support/until';

const skip = redisSkipReason();
/** How long Redis holds writes; an ack within it was sent before Redis had the broadcast. */
const HELD_MS = 600;
let redis: RedisServer;
let nodes: Awaited<ReturnType<typeof startNodePair>>;
const sockets = socketTracker();

beforeAll(async () => {
  if (skip) return;
  redis = await startRedis();
  // The visitor's rate limit is a Redis script, a write that the pause would hold as well;
  // without it only the broadcast waits on Redis, which is what is measured.
  nodes = await startNodePair(redis.url, { visitorMessageLimit: null });
});
afterEach(() => sockets.closeAll());
afterAll(async () => {
  if (skip) return;
  await nodes.cleanup();
  await redis.dispose();
});

/** Sends while Redis holds writes; resolves with the ack and how long after the pause began it came. */
async function sendWhileHeld<T>(send: () => Promise<T>): Promise<{ ack: T; afterMs: number }> {
  const before = Date.now();
  await redis.pauseWrites(HELD_MS);
  const ack = await send();
  return { ack, afterMs: Date.now() - before };
}

describe.skipIf(skip)('acks after Redis took the broadcast', () => {
  it("a visitor's message: acked once the consoles' copy is in Redis, and the console on the other node gets it", async () => {
    const operator = sockets.track((await connectOperator(nodes.b.server.url, 'anna')).socket);
    const { socket: visitor } = await connectVisitor(nodes.a.server.url);
    sockets.track(visitor);
    const atConsole: string[] = [];
    onConsoleMessages(operator, (message) => atConsole.push(message.text));
    // The first message opens the conversation, apart from what is measured.
    expect((await visitorSend(visitor, 'Hello')).ok).toBe(true);

    const { ack, afterMs } = await sendWhileHeld(() => visitorSend(visitor, 'Sent while Redis holds writes'));
    expect(ack.ok).toBe(true);
    expect(afterMs).toBeGreaterThanOrEqual(HELD_MS - 50);
    await until(() => atConsole.includes('Sent while Redis holds writes'), 10_000, 'the message at the console on B');
  });

  it("an operator's message: acked once the visitor's copy is in Redis, and the visitor on the other node gets it", async () => {
    const operator = sockets.track((await connectOperator(nodes.a.server.url, 'anna')).socket);
    const { socket: visitor } = await connectVisitor(nodes.b.server.url);
    sockets.track(visitor);
    const atVisitor: string[] = [];
    visitor.on('message:new', (message: ChatMessage) => atVisitor.push(message.text));
    const opened = await visitorSend(visitor, 'Anyone there?');
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const send = (text: string) =>
      operator
        .timeout(10_000)
        .emitWithAck('message:send', { conversationId: opened.message.conversationId, clientId: newId(), text });
    // Taking the chat (with the greeting) happens before Redis is held.
    expect((await send('Hello')).ok).toBe(true);

    const { ack, afterMs } = await sendWhileHeld(() => send('Sent while Redis holds writes'));
    expect(ack.ok).toBe(true);
    expect(afterMs).toBeGreaterThanOrEqual(HELD_MS - 50);
    await until(() => atVisitor.includes('Sent while Redis holds writes'), 10_000, 'the message at the visitor on B');
  });

  // Last in the file: it takes Redis away (and brings it back for the nodes' clean-up).
  it('does not wait out an outage: with Redis away the ack comes at once, and the message is stored', async () => {
    const { socket: visitor } = await connectVisitor(nodes.a.server.url);
    sockets.track(visitor);
    expect((await visitorSend(visitor, 'Hello')).ok).toBe(true);
    await redis.stop();
    // The nodes' clients see the connection close as soon as the process is gone.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentAt = Date.now();
    const ack = await visitorSend(visitor, 'Sent while Redis is away');
    // Waiting for Redis's answer would take the whole 1 s bound (server.ts).
    expect(Date.now() - sentAt).toBeLessThan(900);
    expect(ack.ok).toBe(true);
    await redis.start();
  });
});
