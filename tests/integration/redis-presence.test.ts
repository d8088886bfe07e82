/**
 * Operator presence on Redis (redis-presence.ts), two nodes in this process on a real
 * redis-server: what a Redis emptied under them (restarted without persistence) shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { redisLeadership } from '../../server/src/leader';
import type { Presence } from '../../server/src/presence';
import { connectRedis, type RedisConnections } from '../../server/src/redis';
import { createRedisPresence, NODES } from '../../server/src/redis-presence';
import { redisSkipReason, startRedis, type RedisServer } from '../support/redis';
import { testSites } from '../support/server';
import { until } from '../support/until';

const HEARTBEAT_MS = 400;
const GRACE_MS = 100;
const sites = testSites().slice(0, 1);

describe.skipIf(redisSkipReason())('operator presence on Redis', () => {
  let redis: RedisServer;
  const closing: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    for (const close of closing.reverse()) await close().catch(() => {});
    await redis?.dispose();
  });

  /** One node: its Redis connections, the lead if nobody has it, its presence; `seen` is anna's status as it changes here. */
  async function startNodePresence(nodeId: string) {
    const connections: RedisConnections = await connectRedis(redis.url, () => {});
    const leadership = await redisLeadership(connections.state, nodeId, () => {});
    const seen: string[] = [];
    let presence: Presence | undefined;
    presence = await createRedisPresence({
      redis: connections.state,
      subscriber: connections.subscriber,
      nodeId,
      sites: () => sites,
      graceMs: GRACE_MS,
      heartbeatMs: HEARTBEAT_MS,
      leadership,
      onChange: () => presence && seen.push(presence.status('shop', 'anna')),
      log: () => {},
    });
    closing.push(
      () => connections.close(),
      () => leadership.close(),
      async () => presence!.close(),
    );
    return { presence, seen, leadership };
  }

  it('emptied, it never shows a present operator offline while the node with their console has yet to beat', async () => {
    // B first (it takes the lead, so its sweep ends grace periods), A half a heartbeat later.
    const b = await startNodePresence('node-b');
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS / 2));
    const a = await startNodePresence('node-a');
    a.presence.connect('shop', 'anna', 'console-1');
    a.presence.setStatus('shop', 'anna', 'away');
    await until(() => b.presence.status('shop', 'anna') === 'away', 5_000, 'node B sees anna away');

    // Emptied right after A's heartbeat: B puts anna back first, with none of her consoles.
    const admin = createClient({ url: redis.url });
    await admin.connect();
    closing.push(() => admin.quit());
    const beatOf = () => admin.zScore(NODES, 'node-a');
    const before = await beatOf();
    await until(async () => (await beatOf()) !== before, 5_000, "node A's next heartbeat");
    // The presence hashes only: the leader's lock stays, so its sweep runs all along (after a
    // real restart it runs again once the lock is retaken, within 3 s).
    await admin.del(await admin.keys('confab:presence:*'));
    const seenBefore = b.seen.length;

    // Until A's heartbeat gives her console back, and three more.
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 4));
    expect(b.seen.slice(seenBefore)).not.toContain('offline');
    expect(b.presence.status('shop', 'anna')).toBe('away');
    expect(await admin.hGet('confab:presence:shop:anna', 'gone')).toBe('0');

    // She still goes offline once her last console closes, after the grace period.
    a.presence.disconnect('shop', 'anna', 'console-1');
    await until(() => b.presence.status('shop', 'anna') === 'offline', 5_000, 'anna offline after her console closed');
  });
});
