/**
 * How a store writes: every change runs inside `write`, and the promise settles only
 * after the commit that holds it. Each engine brings its own writer: SQLite groups the
 * writes of one event-loop turn into one transaction (one fsync for many messages);
 * PostgreSQL gives each write its own transaction on a pooled connection and retries
 * the ones that lost a race to a unique constraint.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export interface Writer {
  write<T>(work: (trx: Db) => Promise<T>): Promise<T>;
}

interface Pending {
  work: (trx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite: writes queued during one turn of the event loop share one
 * transaction, committed (synchronously, `synchronous = FULL`) before any of them is
 * answered. Each write runs in its own savepoint, so one that fails leaves the others.
 */
export function groupCommitWriter(db: Db): Writer & { flushed(): Promise<void> } {
  let queue: Pending[] = [];
  let running: Promise<void> = Promise.resolve();
  let scheduled = false;

  async function flush(batch: Pending[]): Promise<void> {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      // BEGIN IMMEDIATE takes the write lock up front: another process on the same file
      // waits (busy timeout) instead of failing when both upgrade a read to a write.
      await db.connection().execute(async (trx) => {
        await sql`BEGIN IMMEDIATE`.execute(trx);
        try {
          for (const item of batch) {
            await sql`SAVEPOINT write_item`.execute(trx);
            try {
              outcomes.push({ ok: true, value: await item.work(trx) });
            } catch (error) {
              await sql`ROLLBACK TO write_item`.execute(trx);
              outcomes.push({ ok: false, value: error });
            }
            await sql`RELEASE write_item`.execute(trx);
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
    batch.forEach((item, i) => (outcomes[i]!.ok ? item.resolve(outcomes[i]!.value) : item.reject(outcomes[i]!.value)));
  }

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const batch = queue;
      queue = [];
      running = running.then(() => flush(batch));
    });
  };

  return {
    write<T>(work: (trx: Db) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    /** Settles once everything queued so far is committed (used when closing). */
    async flushed() {
      while (queue.length || scheduled) await new Promise((resolve) => setImmediate(resolve));
      await running;
    },
  };
}

/** PostgreSQL error codes worth a retry: a unique key another writer took first, a lost serialization race, a deadlock. */
const RETRYABLE = new Set(['23505', '40001', '40P01']);

/** One transaction per write on PostgreSQL; a lost race re-runs the whole write. */
export function transactionWriter(db: Db, attempts = 5): Writer {
  return {
    async write<T>(work: (trx: Db) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute((trx) => work(trx));
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (attempt >= attempts || !code || !RETRYABLE.has(code)) throw error;
        }
      }
    },
  };
}
