/**
 * How a store writes: every change runs inside `write`, and the promise settles only
 * after the commit that holds it is on disk. Each engine brings its own writer: SQLite
 * groups the writes of one event-loop turn into one transaction (one disk flush for many
 * messages); PostgreSQL gives each write its own transaction on a pooled connection and
 * retries the ones that lost a race to a unique constraint.
 */
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export interface WriteOptions {
  /**
   * The work takes back what it did when it fails (its only statement that can fail is
   * its first write, which SQLite undoes by itself, or it undoes the rest itself), so the
   * group commit runs it without a savepoint of its own. Why it matters: every savepoint
   * makes SQLite's full-text index write out its pending rows, so with a savepoint each
   * message would cost the index a segment of its own instead of one per commit.
   */
  undoesItself?: boolean;
  /**
   * The work is one statement, atomic by itself: no savepoint around it on SQLite, and on
   * PostgreSQL no BEGIN and COMMIT around it (two round trips fewer; it commits alone).
   */
  oneStatement?: boolean;
}

export interface Writer {
  write<T>(work: (trx: Db) => Promise<T> | T, options?: WriteOptions): Promise<T>;
}

interface Pending {
  work: (trx: Db) => Promise<unknown> | unknown;
  undoesItself: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * How long one group commit may keep the event loop: writes queued beyond it wait for
 * the next turn, after the sockets have been served. (5,000 visitors leaving at once
 * queue 5,000 page-view writes in one turn; in one transaction they stopped the server.)
 */
export const TURN_BUDGET_MS = 5;

/**
 * Makes what is committed so far durable, and settles once it is: one flush of the
 * write-ahead log, off the event loop. Commits that come while a flush runs share the
 * next one (the flush in progress may have started before they were written).
 */
export function coalescedFlush(flushToDisk: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const afterCommit = (): Promise<void> => {
    if (!running) {
      running = flushToDisk().finally(() => {
        running = undefined;
      });
      return running;
    }
    next ??= running
      .catch(() => {})
      .then(() => {
        next = undefined;
        return afterCommit();
      });
    return next;
  };
  return afterCommit;
}

/**
 * Group commit for SQLite: writes queued during one turn of the event loop share one
 * transaction. Each write runs in its own savepoint, so one that fails leaves the others.
 * No write is answered before its transaction is on disk: with `durable` given, the
 * commit itself does not wait for the disk (synchronous = NORMAL) and `durable` flushes
 * the log afterwards without blocking the event loop, which serves the sockets while the
 * disk works; writes that come meanwhile gather and share the next transaction, begun once
 * the flush is done (a busier server makes fewer, larger commits). Without `durable` the
 * commit itself waits for the disk (synchronous = FULL).
 */
export function groupCommitWriter(
  db: Db,
  durable: () => Promise<void> = async () => {},
  turnBudgetMs = TURN_BUDGET_MS,
  /** Before each transaction: a promise to wait for first (the log's checkpoint catching up), or undefined. */
  ready: () => Promise<void> | undefined = () => undefined,
): Writer & { flushed(): Promise<void> } {
  let queue: Pending[] = [];
  let running: Promise<void> = Promise.resolve();
  let lastAnswered: Promise<unknown> = Promise.resolve();
  /** The flush of the last commit, settled either way. */
  let flushing: Promise<void> = Promise.resolve();
  let scheduled = false;
  /** The last transaction left writes for the next one: they do not wait for a flush. */
  let behind = false;

  async function flush(queued: Pending[]): Promise<void> {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    let batch = queued;
    try {
      // BEGIN IMMEDIATE takes the write lock up front: another process on the same file
      // waits (busy timeout) instead of failing when both upgrade a read to a write.
      await db.connection().execute(async (trx) => {
        await sql`BEGIN IMMEDIATE`.execute(trx);
        const started = performance.now();
        try {
          for (const item of queued) {
            if (outcomes.length > 0 && performance.now() - started > turnBudgetMs) break;
            if (item.undoesItself) {
              try {
                outcomes.push({ ok: true, value: await item.work(trx) });
              } catch (error) {
                outcomes.push({ ok: false, value: error });
              }
              continue;
            }
            await sql`SAVEPOINT write_item`.execute(trx);
            try {
              outcomes.push({ ok: true, value: await item.work(trx) });
            } catch (error) {
              await sql`ROLLBACK TO write_item`.execute(trx);
              outcomes.push({ ok: false, value: error });
            }
            await sql`RELEASE write_item`.execute(trx);
          }
          // What did not fit in this turn goes first in the next one.
          if (outcomes.length < queued.length) {
            batch = queued.slice(0, outcomes.length);
            queue = queued.slice(outcomes.length).concat(queue);
            behind = true;
            schedule();
          }
          await sql`COMMIT`.execute(trx);
        } catch (error) {
          await sql`ROLLBACK`.execute(trx).catch(() => {});
          throw error;
        }
      });
    } catch (error) {
      batch.forEach((item) => item.reject(error));
      return;
    }
    // Answered once on disk; the next batch waits for that only to join the next commit.
    const onDisk = durable();
    flushing = onDisk.catch(() => {});
    const answered = onDisk.then(
      () => batch.forEach((item, i) => (outcomes[i]!.ok ? item.resolve : item.reject)(outcomes[i]!.value)),
      (error: unknown) => batch.forEach((item) => item.reject(error)),
    );
    lastAnswered = Promise.all([lastAnswered, answered]);
  }

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      // flush() never rejects (each item is answered instead), so one failed batch
      // cannot stop the ones after it.
      running = running.then(async () => {
        await ready();
        // Writes that come while the log is being flushed wait for that flush and then
        // share one transaction: none of them could be answered before the flush after
        // their own commit anyway, and one commit for all of them writes each page of the
        // tables and indexes they touch once, not once per turn. Unless the writer is
        // behind (the last transaction ran out of its time budget): on a slow disk, one
        // budget's worth of writes per flush would cap the server at the disk's pace.
        if (!behind) await flushing;
        behind = false;
        scheduled = false;
        const batch = queue;
        queue = [];
        if (batch.length > 0) await flush(batch);
      });
    });
  };

  return {
    write<T>(work: (trx: Db) => Promise<T> | T, options: WriteOptions = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({
          work,
          undoesItself: options.undoesItself === true || options.oneStatement === true,
          resolve: resolve as (value: unknown) => void,
          reject,
        });
        schedule();
      });
    },
    /** Settles once everything queued so far is committed, on disk and answered (used when closing). */
    async flushed() {
      while (queue.length || scheduled) await new Promise((resolve) => setImmediate(resolve));
      await running;
      await lastAnswered;
    },
  };
}

/** PostgreSQL error codes worth a retry: a unique key another writer took first, a lost serialization race, a deadlock. */
const RETRYABLE = new Set(['23505', '40001', '40P01']);

/** One transaction per write on PostgreSQL; a lost race re-runs the whole write. */
export function transactionWriter(db: Db, attempts = 5): Writer {
  return {
    async write<T>(work: (trx: Db) => Promise<T> | T, options: WriteOptions = {}): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          if (options.oneStatement) return await work(db);
          return await db.transaction().execute(async (trx) => work(trx));
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (attempt >= attempts || !code || !RETRYABLE.has(code)) throw error;
        }
      }
    },
  };
}
