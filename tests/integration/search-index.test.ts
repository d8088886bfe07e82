/**
 * SQLite's search index is filled in batches a moment after messages are stored
 * (server/src/store/sqlite-search-index.ts), not inside each message's write. What must
 * hold all the same: a search finds every message stored before it; the index catches
 * up by itself within the batch delay; an edit or a delete of a message, indexed or
 * still waiting, leaves no trace of the old words; and what one process leaves waiting
 * (it died before the batch) is indexed by the next one on the same file.
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/protocol';
import { openSqliteStore, type Store } from '../../server/src/store';
import { SQLITE_FILE } from '../../server/src/store/sqlite';
import { SEARCH_INDEX_DELAY_MS } from '../../server/src/store/sqlite-search-index';
import { until } from '../support/until';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The batch waits longer than the product's delay: a check that a message still waits
 * must not race the batch on a loaded machine, where a test's next line can come later
 * than SEARCH_INDEX_DELAY_MS.
 */
const BATCH_DELAY_MS = 8 * SEARCH_INDEX_DELAY_MS;

function freshStore() {
  const dir = mkdtempSync(join(tmpdir(), 'confab-search-index-'));
  const store = openSqliteStore(dir, newId, Date.now, { searchIndexDelayMs: BATCH_DELAY_MS });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => store.close());
  return { dir, store };
}

/** A second connection to the file: what is on disk, not what the store believes. */
function onDisk(dir: string) {
  const db = new BetterSqlite3(join(dir, SQLITE_FILE), { readonly: true });
  cleanups.push(() => void db.close());
  return {
    /** Keys of the messages whose words the index holds for `word`. */
    indexed: (word: string) =>
      db
        .prepare(`SELECT m.id FROM message_search s JOIN messages m ON m.search_key = s.rowid
                  WHERE message_search MATCH ?`)
        .all(`"${word}"`)
        .map((row) => (row as { id: string }).id),
    waiting: () =>
      (
        db
          .prepare(`SELECT count(*) AS n FROM messages
                    WHERE search_key > (SELECT indexed_through FROM message_search_progress)`)
          .get() as { n: number }
      ).n,
  };
}

async function visitorSays(store: Store, text: string) {
  const visitorId = newId();
  await store.touchVisitor({ site: 'shop', id: visitorId });
  const { conversation } = await store.openConversation('shop', `v:${visitorId}`, visitorId);
  const stored = await store.appendToOpenConversation({
    site: 'shop',
    owner: `v:${visitorId}`,
    visitorId,
    sender: `v:${visitorId}`,
    clientId: newId(),
    text,
  });
  if (!stored) throw new Error('not stored');
  return { visitorId, conversationId: conversation.id, messageId: stored.message.id };
}

const found = async (store: Store, text: string) => (await store.searchConversations('shop', { text })).ids;

describe('the search index on SQLite, filled in batches', () => {
  it('indexes a stored message a moment later, by itself, and a search finds it at once', async () => {
    const { dir, store } = freshStore();
    const disk = onDisk(dir);
    const first = await visitorSays(store, 'the walnut sideboard');
    // Stored and answered: its words wait for the batch, outside the message's own write.
    expect(disk.waiting()).toBe(1);
    expect(disk.indexed('walnut')).toEqual([]);
    await until(() => disk.waiting() === 0, 10 * BATCH_DELAY_MS, 'the batch to index the waiting message');
    expect(disk.waiting()).toBe(0);
    expect(disk.indexed('walnut')).toEqual([first.messageId]);

    const second = await visitorSays(store, 'a walnut table');
    expect(disk.waiting()).toBe(1);
    // The search does not wait for the batch: it indexes what waits first.
    expect((await found(store, 'walnut')).sort()).toEqual([first.conversationId, second.conversationId].sort());
    expect(disk.waiting()).toBe(0);
  });

  it('forgets the old words of an edited message, whether it was indexed yet or not', async () => {
    const { dir, store } = freshStore();
    const disk = onDisk(dir);
    const indexed = await visitorSays(store, 'my parcel is late');
    await found(store, 'parcel');
    const waiting = await visitorSays(store, 'the courier never came');
    expect(disk.waiting()).toBe(1);

    await store.editMessage(indexed.messageId, 'my package is late');
    await store.editMessage(waiting.messageId, 'the driver never came');
    expect(await found(store, 'parcel')).toEqual([]);
    expect(await found(store, 'courier')).toEqual([]);
    expect(await found(store, 'package')).toEqual([indexed.conversationId]);
    expect(await found(store, 'driver')).toEqual([waiting.conversationId]);
    expect(disk.indexed('parcel')).toEqual([]);
    expect(disk.indexed('courier')).toEqual([]);
  });

  it('leaves nothing in the index of a deleted or erased message, indexed or waiting', async () => {
    const { dir, store } = freshStore();
    const disk = onDisk(dir);
    const indexed = await visitorSays(store, 'invoice number seven');
    await found(store, 'invoice');
    const waiting = await visitorSays(store, 'invoice number eight');
    await store.eraseVisitor('shop', indexed.visitorId);
    await store.deleteMessage(waiting.messageId);
    const kept = await visitorSays(store, 'invoice number nine');

    expect(await found(store, 'invoice')).toEqual([kept.conversationId]);
    expect(disk.indexed('invoice')).toEqual([kept.messageId]);
    expect(disk.indexed('seven')).toEqual([]);
  });

  it('folds what it indexes as the search rule does, in a batch and on an edit', async () => {
    const { dir, store } = freshStore();
    const disk = onDisk(dir);
    const indexed = await visitorSays(store, 'Dostawa do Łodzi');
    await found(store, 'dostawa');
    const waiting = await visitorSays(store, 'Die Hauptstraße');
    expect(disk.waiting()).toBe(1);
    // The batch folds ß; the edit trigger folds Æ and ø, for a message the index holds.
    expect(await found(store, 'hauptstrasse')).toEqual([waiting.conversationId]);
    await store.editMessage(indexed.messageId, 'Færgen til Ærø');
    expect(await found(store, 'aero faergen')).toEqual([indexed.conversationId]);
    expect(disk.indexed('lodzi')).toEqual([]);
    expect(disk.indexed('hauptstrasse')).toEqual([waiting.messageId]);
    expect(disk.indexed('aero')).toEqual([indexed.messageId]);
  });

  it('indexes on the next start what a process left waiting', async () => {
    const { dir, store } = freshStore();
    const disk = onDisk(dir);
    const left = await visitorSays(store, 'a lamp with a cracked shade');
    expect(disk.waiting()).toBe(1);
    // Another process on the same file, as after a crash: the mark is in the database.
    const next = openSqliteStore(dir, newId);
    cleanups.push(() => next.close());
    expect(await found(next, 'cracked')).toEqual([left.conversationId]);
    expect(disk.indexed('cracked')).toEqual([left.messageId]);
  });
});
