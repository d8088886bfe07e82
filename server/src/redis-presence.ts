/**
 * Operator presence shared by every node, in Redis. One hash per operator
 * (`confab:presence:<site>:<operator>`) holds the chosen status, whether they are gone,
 * the end of a running grace period, and one field per open console socket named
 * `s:<node>:<socket>`. Scripts change it atomically, so with consoles on two nodes only
 * the last close anywhere starts the grace period, and it runs out once: the node that
 * holds the lead (leader.ts) sweeps every operator, ends grace periods that are over,
 * and drops the sockets of nodes whose heartbeat stopped (a SIGKILLed node).
 *
 * Reads stay synchronous: each node mirrors the statuses in memory, reloads a site when
 * told on the `confab:presence` channel, and every heartbeat re-asserts its own sockets
 * (so writes lost while Redis was down heal) and reloads everything. A Redis restarted
 * empty loses the hashes: each node keeps its mirror meanwhile (an empty hash changes
 * nothing in it) and its next heartbeat writes back the chosen statuses and who is
 * present, where nothing newer was written since; the first node to beat wins.
 */
import type { OperatorStatus } from '../../src/protocol';
import type { Leadership } from './leader';
import type { Presence } from './presence';
import type { RedisClient } from './redis';
import type { SiteConfig } from './sites';

const CHANNEL = 'confab:presence';
/** Each node's last heartbeat (a sorted set scored by time), read by redis-visitor-connections.ts too. */
export const NODES = 'confab:nodes';
const key = (site: string, operatorId: string) => `confab:presence:${site}:${operatorId}`;

// KEYS[1] operator hash; ARGV socket field. Returns 1 when the operator came (back).
const CONNECT = `
redis.call('HSET', KEYS[1], ARGV[1], '1')
redis.call('HDEL', KEYS[1], 'graceUntil')
if redis.call('HGET', KEYS[1], 'gone') ~= '0' then redis.call('HSET', KEYS[1], 'gone', '0') return 1 end
return 0`;

const hasSockets = `
local function sockets(k)
  for _, f in ipairs(redis.call('HKEYS', k)) do if string.sub(f, 1, 2) == 's:' then return true end end
  return false
end`;

// KEYS[1]; ARGV socket field, grace end. The last socket anywhere starts the grace period.
const DISCONNECT = `${hasSockets}
redis.call('HDEL', KEYS[1], ARGV[1])
if not sockets(KEYS[1]) and redis.call('HGET', KEYS[1], 'gone') == '0' then
  redis.call('HSET', KEYS[1], 'graceUntil', ARGV[2])
end
return 0`;

// KEYS[1]; ARGV status, then the socket fields this node holds for the operator. Returns
// 1 when it changed. Where nothing says whether the operator is present (a Redis
// restarted empty, not yet given back), the sockets this node holds do.
const SET_STATUS = `
if redis.call('HGET', KEYS[1], 'chosen') == ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'chosen', ARGV[1])
if not redis.call('HGET', KEYS[1], 'gone') then
  for i = 2, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], '1') end
  redis.call('HSET', KEYS[1], 'gone', #ARGV >= 2 and '0' or '1')
end
return 1`;

// KEYS[1]; ARGV node prefix 's:<node>:', grace end, the chosen status and whether the
// operator is gone ('1'/'0') as this node knows them ('' when it does not), the end of
// the wait for the other nodes' sockets, then this node's socket fields for the operator.
// Fills in what a Redis restarted empty lost from what the node knows (never overwriting
// what is there), and makes the node's sockets in Redis exactly those it holds. An
// operator put back as present by a node that holds none of their consoles starts a
// grace period long enough for the other nodes' next heartbeats: until the node that
// holds them says so, the leader's sweep would otherwise find them present without a
// socket and take them offline for a moment.
const RESYNC = `${hasSockets}
if ARGV[3] ~= '' then redis.call('HSETNX', KEYS[1], 'chosen', ARGV[3]) end
if ARGV[4] ~= '' and redis.call('HSETNX', KEYS[1], 'gone', ARGV[4]) == 1 and ARGV[4] == '0' then
  redis.call('HSET', KEYS[1], 'graceUntil', ARGV[5])
end
local mine = {}
for i = 6, #ARGV do mine[ARGV[i]] = true end
local had = false
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(f, 1, #ARGV[1]) == ARGV[1] then
    had = true
    if not mine[f] then redis.call('HDEL', KEYS[1], f) end
  end
end
local changed = 0
for f in pairs(mine) do redis.call('HSET', KEYS[1], f, '1') end
if #ARGV >= 6 then
  redis.call('HDEL', KEYS[1], 'graceUntil')
  if redis.call('HGET', KEYS[1], 'gone') ~= '0' then redis.call('HSET', KEYS[1], 'gone', '0') changed = 1 end
elseif had and not sockets(KEYS[1]) and redis.call('HGET', KEYS[1], 'gone') == '0' and not redis.call('HGET', KEYS[1], 'graceUntil') then
  redis.call('HSET', KEYS[1], 'graceUntil', ARGV[2])
end
return changed`;

// KEYS[1]; ARGV now, grace end, then prefixes 's:<node>:' of dead nodes. Run by the
// leader only. Returns 1 when the operator just went offline.
const SWEEP = `${hasSockets}
for i = 3, #ARGV do
  for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
    if string.sub(f, 1, #ARGV[i]) == ARGV[i] then redis.call('HDEL', KEYS[1], f) end
  end
end
if redis.call('HGET', KEYS[1], 'gone') ~= '0' or sockets(KEYS[1]) then return 0 end
local graceUntil = redis.call('HGET', KEYS[1], 'graceUntil')
if not graceUntil then redis.call('HSET', KEYS[1], 'graceUntil', ARGV[2]) return 0 end
if tonumber(graceUntil) > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'gone', '1')
redis.call('HDEL', KEYS[1], 'graceUntil')
return 1`;

export interface RedisPresenceOptions {
  redis: RedisClient;
  /** A second connection, for SUBSCRIBE. */
  subscriber: RedisClient;
  nodeId: string;
  /** The sites now (a sites file may be reloaded). */
  sites: () => SiteConfig[];
  graceMs: number;
  leadership: Leadership;
  onChange: (site: string) => void;
  log: (message: string) => void;
  /** How often this node says it is alive and re-asserts its sockets (default 2 s). */
  heartbeatMs?: number;
}

export async function createRedisPresence(options: RedisPresenceOptions): Promise<Presence> {
  const { redis, subscriber, nodeId, sites, graceMs, leadership, onChange, log } = options;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  /** A node silent for this long is dead: its sockets are dropped. */
  const deadAfterMs = heartbeatMs * 4;
  const mirror = new Map<string, { chosen: OperatorStatus; gone: boolean }>();
  /** This node's console sockets: socket id → operator key. */
  const local = new Map<string, { site: string; operatorId: string }>();
  const field = (socketId: string) => `s:${nodeId}:${socketId}`;
  const graceEnd = () => String(Date.now() + graceMs);
  let closed = false;

  /** This node's socket fields of one operator. */
  const socketFieldsOf = (site: string, operatorId: string) =>
    [...local]
      .filter(([, held]) => held.site === site && held.operatorId === operatorId)
      .map(([socketId]) => field(socketId));
  const failed = (what: string) => (error: unknown) => log(`presence ${what} failed: ${String(error)}`);
  const tell = (site: string) => redis.publish(CHANNEL, site);

  /** Reads a site's operators from Redis; calls onChange when what others see changed. */
  async function reload(site: SiteConfig): Promise<void> {
    const states = await Promise.all(site.operators.map((op) => redis.hGetAll(key(site.id, op.id))));
    let changed = false;
    site.operators.forEach((op, i) => {
      const state = states[i]!;
      const before = mirror.get(key(site.id, op.id));
      // Nothing at all: a Redis restarted empty (or an operator never seen). What this node
      // knew stands until a heartbeat has written it back.
      if (before && Object.keys(state).length === 0) return;
      // A status chosen here that Redis has not taken yet: this node's is the newer.
      const unsent = unsentStatuses.get(key(site.id, op.id));
      if (unsent) state.chosen = unsent.status;
      const next = {
        chosen: (state.chosen as OperatorStatus) || before?.chosen || 'available',
        gone: state.gone !== '0',
      };
      if (!before || before.chosen !== next.chosen || before.gone !== next.gone) changed = true;
      mirror.set(key(site.id, op.id), next);
    });
    if (changed) onChange(site.id);
  }
  const reloadAll = () => Promise.all(sites().map(reload));

  async function heartbeat(): Promise<void> {
    await redis.zAdd(NODES, { score: Date.now(), value: nodeId });
    for (const k of [...unsentStatuses.keys()]) await sendStatus(k);
    const byOperator = new Map<string, string[]>();
    for (const [socketId, { site, operatorId }] of local) {
      const k = key(site, operatorId);
      byOperator.set(k, [...(byOperator.get(k) ?? []), field(socketId)]);
    }
    for (const site of sites()) {
      let changed = false;
      for (const op of site.operators) {
        const k = key(site.id, op.id);
        const known = mirror.get(k);
        changed =
          (await redis.eval(RESYNC, {
            keys: [k],
            arguments: [
              `s:${nodeId}:`,
              graceEnd(),
              known?.chosen ?? '',
              known ? (known.gone ? '1' : '0') : '',
              String(Date.now() + Math.max(graceMs, heartbeatMs * 2)),
              ...(byOperator.get(k) ?? []),
            ],
          })) === 1 || changed;
      }
      if (changed) await tell(site.id);
    }
    await reloadAll();
  }

  /**
   * Statuses chosen on this node that Redis has not taken yet (it was away): sent again
   * on every heartbeat until it does, and meanwhile what this node shows for them.
   */
  const unsentStatuses = new Map<string, { site: string; operatorId: string; status: OperatorStatus }>();
  async function sendStatus(k: string): Promise<void> {
    const unsent = unsentStatuses.get(k);
    if (!unsent) return;
    const { site, operatorId, status } = unsent;
    const changed = await redis.eval(SET_STATUS, {
      keys: [k],
      arguments: [status, ...socketFieldsOf(site, operatorId)],
    });
    // A newer choice made meanwhile stays to be sent.
    if (unsentStatuses.get(k) === unsent) unsentStatuses.delete(k);
    if (changed === 1) await tell(site);
  }

  /** The leader's round: end grace periods that are over, forget dead nodes' sockets. */
  async function sweep(): Promise<void> {
    if (!leadership.isLeader()) return;
    const now = Date.now();
    const dead = await redis.zRangeByScore(NODES, 0, now - deadAfterMs);
    for (const site of sites()) {
      let changed = false;
      for (const op of site.operators) {
        const went = await redis.eval(SWEEP, {
          keys: [key(site.id, op.id)],
          arguments: [String(now), graceEnd(), ...dead.map((n) => `s:${n}:`)],
        });
        changed = went === 1 || changed;
      }
      if (changed) await tell(site.id);
    }
    if (dead.length) await redis.zRem(NODES, dead);
  }

  await subscriber.subscribe(CHANNEL, (siteId) => {
    const site = sites().find((s) => s.id === siteId);
    if (site && !closed) reload(site).catch(failed('reload'));
  });
  await heartbeat();

  const heartbeatTimer = setInterval(() => void heartbeat().catch(failed('heartbeat')), heartbeatMs);
  // Grace periods end within a quarter of their length (at most a second) of their due time.
  const sweepTimer = setInterval(() => void sweep().catch(failed('sweep')), Math.max(50, Math.min(1000, graceMs / 4)));

  return {
    connect(site, operatorId, socketId) {
      local.set(socketId, { site, operatorId });
      // Seen as present here at once; Redis tells every node (this one included).
      const k = key(site, operatorId);
      const mirrored = mirror.get(k) ?? { chosen: 'available', gone: true };
      if (mirrored.gone) {
        mirror.set(k, { ...mirrored, gone: false });
        onChange(site);
      }
      redis
        .eval(CONNECT, { keys: [k], arguments: [field(socketId)] })
        .then((came) => (came === 1 ? tell(site) : undefined))
        .catch(failed('connect'));
    },
    disconnect(site, operatorId, socketId) {
      local.delete(socketId);
      redis
        .eval(DISCONNECT, { keys: [key(site, operatorId)], arguments: [field(socketId), graceEnd()] })
        .catch(failed('disconnect'));
    },
    setStatus(site, operatorId, status) {
      const k = key(site, operatorId);
      const mirrored = mirror.get(k) ?? { chosen: 'available', gone: true };
      if (mirrored.chosen !== status) {
        mirror.set(k, { ...mirrored, chosen: status });
        onChange(site);
      }
      unsentStatuses.set(k, { site, operatorId, status });
      void sendStatus(k).catch(failed('status'));
    },
    status(site, operatorId) {
      const e = mirror.get(key(site, operatorId));
      return !e || e.gone ? 'offline' : e.chosen;
    },
    chosen(site, operatorId) {
      return mirror.get(key(site, operatorId))?.chosen ?? 'available';
    },
    async close() {
      closed = true;
      clearInterval(heartbeatTimer);
      clearInterval(sweepTimer);
      await redis.zRem(NODES, nodeId).catch(failed('close'));
    },
  };
}
