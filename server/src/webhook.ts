/**
 * Site webhooks, through an outbox in the store: an event is written first, then posted;
 * a failed post is retried with growing delays, across restarts, and given up after the
 * last retry, visible as failed (the outbox's worker: outbox.ts). Each post is signed:
 *
 *   Confab-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(webhookSecret, "<t>.<body>")>
 *   Confab-Delivery: <delivery id, the same on every retry of one event>
 *
 * A receiver recomputes the HMAC over the raw body, compares in constant time, refuses
 * an old `t`, and may drop a delivery id it has seen (see the README's "Webhooks").
 */
import { createHmac } from 'node:crypto';
import { createOutboxWorker } from './outbox';
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

  const worker = createOutboxWorker<WebhookDelivery>({
    name: 'webhook',
    log,
    claim: (leaseMs, limit) => store.claimWebhooks(leaseMs, limit),
    attempt: async (delivery) => {
      const error = await post(delivery);
      return error ? { error } : { done: true };
    },
    // A webhook is never skipped: every outcome but delivered and a retry is a failure.
    finish: (delivery, outcome) =>
      store.finishWebhook(
        delivery.id,
        outcome.status === 'done'
          ? { status: 'delivered' }
          : outcome.status === 'pending'
            ? outcome
            : { status: 'failed', error: outcome.error },
      ),
    describe: (delivery) => `webhook ${delivery.type} for ${delivery.site}`,
    retryDelaysMs,
    leaseMs: timeoutMs + 5_000,
    batch: 50,
    pollMs,
    isLeader,
  });

  return {
    /** Writes the event to the outbox (resolves once it is stored) and posts it soon after. */
    async send(url: string, event: { type: string; site: string; [key: string]: unknown }): Promise<void> {
      try {
        await store.enqueueWebhook({ site: event.site, url, type: event.type, body: JSON.stringify(event) });
        worker.nudge();
      } catch (error) {
        log(`webhook ${event.type} for ${event.site} not stored: ${String(error)}`);
      }
    },
    /**
     * Stops retrying here (due rows stay for the next start) and waits for the posts
     * claimed, including those of a drain that had just claimed them (outbox.ts).
     */
    close: () => worker.close(),
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
