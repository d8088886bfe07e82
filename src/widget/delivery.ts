/**
 * Sends an outbox, one entry at a time and in order, each until the server acks it.
 * The server dedupes on the client id, so a resend after a lost ack is harmless; an
 * entry is dropped only once the server has it.
 */
import { isRetryable, LIMITS, newId, type Ack, type AckError } from '../protocol';
import type { Outbox } from './outbox';

export interface DeliveryPorts<P, R> {
  outbox: Outbox<P>;
  isConnected(): boolean;
  /** Resolves with the ack; rejects when none comes in time (the transport's contract). */
  send(clientId: string, payload: P): Promise<Ack<R>>;
  /** Called with the server's answer for a delivered entry. */
  onSent(result: R, payload: P): void;
  /** Called when the server refuses an entry for good (not a passing error). */
  onRefused?(error: AckError['error'], clientId: string, payload: P): void;
}

/** Wait before retrying after a refusal that may pass (rate limit, server error). */
const RETRY_AFTER_MS = 3000;

export function createDelivery<P, R>({ outbox, isConnected, send, onSent, onRefused }: DeliveryPorts<P, R>) {
  let flushing = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const watches = new Set<ReturnType<typeof setTimeout>>();

  const scheduleRetry = () => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void flush(), RETRY_AFTER_MS);
  };

  /**
   * Items still pending when the ack timeout passes while connected are shown as failed,
   * never pending forever. Without a connection they wait for it (the view says so).
   */
  const watch = (clientId: string) => {
    const timer = setTimeout(() => {
      watches.delete(timer);
      const item = outbox.items.value.find((i) => i.clientId === clientId);
      if (item?.state === 'pending' && isConnected()) outbox.markFailed(clientId);
    }, LIMITS.ackTimeoutMs);
    watches.add(timer);
  };

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      for (let item = outbox.next(); item && isConnected(); item = outbox.next()) {
        outbox.markPending(item.clientId);
        let result: Ack<R>;
        try {
          result = await send(item.clientId, item.payload);
        } catch {
          // No ack in time. With the connection gone it waits for reconnecting, which flushes again.
          if (isConnected()) outbox.markFailed(item.clientId);
          scheduleRetry();
          return;
        }
        if (result.ok) {
          outbox.remove(item.clientId);
          onSent(result, item.payload);
        } else if (isRetryable(result.error.code)) {
          outbox.markFailed(item.clientId);
          scheduleRetry();
          return;
        } else {
          outbox.markFailed(item.clientId, result.error.code);
          onRefused?.(result.error, item.clientId, item.payload);
        }
      }
    } finally {
      flushing = false;
    }
  }

  return {
    flush,
    /** Queues an entry; it is persisted before anything is sent. Returns its client id. */
    enqueue(payload: P): string {
      const clientId = newId();
      // Offline it waits for the connection (the view shows that), then goes out by itself.
      outbox.add({ clientId, payload, createdAt: Date.now(), state: 'pending' });
      watch(clientId);
      void flush();
      return clientId;
    },
    retry(clientId: string) {
      outbox.markPending(clientId);
      watch(clientId);
      void flush();
    },
    /** The server already holds these: their acks were lost, not the entries. */
    reconcile(clientIds: Iterable<string>) {
      for (const clientId of clientIds) outbox.remove(clientId);
    },
    dispose() {
      clearTimeout(retryTimer);
      watches.forEach(clearTimeout);
      watches.clear();
    },
  };
}

export type Delivery<P, R> = ReturnType<typeof createDelivery<P, R>>;
