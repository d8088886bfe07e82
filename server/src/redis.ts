/**
 * The Redis connections of a node that runs beside others (REDIS_URL): one for the
 * socket.io adapter, whose commands wait in the client's queue while Redis is away and
 * go out when it is back (so a broadcast made meanwhile is delayed, not dropped); one
 * for shared state, which fails at once while Redis is away (callers fall back or retry);
 * one for SUBSCRIBE. All reconnect every ≤ 500 ms, so cross-node delivery resumes within
 * a second of Redis returning. Errors are logged, at most one line per 10 s, never thrown.
 */
import { createClient } from 'redis';

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisConnections {
  adapter: RedisClient;
  state: RedisClient;
  subscriber: RedisClient;
  close(): Promise<void>;
}

/**
 * Resolves once Redis has answered everything sent on this connection before it (one
 * PING: Redis answers a connection's commands in order), or after `ms`, or at once when
 * the PING fails or the connection is down (its commands wait in the client's queue, and
 * the caller must not wait out the outage). A node's socket.io broadcast is only handed
 * to the adapter's client; this says Redis has answered it, so a node killed afterwards
 * has not lost it.
 */
export function answeredSoFar(client: RedisClient, ms: number): Promise<void> {
  if (!client.isReady) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const settle = () => {
      clearTimeout(timer);
      resolve();
    };
    client.ping().then(settle, settle);
  });
}

export async function connectRedis(url: string, log: (message: string) => void): Promise<RedisConnections> {
  let lastWarning = 0;
  const make = (name: string, queueWhileAway: boolean) => {
    const client = createClient({
      url,
      disableOfflineQueue: !queueWhileAway,
      socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 500) },
    });
    client.on('error', (error: unknown) => {
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      // The URL may carry a password: only the error's own message is logged.
      log(`redis (${name}): ${error instanceof Error ? error.message : String(error)}`);
    });
    return client;
  };
  const adapter = make('adapter', true);
  const state = make('state', false);
  const subscriber = make('subscriber', true);
  await Promise.all([adapter.connect(), state.connect(), subscriber.connect()]);
  return {
    adapter,
    state,
    subscriber,
    async close() {
      await Promise.allSettled(
        [adapter, state, subscriber].map((client) => (client.isOpen ? client.quit() : undefined)),
      );
    },
  };
}
