/**
 * What the visitor sent that the server has not yet acknowledged: messages, requests.
 * Persisted on every change, so a reload or a crash loses nothing; an entry leaves only
 * when the server acks it (or its stored copy shows up in the replayed history).
 *
 * Every tab of the site shares the persisted list, so no tab writes from its own memory:
 * each change is applied to the list as stored right now (which holds the other tabs'
 * entries), by client id, and other tabs' writes are picked up as they happen. A message
 * written in one tab is never overwritten by another's.
 */
import { signal } from '@preact/signals';
import { onDispose } from './models/dispose';
import type { ErrorCode } from '../protocol';
import type { Storage } from './storage';

export interface OutboxItem<P> {
  clientId: string;
  payload: P;
  createdAt: number;
  /** pending: on its way, or waiting for the connection; failed: not acknowledged in time while connected, or refused. */
  state: 'pending' | 'failed';
  /** Why the server refused it; a refused item waits for the visitor's retry. */
  refused?: ErrorCode;
}

const valid = <P>(list: unknown): OutboxItem<P>[] =>
  Array.isArray(list) ? list.filter((i: OutboxItem<P> | null) => i?.clientId && i.payload) : [];

/**
 * Call inside a model (`createModel`): the listener for other tabs' writes is released with it.
 * @param key  the storage key: one outbox per kind of thing sent
 */
export function createOutbox<P>(storage: Storage, key: string) {
  const items = signal(valid<P>(storage.get(key)));
  onDispose(storage.watch(key, (list) => (items.value = valid(list))));

  /** Applies a change to the stored list (all tabs' entries), never to this tab's copy of it. */
  const write = (change: (stored: OutboxItem<P>[]) => OutboxItem<P>[]) => {
    const next = change(valid(storage.get(key)));
    items.value = next;
    storage.set(key, next);
  };
  const update = (clientId: string, patch: Partial<OutboxItem<P>>) =>
    write((stored) => stored.map((item) => (item.clientId === clientId ? { ...item, ...patch } : item)));

  return {
    items,
    add(item: OutboxItem<P>) {
      write((stored) => [...stored.filter((other) => other.clientId !== item.clientId), item]);
    },
    /** Acknowledged (by whichever tab): leaves every tab's list. */
    remove(clientId: string) {
      write((stored) => stored.filter((item) => item.clientId !== clientId));
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
  };
}

export type Outbox<P> = ReturnType<typeof createOutbox<P>>;
