/**
 * Token buckets keyed by whatever is being limited (a visitor, an IP). Idle buckets are
 * dropped once full again, so the map stays as small as the set of active senders.
 */
export function createRateLimiter(burst: number, perSecond: number, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = now();

  const sweep = (t: number) => {
    const refillMs = (burst / perSecond) * 1000;
    for (const [key, bucket] of buckets) if (t - bucket.at > refillMs) buckets.delete(key);
    lastSweep = t;
  };

  const refill = (key: string) => {
    const t = now();
    if (t - lastSweep > 60_000) sweep(t);
    const bucket = buckets.get(key) ?? { tokens: burst, at: t };
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
    bucket.at = t;
    buckets.set(key, bucket);
    return bucket;
  };

  return {
    /** Takes one token for `key`; false when the bucket is empty. */
    take(key: string): boolean {
      const bucket = refill(key);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    /** Whether `key` has a token left, without taking it. */
    allows(key: string): boolean {
      return refill(key).tokens >= 1;
    },
  };
}

/** A limit the server enforces: in this process, or shared by every node through Redis. */
export interface RateLimiter {
  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): Promise<boolean>;
  /** Whether `key` has a token left, without taking it. */
  allows(key: string): Promise<boolean>;
}

/** Makes the limiter named `name` (a key space of its own) with its burst and refill rate. */
export type RateLimiters = (name: string, burst: number, perSecond: number) => RateLimiter;

/** One process: the buckets live in this process's memory. */
export const localRateLimiters: RateLimiters = (_name, burst, perSecond) => {
  const local = createRateLimiter(burst, perSecond);
  return { take: async (key) => local.take(key), allows: async (key) => local.allows(key) };
};
