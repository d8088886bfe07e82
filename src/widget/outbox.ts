/**
 * Messages the visitor wrote that the server has not yet acknowledged. Persisted on
 * every change, so a reload or a crash loses nothing; an entry leaves only when the
 * server acks it (or its copy shows up in the replayed history).
 */
import { signal } from '@preact/signals';
import type { ErrorCode } from '../protocol';
import type { Storage } from './storage';

export interface OutboxItem {
  clientId: string;
  text: string;
  createdAt: number;
  /** pending: on its way; failed: not acknowledged in time or refused. */
  state: 'pending' | 'failed';
  /** Why the server refused it; a refused item waits for the visitor's retry. */
  refused?: ErrorCode;
}

const KEY = 'outbox';

export function createOutbox(storage: Storage) {
  const loaded = storage.get<OutboxItem[]>(KEY);
  const items = signal<OutboxItem[]>(Array.isArray(loaded) ? loaded : []);

  const write = (next: OutboxItem[]) => {
    items.value = next;
    storage.set(KEY, next);
  };
  const update = (clientId: string, patch: Partial<OutboxItem>) =>
    write(items.value.map((item) => (item.clientId === clientId ? { ...item, ...patch } : item)));

  return {
    items,
    add(item: OutboxItem) {
      write([...items.value, item]);
    },
    remove(clientId: string) {
      if (items.value.some((item) => item.clientId === clientId)) {
        write(items.value.filter((item) => item.clientId !== clientId));
      }
    },
    /** The oldest item that may be sent without the visitor asking. */
    next(): OutboxItem | undefined {
      return items.value.find((item) => !item.refused);
    },
    markPending(clientId: string) {
      update(clientId, { state: 'pending', refused: undefined });
    },
    markFailed(clientId: string, refused?: ErrorCode) {
      update(clientId, { state: 'failed', refused });
    },
    /** After a lost connection: nothing in flight can still be called pending. */
    failAllPending() {
      if (items.value.some((item) => item.state === 'pending')) {
        write(items.value.map((item) => (item.state === 'pending' ? { ...item, state: 'failed' } : item)));
      }
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
