/**
 * What the visitor sent that the server has not yet acknowledged: messages, requests.
 * Persisted on every change, so a reload or a crash loses nothing; an entry leaves only
 * when the server acks it (or its stored copy shows up in the replayed history).
 */
import { signal } from '@preact/signals';
import type { ErrorCode } from '../protocol';
import type { Storage } from './storage';

export interface OutboxItem<P> {
  clientId: string;
  payload: P;
  createdAt: number;
  /** pending: on its way; failed: not acknowledged in time, or refused. */
  state: 'pending' | 'failed';
  /** Why the server refused it; a refused item waits for the visitor's retry. */
  refused?: ErrorCode;
}

/** @param key  the storage key: one outbox per kind of thing sent */
export function createOutbox<P>(storage: Storage, key: string) {
  const loaded = storage.get<OutboxItem<P>[]>(key);
  const items = signal<OutboxItem<P>[]>(Array.isArray(loaded) ? loaded.filter((i) => i?.clientId && i.payload) : []);

  const write = (next: OutboxItem<P>[]) => {
    items.value = next;
    storage.set(key, next);
  };
  const update = (clientId: string, patch: Partial<OutboxItem<P>>) =>
    write(items.value.map((item) => (item.clientId === clientId ? { ...item, ...patch } : item)));

  return {
    items,
    add(item: OutboxItem<P>) {
      write([...items.value, item]);
    },
    remove(clientId: string) {
      if (items.value.some((item) => item.clientId === clientId)) {
        write(items.value.filter((item) => item.clientId !== clientId));
      }
    },
    /** The oldest item that may be sent without the visitor asking. */
    next(): OutboxItem<P> | undefined {
      return items.value.find((item) => !item.refused);
    },
    /** The same entry, to be sent in another form (same client id, so still deduped). */
    revise(clientId: string, payload: P) {
      update(clientId, { payload, state: 'failed', refused: undefined });
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

export type Outbox<P> = ReturnType<typeof createOutbox<P>>;
