/**
 * Visitor connections counted across nodes, in Redis. Each node keeps its own counts in
 * memory and mirrors them in a hash of its own (`confab:node-visitors:<node>`, one field
 * `<site>/<visitor>` per visitor with the number of their connections on that node).
 *
 * What each event costs in Redis: a connection opened, or closed while the visitor keeps
 * another here, writes its field's new count (HSET). A visitor's last connection on this
 * node closing costs nothing at once: the visitor is gone from this node's view, and the
 * leave window (visitor-leaves.ts) asks `connected` once for everyone who left in it —
 * one script that removes those fields from this node's hash and, in the same step,
 * looks for each in the hashes of the other living nodes (`confab:nodes`, the heartbeats
 * of redis-presence.ts). Only a visitor no living node has is told gone. (Before, each
 * last close ran a script of its own: 5,000 visitors leaving were 5,000 round trips.)
 * Two nodes closing the same visitor's last tabs at once: the scripts run one after the
 * other, so the second finds the first's field gone and tells.
 *
 * The heartbeat writes only what is not in Redis yet: the counts whose write failed
 * (Redis away), and a window's leaves whose lookup failed. A Redis restarted empty,
 * or a leader that took this node for dead and dropped its hash, shows at the heartbeat:
 * adding the node to `confab:visitor-nodes` then adds it anew, and the node rewrites its
 * whole hash from memory. The leader forgets the hashes of nodes whose heartbeat stopped
 * (a SIGKILL), and reports the visitors who were only there as gone.
 */
import type { Leadership } from './leader';
import type { RedisClient } from './redis';
import { NODES } from './redis-presence';
import { connectionKey, type VisitorConnections } from './visitor-connections';

const NODE_SET = 'confab:visitor-nodes';
const hashOf = (nodeId: string) => `confab:node-visitors:${nodeId}`;

// KEYS[1] the node heartbeats, KEYS[2] this node's hash; ARGV oldest living heartbeat,
// how many fields to remove from this node's hash, those fields, then the fields to look
// for. Returns the fields some living node has (a window's leaves in one round trip).
const LEFT_AND_CONNECTED = `
local removing = tonumber(ARGV[2])
for i = 3, 2 + removing do redis.call('HDEL', KEYS[2], ARGV[i]) end
local living = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local here = {}
for i = 3 + removing, #ARGV do
  for _, node in ipairs(living) do
    if tonumber(redis.call('HGET', 'confab:node-visitors:' .. node, ARGV[i]) or '0') > 0 then
      table.insert(here, ARGV[i])
      break
    end
  end
end
return here`;

// KEYS[1] the set of nodes with a hash, KEYS[2] the heartbeats; ARGV oldest living
// heartbeat. Drops dead nodes' hashes; returns the fields no living node has.
const FORGET_DEAD = `
local living = {}
for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], '+inf')) do living[node] = true end
local gone = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if not living[node] then
    local hash = 'confab:node-visitors:' .. node
    for _, field in ipairs(redis.call('HKEYS', hash)) do
      local elsewhere = false
      for other in pairs(living) do
        if tonumber(redis.call('HGET', 'confab:node-visitors:' .. other, field) or '0') > 0 then elsewhere = true break end
      end
      if not elsewhere then table.insert(gone, field) end
    end
    redis.call('DEL', hash)
    redis.call('SREM', KEYS[1], node)
  end
end
return gone`;

export interface RedisVisitorConnectionsOptions {
  redis: RedisClient;
  nodeId: string;
  leadership: Leadership;
  /** A visitor whose only connections were on a dead node. */
  onGone: (site: string, visitorId: string) => void;
  log: (message: string) => void;
  /** How often the node writes what Redis is missing of its hash (default 2 s, as the presence heartbeat). */
  heartbeatMs?: number;
  /**
   * How often the node writes its whole hash anyway (default 30 s): a Redis that came back
   * from a replica that was behind, or from a snapshot, still lists the node but holds old
   * counts, and a count left above 0 would keep a visitor on the site for every node.
   */
  rewriteEveryMs?: number;
  /** A node whose heartbeat is older than this is dead (default 8 s). */
  deadAfterMs?: number;
}

export async function createRedisVisitorConnections(
  options: RedisVisitorConnectionsOptions,
): Promise<VisitorConnections> {
  const { redis, nodeId, leadership, onGone, log } = options;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const deadAfterMs = options.deadAfterMs ?? heartbeatMs * 4;
  const rewriteEveryMs = options.rewriteEveryMs ?? 30_000;
  let rewrittenAt = 0;
  const hash = hashOf(nodeId);
  const counts = new Map<string, number>();
  /** Fields whose count in Redis may be stale (its write failed): the heartbeat writes them. */
  const stale = new Set<string>();
  /** Fields of visitors whose last connection here closed, still in this node's hash. */
  const leaving = new Set<string>();
  const failed = (what: string) => (error: unknown) => log(`visitor connections ${what} failed: ${String(error)}`);

  /** The field's count here, as it is now (absolute, so a write that comes late or twice is harmless). */
  function write(field: string): void {
    const count = counts.get(field);
    const written = count ? redis.hSet(hash, field, String(count)) : redis.hDel(hash, field);
    written.catch((error: unknown) => {
      stale.add(field);
      failed('write')(error);
    });
  }

  /**
   * Makes this node's hash exactly what it holds. A visitor whose last tab closed here stays
   * (count 1) until their leave window removes them, as in `heartbeat`.
   */
  async function rewrite(): Promise<void> {
    const fields = [...counts].flatMap(([field, count]) => [field, String(count)]);
    for (const field of leaving) if (!counts.has(field)) fields.push(field, '1');
    stale.clear();
    rewrittenAt = Date.now();
    const multi = redis.multi().del(hash).sAdd(NODE_SET, nodeId);
    await (fields.length ? multi.hSet(hash, fields) : multi).exec();
  }

  /**
   * Writes the counts whose write failed; all of them when Redis lost this node's hash, and
   * every `rewriteEveryMs`.
   * (Leaves are the window's to remove: removed here first, another node closing the same
   * visitor's last tab would find this one's gone too, and both would tell.)
   */
  async function heartbeat(): Promise<void> {
    if (Date.now() - rewrittenAt >= rewriteEveryMs) return rewrite();
    const changed = [...stale];
    stale.clear();
    const present = changed.filter((field) => counts.has(field));
    const absent = changed.filter((field) => !counts.has(field) && !leaving.has(field));
    let multi = redis.multi().sAdd(NODE_SET, nodeId);
    if (present.length)
      multi = multi.hSet(
        hash,
        present.flatMap((field) => [field, String(counts.get(field))]),
      );
    if (absent.length) multi = multi.hDel(hash, absent);
    let added: unknown;
    try {
      [added] = await multi.exec();
    } catch (error) {
      changed.forEach((field) => stale.add(field));
      throw error;
    }
    // Not a member any more: Redis was emptied, or the leader took this node for dead.
    if (added === 1) await rewrite();
  }

  async function forgetDeadNodes(): Promise<void> {
    if (!leadership.isLeader()) return;
    const gone = (await redis.eval(FORGET_DEAD, {
      keys: [NODE_SET, NODES],
      arguments: [String(Date.now() - deadAfterMs)],
    })) as string[];
    for (const field of gone) {
      const slash = field.indexOf('/');
      onGone(field.slice(0, slash), field.slice(slash + 1));
    }
  }

  await rewrite();
  const timer = setInterval(() => {
    void heartbeat().catch(failed('heartbeat'));
    void forgetDeadNodes().catch(failed('sweep'));
  }, heartbeatMs);

  return {
    opened(site, visitorId) {
      const field = connectionKey(site, visitorId);
      counts.set(field, (counts.get(field) ?? 0) + 1);
      leaving.delete(field);
      write(field);
    },
    closed(site, visitorId) {
      const field = connectionKey(site, visitorId);
      const left = (counts.get(field) ?? 1) - 1;
      if (left > 0) {
        counts.set(field, left);
        write(field);
        return false;
      }
      // Removed from Redis with the window's lookup (`connected`), which decides whether
      // another node has the visitor.
      counts.delete(field);
      leaving.add(field);
      return true;
    },
    async connected(keys) {
      if (keys.length === 0) return new Set();
      const removing = [...leaving];
      leaving.clear();
      try {
        const here = (await redis.eval(LEFT_AND_CONNECTED, {
          keys: [NODES, hash],
          arguments: [String(Date.now() - deadAfterMs), String(removing.length), ...removing, ...keys],
        })) as string[];
        return new Set(here);
      } catch (error) {
        // Removed by the next heartbeat instead (unless the visitor is back meanwhile).
        for (const field of removing) if (!counts.has(field)) stale.add(field);
        throw error;
      }
    },
    async close() {
      clearInterval(timer);
      counts.clear();
      await redis.multi().del(hash).sRem(NODE_SET, nodeId).exec().catch(failed('close'));
    },
  };
}
