/**
 * Visitor connections counted across nodes in Redis (redis-visitor-connections.ts), two
 * and three nodes in this process on a real redis-server: what a crowd leaving costs in
 * Redis calls, what a quiet heartbeat writes, and that a node's hash lost in Redis, or a
 * dead node's, is still dealt with. Calls are counted by Redis itself (INFO commandstats).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import type { Leadership } from '../../server/src/leader';
import { connectRedis } from '../../server/src/redis';
import { NODES } from '../../server/src/redis-presence';
import { createRedisVisitorConnections } from '../../server/src/redis-visitor-connections';
import { connectionKey } from '../../server/src/visitor-connections';
import { redisSkipReason, startRedis, type RedisServer } from '../support/redis';
import { until } from '../support/until';

const follower: Leadership = { isLeader: () => false, close: async () => {} };
const leader: Leadership = { isLeader: () => true, close: async () => {} };

describe.skipIf(redisSkipReason())('visitor connections on Redis', () => {
  let redis: RedisServer;
  let admin: ReturnType<typeof createClient>;
  const closing: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    admin = createClient({ url: redis.url });
    await admin.connect();
  }, 30_000);
  afterAll(async () => {
    for (const close of closing.reverse()) await close().catch(() => {});
    await admin?.quit();
    await redis?.dispose();
  });

  /** A node's visitor connections; its heartbeat in `confab:nodes` is written by the test (no presence here). */
  async function node(
    nodeId: string,
    options: { heartbeatMs?: number; rewriteEveryMs?: number; leadership?: Leadership } = {},
  ) {
    const connections = await connectRedis(redis.url, () => {});
    const gone: string[] = [];
    const visitors = await createRedisVisitorConnections({
      redis: connections.state,
      nodeId,
      leadership: options.leadership ?? follower,
      onGone: (site, visitorId) => gone.push(connectionKey(site, visitorId)),
      log: () => {},
      heartbeatMs: options.heartbeatMs ?? 60_000,
      ...(options.rewriteEveryMs ? { rewriteEveryMs: options.rewriteEveryMs } : {}),
    });
    closing.push(
      () => connections.close(),
      async () => visitors.close(),
    );
    return { visitors, gone };
  }
  const beat = (...nodeIds: string[]) =>
    Promise.all(nodeIds.map((id) => admin.zAdd(NODES, { score: Date.now(), value: id })));

  /** Calls Redis counted per command since the last reset. */
  async function calls(): Promise<Record<string, number>> {
    const info = await admin.info('commandstats');
    const counts: Record<string, number> = {};
    for (const [, command, n] of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) counts[command!] = Number(n);
    return counts;
  }

  it('asks Redis once for a whole window of leaves, and tells gone only who no node has', async () => {
    const a = await node('leaves-a');
    const b = await node('leaves-b');
    await beat('leaves-a', 'leaves-b');
    const ids = Array.from({ length: 200 }, (_, i) => `visitor-${i}`);
    for (const id of ids) a.visitors.opened('shop', id);
    b.visitors.opened('shop', 'visitor-0'); // a second tab, on the other node
    const keys = ids.map((id) => connectionKey('shop', id));
    await until(async () => (await admin.hLen('confab:node-visitors:leaves-a')) === 200, 5_000, "A's hash filled");

    await admin.configResetStat();
    expect(ids.every((id) => a.visitors.closed('shop', id))).toBe(true);
    const here = await a.visitors.connected(keys);
    const counted = await calls();
    // One script for the 200 leaves: they leave A's hash, and visitor-0 is still on B.
    expect(counted.eval ?? 0).toBe(1);
    expect([...here]).toEqual([connectionKey('shop', 'visitor-0')]);
    expect(await admin.hLen('confab:node-visitors:leaves-a')).toBe(0);

    // Their last tab, on B: now they are gone.
    expect(b.visitors.closed('shop', 'visitor-0')).toBe(true);
    expect(await b.visitors.connected([connectionKey('shop', 'visitor-0')])).toEqual(new Set());
  });

  it('writes nothing on a quiet heartbeat, rewrites a hash Redis lost, and still forgets a dead node', async () => {
    const heartbeatMs = 150;
    const a = await node('beats-a', { heartbeatMs, leadership: leader });
    const dead = await node('beats-dead', { heartbeatMs: 60_000 });
    // Their presence heartbeats (redis-presence.ts in a server), until one of them dies.
    const living = new Set(['beats-a', 'beats-dead']);
    const beating = setInterval(() => void beat(...living), heartbeatMs / 3);
    closing.push(async () => clearInterval(beating));
    await beat(...living);
    for (let i = 0; i < 100; i++) a.visitors.opened('shop', `here-${i}`);
    dead.visitors.opened('shop', 'only-on-the-dead-node');
    dead.visitors.opened('shop', 'here-0');
    await until(async () => (await admin.hLen('confab:node-visitors:beats-a')) === 100, 5_000, "A's hash filled");
    // The other node's first write too, or it could land in the quiet window on a slow machine.
    await until(
      async () => (await admin.hLen('confab:node-visitors:beats-dead')) === 2,
      5_000,
      "the other's hash filled",
    );

    // Three heartbeats with nothing changed: A writes no count (the sweep only reads).
    await admin.configResetStat();
    await new Promise((resolve) => setTimeout(resolve, heartbeatMs * 3.5));
    const quiet = await calls();
    expect(quiet.sadd ?? 0).toBeGreaterThanOrEqual(3);
    expect((quiet.hset ?? 0) + (quiet.del ?? 0) + (quiet.hdel ?? 0) + (quiet.hmset ?? 0)).toBe(0);

    // A's hash lost (Redis emptied, or A taken for dead): the next heartbeat writes it whole.
    await admin.multi().del('confab:node-visitors:beats-a').sRem('confab:visitor-nodes', 'beats-a').exec();
    await until(async () => (await admin.hLen('confab:node-visitors:beats-a')) === 100, 5_000, "A's hash back");

    // The other node stops beating: A, the leader, drops its hash and reports whoever was only there.
    living.delete('beats-dead');
    await admin.zAdd(NODES, { score: Date.now() - 60_000, value: 'beats-dead' });
    await until(() => a.gone.length > 0, 5_000, 'the dead node forgotten');
    expect(a.gone).toEqual([connectionKey('shop', 'only-on-the-dead-node')]);
    expect(await admin.exists('confab:node-visitors:beats-dead')).toBe(0);
  });

  it('writes its whole hash now and then, so old counts Redis came back with do not keep a visitor on the site', async () => {
    const a = await node('heals-a', { heartbeatMs: 100, rewriteEveryMs: 600 });
    // Its presence heartbeat: a leader elsewhere would take it for dead without one.
    const beating = setInterval(() => void beat('heals-a'), 50);
    closing.push(async () => clearInterval(beating));
    await beat('heals-a');
    a.visitors.opened('shop', 'here');
    a.visitors.opened('shop', 'leaving');
    const hash = 'confab:node-visitors:heals-a';
    await until(async () => (await admin.hLen(hash)) === 2, 5_000, "A's hash filled");
    // The last tab of one visitor closes; their leave window has not run yet.
    expect(a.visitors.closed('shop', 'leaving')).toBe(true);
    // Redis comes back from a snapshot: the node is still listed, its hash holds a visitor gone long ago.
    await admin.hSet(hash, connectionKey('shop', 'gone-long-ago'), '2');
    await until(
      async () => !(await admin.hExists(hash, connectionKey('shop', 'gone-long-ago'))),
      5_000,
      'old count gone',
    );
    // What the node holds is there, and the visitor leaving stays until their window removes them.
    expect(await admin.hGetAll(hash)).toEqual({
      [connectionKey('shop', 'here')]: '1',
      [connectionKey('shop', 'leaving')]: '1',
    });
    await a.visitors.connected([connectionKey('shop', 'leaving')]);
    expect(await admin.hGetAll(hash)).toEqual({ [connectionKey('shop', 'here')]: '1' });
  });
});
