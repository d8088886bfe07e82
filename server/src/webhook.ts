/**
 * Site webhooks, through an outbox in the store: an event is written first, then posted;
 * a failed post is retried with growing delays, across restarts (the row stays due), by
 * whichever server claims it first; after the last retry it is given up and stays
 * visible as failed. Each post is signed:
 *
 *   Confab-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(webhookSecret, "<t>.<body>")>
 *   Confab-Delivery: <delivery id, the same on every retry of one event>
 *
 * A receiver recomputes the HMAC over the raw body, compares in constant time, refuses
 * an old `t`, and may drop a delivery id it has seen (see the README's "Webhooks").
 */
import { createHmac } from 'node:crypto';
import type { Store, WebhookDelivery } from './store';

/** Default waits before each retry: about 16 hours in all, then the event is given up. */
export const WEBHOOK_RETRY_DELAYS_MS = [
  10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000,
];

export interface WebhookOptions {
  store: Store;
  log: (message: string) => void;
  /** The signing secret of a site, if it has one. */
  secretFor: (site: string) => string | undefined;
  retryDelaysMs?: number[];
  timeoutMs?: number;
  /** How often the outbox is looked at for deliveries due (retries, other servers' leftovers). */
  pollMs?: number;
  /** Whether this node delivers (one node at a time does, see leader.ts); always by default. */
  isLeader?: () => boolean;
}

export function signWebhook(secret: string, body: string, at = Date.now()): string {
  const t = Math.floor(at / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

export function createWebhookSender({
  store,
  log,
  secretFor,
  retryDelaysMs = WEBHOOK_RETRY_DELAYS_MS,
  timeoutMs = 10_000,
  pollMs = 5_000,
  isLeader = () => true,
}: WebhookOptions) {
  const leaseMs = timeoutMs + 5_000;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let draining = false;
  let again = false;

  /** The error of one attempt, or null when the receiver took it (2xx). */
  async function post(delivery: WebhookDelivery): Promise<string | null> {
    const secret = secretFor(delivery.site);
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Confab-Webhook/1',
          'Confab-Delivery': delivery.id,
          ...(secret ? { 'Confab-Signature': signWebhook(secret, delivery.body) } : {}),
        },
        body: delivery.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (error) {
      return (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'connection failed';
    }
  }

  async function deliver(delivery: WebhookDelivery): Promise<void> {
    const error = await post(delivery);
    if (!error) return store.finishWebhook(delivery.id, { status: 'delivered' });
    const delay = retryDelaysMs[delivery.attempts - 1];
    if (delay === undefined) {
      log(`webhook ${delivery.type} for ${delivery.site}: gave up after ${delivery.attempts} attempts (${error})`);
      return store.finishWebhook(delivery.id, { status: 'failed', error });
    }
    log(
      `webhook ${delivery.type} for ${delivery.site}: attempt ${delivery.attempts} failed (${error}); retrying in ${delay} ms`,
    );
    await store.finishWebhook(delivery.id, { status: 'pending', error, retryAt: Date.now() + delay });
    later(delay);
  }

  function later(ms: number) {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void drain();
    }, ms);
    timers.add(timer);
  }

  /** Claims what is due and posts it; runs once at a time, and again if asked meanwhile. */
  async function drain(): Promise<void> {
    if (closed || !isLeader()) return;
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    try {
      do {
        again = false;
        for (const delivery of await store.claimWebhooks(leaseMs, 50)) {
          const work = deliver(delivery).catch((error: unknown) => log(`webhook outbox: ${String(error)}`));
          inFlight.add(work);
          void work.finally(() => inFlight.delete(work));
        }
      } while (again && !closed);
    } catch (error) {
      if (!closed) log(`webhook outbox: ${String(error)}`);
    } finally {
      draining = false;
    }
  }

  const poll = setInterval(() => void drain(), pollMs);
  poll.unref();
  // Deliveries left by an earlier run (or another server) that are due now.
  void drain();

  return {
    /** Writes the event to the outbox (resolves once it is stored) and posts it soon after. */
    async send(url: string, event: { type: string; site: string; [key: string]: unknown }): Promise<void> {
      try {
        await store.enqueueWebhook({ site: event.site, url, type: event.type, body: JSON.stringify(event) });
        void drain();
      } catch (error) {
        log(`webhook ${event.type} for ${event.site} not stored: ${String(error)}`);
      }
    },
    /** Stops retrying here (due rows stay for the next start) and waits for posts in flight. */
    async close(): Promise<void> {
      closed = true;
      clearInterval(poll);
      timers.forEach(clearTimeout);
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
