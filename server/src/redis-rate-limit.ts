/**
 * Rate limits shared by every node: one token bucket per key in a Redis hash, refilled
 * and taken in one Lua script (atomic, so two nodes cannot both take the last token),
 * expiring once it would be full again. While Redis is unreachable each node falls back
 * to its own in-memory bucket: limits stay in force per node, and a visitor's message is
 * never refused because Redis is down.
 */
import { createRateLimiter, type RateLimiters } from './rate-limit';
import type { RedisClient } from './redis';

// KEYS[1] bucket; ARGV now ms, burst, per second, take (1/0). Returns 1 when allowed.
const BUCKET = `
local now = tonumber(ARGV[1]); local burst = tonumber(ARGV[2]); local rate = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local allowed = tokens >= 1
if allowed and ARGV[4] == '1' then tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
if allowed then return 1 else return 0 end`;

export function redisRateLimiters(redis: RedisClient, log: (message: string) => void): RateLimiters {
  let warned = 0;
  return (name, burst, perSecond) => {
    const fallback = createRateLimiter(burst, perSecond);
    const run = async (key: string, take: boolean) => {
      try {
        const allowed = await redis.eval(BUCKET, {
          keys: [`confab:limit:${name}:${key}`],
          arguments: [String(Date.now()), String(burst), String(perSecond), take ? '1' : '0'],
        });
        return allowed === 1;
      } catch (error) {
        if (Date.now() - warned > 10_000) {
          warned = Date.now();
          log(`rate limits are per node while Redis is unreachable: ${String(error)}`);
        }
        return take ? fallback.take(key) : fallback.allows(key);
      }
    };
    return { take: (key) => run(key, true), allows: (key) => run(key, false) };
  };
}
