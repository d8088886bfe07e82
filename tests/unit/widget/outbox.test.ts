import { afterEach, describe, expect, it } from 'vitest';
import { createOutbox, type OutboxItem } from '../../../src/widget/outbox';
import { createStorage } from '../../../src/widget/storage';

afterEach(() => localStorage.clear());

const KEY = 'outbox';
const entry = (clientId: string, text: string): OutboxItem<{ text: string }> => ({
  clientId,
  payload: { text },
  createdAt: 1,
  state: 'failed',
});
const stored = () =>
  (JSON.parse(localStorage.getItem(`confab:demo:${KEY}`) ?? '[]') as OutboxItem<{ text: string }>[]).map(
    (i) => i.clientId,
  );
/** What the browser does in every other tab of the origin when one tab writes. */
const announce = (key: string, newValue: string | null) =>
  dispatchEvent(new StorageEvent('storage', { key, newValue, storageArea: localStorage }));

/** Two tabs of one site: each its own storage and outbox over the one localStorage. */
const twoTabs = () => {
  const a = createOutbox<{ text: string }>(createStorage('demo'), KEY);
  const b = createOutbox<{ text: string }>(createStorage('demo'), KEY);
  return { a, b };
};

describe('outbox shared by tabs', () => {
  it("keeps both tabs' offline messages when each writes from its own memory", () => {
    const { a, b } = twoTabs();
    a.add(entry('from-a', 'written in tab A'));
    // Tab B has not seen A's entry (no storage event yet) and writes its own.
    expect(b.items.value).toEqual([]);
    b.add(entry('from-b', 'written in tab B'));
    expect(stored()).toEqual(['from-a', 'from-b']);
    expect(b.items.value.map((i) => i.clientId)).toEqual(['from-a', 'from-b']);
  });

  it("picks up another tab's entries from the storage event", () => {
    const { a, b } = twoTabs();
    a.add(entry('from-a', 'hello'));
    announce(`confab:demo:${KEY}`, localStorage.getItem(`confab:demo:${KEY}`));
    expect(b.items.value.map((i) => i.clientId)).toEqual(['from-a']);
    // Another site's key or garbage changes nothing, garbage empties nothing it should not.
    announce('confab:other:outbox', '[]');
    expect(b.items.value.map((i) => i.clientId)).toEqual(['from-a']);
  });

  it('removes an acknowledged entry by client id, in every tab, without resurrecting it', () => {
    const { a, b } = twoTabs();
    a.add(entry('one', '1'));
    b.add(entry('two', '2'));
    // Tab B sent both; the server acked "one".
    b.remove('one');
    expect(stored()).toEqual(['two']);
    // Tab A still holds "one" in memory; its next change must not write it back.
    expect(a.items.value.map((i) => i.clientId)).toEqual(['one']);
    a.markPending('two');
    expect(stored()).toEqual(['two']);
    expect(a.items.value).toEqual([{ ...entry('two', '2'), state: 'pending' }]);
    a.markFailed('two');
    expect(b.next()?.clientId).toBe('two');
    expect(JSON.parse(localStorage.getItem(`confab:demo:${KEY}`)!)[0].state).toBe('failed');
  });

  it('adds an entry once even if the same client id is added twice', () => {
    const { a, b } = twoTabs();
    a.add(entry('same', 'x'));
    b.add(entry('same', 'x'));
    expect(stored()).toEqual(['same']);
  });

  it('stands alone when storage is not writable (consent not given)', () => {
    const a = createOutbox<{ text: string }>(createStorage('demo', false), KEY);
    a.add(entry('kept', 'in memory'));
    expect(localStorage.getItem(`confab:demo:${KEY}`)).toBeNull();
    announce(`confab:demo:${KEY}`, '[]');
    expect(a.items.value.map((i) => i.clientId)).toEqual(['kept']);
  });
});
