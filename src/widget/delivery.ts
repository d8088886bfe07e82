/**
 * Sends the outbox, one message at a time and in order, each until the server acks it.
 * The server dedupes on the client id, so a resend after a lost ack is harmless; the
 * outbox entry is dropped only once the stored message comes back.
 */
import { isRetryable, LIMITS, newId, type ChatMessage, type SendMessageAck } from '../protocol';
import type { Outbox } from './outbox';

export interface DeliveryPorts {
  outbox: Outbox;
  isConnected(): boolean;
  send(payload: { clientId: string; text: string }): Promise<SendMessageAck>;
  /** Called with the stored message the server acked. */
  onSent(message: ChatMessage): void;
}

/** Wait before retrying after a refusal that may pass (rate limit, server error). */
const RETRY_AFTER_MS = 3000;

export function createDelivery({ outbox, isConnected, send, onSent }: DeliveryPorts) {
  let flushing = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const scheduleRetry = () => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void flush(), RETRY_AFTER_MS);
  };

  /** Items still pending when the ack timeout passes are shown as failed, never pending forever. */
  const watch = (clientId: string) =>
    setTimeout(() => {
      const item = outbox.items.value.find((i) => i.clientId === clientId);
      if (item?.state === 'pending') outbox.markFailed(clientId);
    }, LIMITS.ackTimeoutMs);

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      for (let item = outbox.next(); item && isConnected(); item = outbox.next()) {
        outbox.markPending(item.clientId);
        let result: SendMessageAck;
        try {
          result = await send({ clientId: item.clientId, text: item.text });
        } catch {
          // No ack in time: the connection is likely gone; reconnecting flushes again.
          outbox.markFailed(item.clientId);
          scheduleRetry();
          return;
        }
        if (result.ok) {
          outbox.remove(item.clientId);
          onSent(result.message);
        } else if (isRetryable(result.error.code)) {
          outbox.markFailed(item.clientId);
          scheduleRetry();
          return;
        } else {
          outbox.markFailed(item.clientId, result.error.code);
        }
      }
    } finally {
      flushing = false;
    }
  }

  return {
    flush,
    /** Queues a visitor message; it is persisted before anything is sent. */
    send(text: string): string {
      const clientId = newId();
      // Offline it is honestly "not sent yet"; it still goes out when the connection returns.
      const state = isConnected() ? 'pending' : 'failed';
      outbox.add({ clientId, text, createdAt: Date.now(), state });
      if (state === 'pending') watch(clientId);
      void flush();
      return clientId;
    },
    retry(clientId: string) {
      outbox.markPending(clientId);
      watch(clientId);
      void flush();
    },
    /** The server's history already holds these: their acks were lost, not the messages. */
    reconcile(stored: ChatMessage[]) {
      for (const message of stored) {
        if (message.author === 'visitor') outbox.remove(message.clientId);
      }
    },
    dispose() {
      clearTimeout(retryTimer);
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
