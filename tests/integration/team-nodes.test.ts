/**
 * Statuses and hand-overs across two server nodes sharing Redis and one store: an
 * operator's status set on one node decides what visitors on the other are offered, and
 * a chat passed to a colleague on the other node reaches them with its comment. Runs
 * with Debian's redis-server (skipped with the install command without it; CI installs it).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId, type Availability, type TransferNote } from '../../src/protocol';
import { redisSkipReason, startRedis, type RedisServer } from '../support/redis';
import {
  connectOperator,
  connectVisitor,
  nextEvent,
  socketTracker,
  startNodePair,
  visitorSend,
  type Harness,
} from '../support/server';

const skip = redisSkipReason();
let redis: RedisServer;
let nodes: Awaited<ReturnType<typeof startNodePair>>;
let nodeA: Harness;
let nodeB: Harness;
const sockets = socketTracker();

beforeAll(async () => {
  if (skip) return;
  redis = await startRedis();
  nodes = await startNodePair(redis.url);
  ({ a: nodeA, b: nodeB } = nodes);
});
afterEach(async () => {
  sockets.closeAll();
  await new Promise((resolve) => setTimeout(resolve, 300));
});
afterAll(async () => {
  if (skip) return;
  await nodes.cleanup();
  await redis.dispose();
});

describe.skipIf(skip)('across two nodes', () => {
  it("follows an operator's status set on the other node", async () => {
    const anna = sockets.track((await connectOperator(nodeA.server.url, 'anna')).socket);
    const visitor = await connectVisitor(nodeB.server.url);
    sockets.track(visitor.socket);
    // Max has no console: Anna alone decides. Her arrival may reach node B before or after
    // the visitor's first availability, so follow every change rather than the next one.
    const seen: Availability[] = [await visitor.availability];
    visitor.socket.on('availability', (a: Availability) => seen.push(a));
    await expect.poll(() => seen.at(-1), { timeout: 8000 }).toEqual({ online: true });
    for (const status of ['busy', 'dnd'] as const) {
      const away = nextEvent<Availability>(visitor.socket, 'availability', 4000);
      await anna.timeout(3000).emitWithAck('status:set', { status });
      // Busy (answering other chats) is told as such, do not disturb as nobody there.
      expect(await away).toEqual({ online: false, reason: status === 'busy' ? 'busy' : 'nobody' });
      const back = nextEvent<Availability>(visitor.socket, 'availability', 4000);
      await anna.timeout(3000).emitWithAck('status:set', { status: 'available' });
      expect(await back).toEqual({ online: true });
    }
  });

  it('passes a chat to a colleague on the other node, who hears the comment and may write; the sender may not', async () => {
    const anna = sockets.track((await connectOperator(nodeA.server.url, 'anna')).socket);
    const max = sockets.track((await connectOperator(nodeB.server.url, 'max')).socket);
    const visitor = await connectVisitor(nodeA.server.url);
    sockets.track(visitor.socket);
    const sent = await visitorSend(visitor.socket, 'hello from node A');
    if (!sent.ok) throw new Error(sent.error.message);
    const conversationId = sent.message.conversationId;
    const send = (op: typeof anna, text: string) =>
      op.timeout(5000).emitWithAck('message:send', { conversationId, clientId: newId(), text });
    expect(await send(anna, 'Anna here')).toMatchObject({ ok: true });
    const note = nextEvent<TransferNote & { conversationId: string }>(max, 'conversation:transferred', 4000);
    // Max's status reaches node A through Redis; wait until node A sees him available.
    let result = await anna
      .timeout(3000)
      .emitWithAck('conversation:transfer', { conversationId, toOperatorId: 'max', comment: 'needs an invoice' });
    for (let i = 0; i < 20 && !result.ok && result.error.code === 'unavailable'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      result = await anna
        .timeout(3000)
        .emitWithAck('conversation:transfer', { conversationId, toOperatorId: 'max', comment: 'needs an invoice' });
    }
    expect(result).toMatchObject({ ok: true, conversation: { operatorId: 'max' } });
    expect(await note).toMatchObject({ conversationId, fromOperatorId: 'anna', comment: 'needs an invoice' });
    expect(await send(anna, 'me again')).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await send(max, 'Max from node B')).toMatchObject({ ok: true });
  });

  it('does not report gone a visitor back on the other node within the leave window (a node drains)', async () => {
    const anna = sockets.track((await connectOperator(nodeA.server.url, 'anna')).socket);
    const first = await connectVisitor(nodeA.server.url);
    sockets.track(first.socket);
    const { visitorId } = first;
    const heard: string[] = [];
    anna.on('visitor:online', (v: { visitorId: string }) => v.visitorId === visitorId && heard.push('online'));
    anna.on('visitor:offline', (v: { visitorId: string }) => v.visitorId === visitorId && heard.push('offline'));
    anna.on(
      'visitors:offline',
      (v: { visitorIds: string[] }) => v.visitorIds.includes(visitorId) && heard.push('offline'),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    heard.length = 0;

    // Its node lets it go; it reconnects to the other node while node A still gathers leaves.
    first.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await connectVisitor(nodeB.server.url, { visitorId });
    sockets.track(again.socket);
    await expect.poll(() => heard.includes('online'), { timeout: 4000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));

    // Whatever the order the console heard things in, it ends with the visitor on site.
    expect(heard.at(-1)).toBe('online');
  });
});
