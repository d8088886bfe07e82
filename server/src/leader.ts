/**
 * Who runs the work that must happen once for the whole service, not once per node: the
 * inactivity sweep, webhook delivery, and the end of operators' grace periods. One node
 * alone is always the leader. With Redis, the leader holds the key `confab:leader`
 * (SET NX with a 10 s expiry, renewed every 3 s by a script that checks it is still
 * the holder's); a node that dies stops renewing and another takes over within 10 s.
 * A node that cannot reach Redis stops counting itself leader when its lease would have
 * run out, so two nodes never both believe they lead for longer than a clock's drift.
 */
import type { RedisClient } from './redis';

export interface Leadership {
  isLeader(): boolean;
  close(): Promise<void>;
}

export const soleLeader: Leadership = { isLeader: () => true, close: async () => {} };

const LOCK = 'confab:leader';
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

export async function redisLeadership(
  redis: RedisClient,
  nodeId: string,
  log: (message: string) => void,
  leaseMs = 10_000,
): Promise<Leadership> {
  let leaseEnds = 0;
  const attempt = async () => {
    const asked = Date.now();
    const renewed = (await redis.eval(RENEW, { keys: [LOCK], arguments: [nodeId, String(leaseMs)] })) === 1;
    const taken = !renewed && (await redis.set(LOCK, nodeId, { NX: true, PX: leaseMs })) === 'OK';
    const wasLeader = leaseEnds > Date.now();
    // The lease counts from before the request was sent: never longer than Redis's.
    leaseEnds = renewed || taken ? asked + leaseMs - 1_000 : 0;
    if (taken && !wasLeader) log(`node ${nodeId} now runs the sweeps`);
  };
  await attempt().catch(() => {});
  const timer = setInterval(() => void attempt().catch(() => {}), Math.floor(leaseMs / 3));
  return {
    isLeader: () => leaseEnds > Date.now(),
    async close() {
      clearInterval(timer);
      if (leaseEnds > Date.now()) {
        await redis
          .eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, {
            keys: [LOCK],
            arguments: [nodeId],
          })
          .catch(() => {});
      }
      leaseEnds = 0;
    },
  };
}
