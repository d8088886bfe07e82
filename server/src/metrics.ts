/**
 * Prometheus metrics (prom-client), one registry per running server so servers started
 * side by side in one process (the tests) do not share counters. The composition in
 * server.ts feeds them from outside the gateways and the store: it times every store call
 * and every acknowledgement, and reads connection counts and the webhook backlog when
 * Prometheus scrapes.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricSources {
  visitorsConnected: () => number;
  operatorsConnected: () => number;
  /** Webhook deliveries not yet made (waiting or retrying). */
  webhookBacklog: () => number | Promise<number>;
  /** Bytes of the uploaded files the file store holds now. */
  storedFileBytes: () => number | Promise<number>;
}

export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'confab_' });

  new Gauge({
    name: 'confab_connected_visitors',
    help: 'Visitor connections (one per open tab).',
    registers: [registry],
    collect() {
      this.set(sources.visitorsConnected());
    },
  });
  new Gauge({
    name: 'confab_connected_operators',
    help: 'Operator console connections.',
    registers: [registry],
    collect() {
      this.set(sources.operatorsConnected());
    },
  });
  new Gauge({
    name: 'confab_webhook_backlog',
    help: 'Webhook deliveries waiting to be made or retried.',
    registers: [registry],
    async collect() {
      // The store may be away (a database restart), when metrics matter most: the scrape
      // still answers, with this gauge as NaN.
      this.set(await (async () => sources.webhookBacklog())().catch(() => Number.NaN));
    },
  });
  new Gauge({
    name: 'confab_upload_stored_bytes',
    help: 'Bytes of uploaded files kept in the file store (finished uploads, sent or not yet).',
    registers: [registry],
    async collect() {
      this.set(await (async () => sources.storedFileBytes())().catch(() => Number.NaN));
    },
  });
  const uploadsAccepted = new Counter({
    name: 'confab_uploads_accepted_total',
    help: 'Uploads stored after their bytes were checked, by the kind the bytes showed.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const uploadBytes = new Counter({
    name: 'confab_upload_bytes_total',
    help: 'Bytes of the uploads accepted.',
    registers: [registry],
  });
  const uploadsRefused = new Counter({
    name: 'confab_uploads_refused_total',
    help: 'Upload grants and uploads refused, by stage (grant, upload) and reason (the error code).',
    labelNames: ['stage', 'reason'] as const,
    registers: [registry],
  });
  const messagesStored = new Counter({
    name: 'confab_messages_stored_total',
    help: 'Chat messages stored (resends of a stored message not counted).',
    labelNames: ['author'] as const,
    registers: [registry],
  });
  const ackSeconds = new Histogram({
    name: 'confab_ack_seconds',
    help: 'From receiving a socket event to acknowledging it.',
    labelNames: ['event'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const storeSeconds = new Histogram({
    name: 'confab_store_seconds',
    help: 'Time spent in each store operation.',
    labelNames: ['operation'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'confab_store_errors_total',
    help: 'Store operations that threw.',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  const loginFailures = new Counter({
    name: 'confab_operator_login_failures_total',
    help: 'Operator logins refused (wrong password or unknown login) or limited.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });

  const spamQuarantined = new Counter({
    name: 'confab_requests_quarantined_total',
    help: 'Requests kept quarantined as likely spam, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const spamNotStored = new Counter({
    name: 'confab_requests_over_spam_cap_total',
    help: 'Requests judged as spam from an IP past its hourly quarantine cap: thanked, not stored.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });

  return {
    registry,
    messagesStored,
    ackSeconds,
    storeSeconds,
    storeErrors,
    loginFailures,
    spamQuarantined,
    spamNotStored,
    uploadsAccepted,
    uploadBytes,
    uploadsRefused,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
