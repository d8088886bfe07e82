/**
 * Visitor connections counted across nodes, in Redis. Each node keeps its own counts in
 * memory and mirrors them in a hash of its own (`confab:node-visitors:<node>`, one field
 * `<site>/<visitor>` per visitor with the number of their connections on that node);
 * when a visitor's last connection on a node closes, one script removes the field and
 * looks for the visitor in the hashes of the other living nodes (`confab:nodes`, the
 * heartbeats of redis-presence.ts): only when none has them is the visitor gone.
 *
 * Every heartbeat rewrites the node's hash from memory, so a write lost while Redis was
 * away heals, and a Redis restarted empty has every node's visitors again within one
 * heartbeat. The leader forgets the hashes of nodes whose heartbeat stopped (a SIGKILL),
 * and reports the visitors who were only there as gone.
 */
import type { Leadership } from './leader';
import type { RedisClient } from './redis';
import { NODES } from './redis-presence';
import { connectionKey, type VisitorConnections } from './visitor-connections';

const NODE_SET = 'confab:visitor-nodes';
const hashOf = (nodeId: string) => `confab:node-visitors:${nodeId}`;

// KEYS[1] this node's hash, KEYS[2] the node heartbeats; ARGV field, this node's id,
// oldest living heartbeat. Returns 1 when no other living node has the visitor.
const LAST_CLOSED = `
redis.call('HDEL', KEYS[1], ARGV[1])
for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[3], '+inf')) do
  if node ~= ARGV[2] and tonumber(redis.call('HGET', 'confab:node-visitors:' .. node, ARGV[1]) or '0') > 0 then
    return 0
  end
end
return 1`;

// KEYS[1] the node heartbeats; ARGV oldest living heartbeat, then the fields. Returns
// the fields some living node has (a batch of leaves checked in one round trip).
const CONNECTED = `
local living = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local here = {}
for i = 2, #ARGV do
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
  /** How often the node rewrites its hash (default 2 s, as the presence heartbeat). */
  heartbeatMs?: number;
  /** A node whose heartbeat is older than this is dead (default 8 s). */
  deadAfterMs?: number;
}

export async function createRedisVisitorConnections(
  options: RedisVisitorConnectionsOptions,
): Promise<VisitorConnections> {
  const { redis, nodeId, leadership, onGone, log } = options;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const deadAfterMs = options.deadAfterMs ?? heartbeatMs * 4;
  const hash = hashOf(nodeId);
  const counts = new Map<string, number>();
  const failed = (what: string) => (error: unknown) => log(`visitor connections ${what} failed: ${String(error)}`);

  /** Makes this node's hash exactly what it holds. */
  async function rewrite(): Promise<void> {
    const fields = [...counts].flatMap(([field, count]) => [field, String(count)]);
    const multi = redis.multi().del(hash).sAdd(NODE_SET, nodeId);
    await (fields.length ? multi.hSet(hash, fields) : multi).exec();
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
    void rewrite().catch(failed('heartbeat'));
    void forgetDeadNodes().catch(failed('sweep'));
  }, heartbeatMs);

  return {
    opened(site, visitorId) {
      const field = connectionKey(site, visitorId);
      counts.set(field, (counts.get(field) ?? 0) + 1);
      redis.hIncrBy(hash, field, 1).catch(failed('open'));
    },
    closed(site, visitorId) {
      const field = connectionKey(site, visitorId);
      const left = (counts.get(field) ?? 1) - 1;
      if (left > 0) {
        counts.set(field, left);
        redis.hIncrBy(hash, field, -1).catch(failed('close'));
        return false;
      }
      counts.delete(field);
      return (
        redis.eval(LAST_CLOSED, {
          keys: [hash, NODES],
          arguments: [field, nodeId, String(Date.now() - deadAfterMs)],
        }) as Promise<number>
      ).then(
        (last) => last === 1,
        (error: unknown) => {
          // Redis away: this node's view decides, as a single node's would.
          failed('close')(error);
          return true;
        },
      );
    },
    async connected(keys) {
      if (keys.length === 0) return new Set();
      const here = (await redis.eval(CONNECTED, {
        keys: [NODES],
        arguments: [String(Date.now() - deadAfterMs), ...keys],
      })) as string[];
      return new Set(here);
    },
    async close() {
      clearInterval(timer);
      counts.clear();
      await redis.multi().del(hash).sRem(NODE_SET, nodeId).exec().catch(failed('close'));
    },
  };
}
