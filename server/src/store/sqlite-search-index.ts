/**
 * The search index on SQLite, filled in batches a moment after messages are stored.
 *
 * Why: putting a message's words into the FTS5 index inside its own write was the largest
 * part of storing it (measured on bench/store-throughput.ts: about as much as the rest of
 * the write together), and it ran on the event loop for every message. Indexed in one
 * statement for a batch, the same words cost a small fraction of that per message.
 *
 * How: a stored message gets its search key at once (its row key, migrations.ts); the
 * index holds every key up to the mark in `message_search_progress`, and the keys above
 * it wait. Every `SEARCH_INDEX_DELAY_MS` a batch of up to `SEARCH_INDEX_BATCH` waiting
 * messages is indexed and the mark moved, in one write of the group commit. A search
 * first indexes whatever still waits, so it finds every message stored before it began;
 * closing the store does the same, and what a crash leaves waiting is indexed after the
 * restart (the mark is in the database). Deleted and edited messages: see the triggers.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Writer } from './writer';

/** How long a stored message may wait before the index holds it (a search never waits for it). */
export const SEARCH_INDEX_DELAY_MS = 250;
/** Messages indexed in one write: a few milliseconds of the event loop at most. */
export const SEARCH_INDEX_BATCH = 2000;

export interface SearchIndexer {
  /** Indexes everything stored so far; settles once that is committed. */
  catchUp(): Promise<void>;
  /** Indexes what waits, then stops indexing. */
  close(): Promise<void>;
}

export function sqliteSearchIndexer(
  raw: BetterSqlite3.Database,
  writer: Writer,
  delayMs = SEARCH_INDEX_DELAY_MS,
): SearchIndexer {
  const progress = raw.prepare<[], { newest: number | null; through: number }>(
    `SELECT (SELECT max(search_key) FROM messages) AS newest, indexed_through AS through
     FROM message_search_progress`,
  );
  const batchEnd = raw.prepare<[number, number], { key: number }>(
    'SELECT search_key AS key FROM messages WHERE search_key > ? ORDER BY search_key LIMIT 1 OFFSET ?',
  );
  const index = raw.prepare<{ after: number; through: number }>(
    `INSERT INTO message_search (rowid, text)
     SELECT search_key, text FROM messages WHERE search_key > @after AND search_key <= @through`,
  );
  const mark = raw.prepare<[number]>('UPDATE message_search_progress SET indexed_through = ?');

  const waiting = () => {
    const { newest, through } = progress.get()!;
    return newest !== null && newest > through;
  };

  /** One batch, inside the group commit's transaction; true when more wait after it. */
  const indexBatch = (): boolean => {
    const { newest, through } = progress.get()!;
    if (newest === null || newest <= through) return false;
    const last = batchEnd.get(through, SEARCH_INDEX_BATCH - 1)?.key ?? newest;
    index.run({ after: through, through: last });
    mark.run(last);
    return last < newest;
  };

  let indexing: Promise<void> | undefined;
  /** Batches until nothing waits; one run at a time, and callers share the run in progress. */
  const indexAll = (): Promise<void> => {
    if (indexing) return indexing;
    if (!waiting()) return Promise.resolve();
    const run = (async () => {
      // More wait after a batch: the next one goes into the next turn's commit.
      while (await writer.write(indexBatch)) {}
    })();
    indexing = run.finally(() => {
      indexing = undefined;
    });
    return indexing;
  };

  // A failed batch changed nothing (its mark did not move): the next tick tries again.
  const timer = setInterval(() => void indexAll().catch(() => {}), delayMs);
  timer.unref();

  return {
    async catchUp() {
      // A run in progress may have read the mark before the newest messages came.
      await indexing?.catch(() => {});
      await indexAll();
    },
    async close() {
      clearInterval(timer);
      await this.catchUp();
    },
  };
}
