// @vitest-environment node
/**
 * The SQLite group-commit writer on a real SQLite file: what it answers, and when. The
 * log flush is given as a function the test holds back, so "not answered before the
 * flush" can be seen happening (the database itself is real).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CamelCasePlugin, Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/src/store/schema';
import { openSqliteDatabase } from '../../../server/src/store/sqlite';
import { TURN_BUDGET_MS, coalescedFlush, groupCommitWriter, type Db } from '../../../server/src/store/writer';

const opened: { db: Db; dir: string }[] = [];
afterEach(async () => {
  for (const { db, dir } of opened.splice(0)) {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

function database(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'confab-writer-'));
  const raw: BetterSqlite3.Database = openSqliteDatabase(dir);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }), plugins: [new CamelCasePlugin()] });
  opened.push({ db, dir });
  return db;
}

/** A flush the test releases by hand; counts how many were asked for. */
function heldFlush() {
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  return {
    flush: () => new Promise<void>((resolve, reject) => waiting.push({ resolve, reject })),
    get asked() {
      return waiting.length;
    },
    release: (error?: Error) => {
      const next = waiting.shift()!;
      if (error) next.reject(error);
      else next.resolve();
    },
  };
}

const insertSession = (tokenHash: string) => (trx: Db) =>
  trx.insertInto('operatorSessions').values({ tokenHash, site: 'shop', operatorId: 'anna', expiresAt: 1 }).execute();
const sessions = async (db: Db) =>
  (await db.selectFrom('operatorSessions').select('tokenHash').orderBy('tokenHash').execute()).map((r) => r.tokenHash);
const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('the group-commit writer', () => {
  it('answers a write only after the log flush that follows its commit', async () => {
    const db = database();
    const disk = heldFlush();
    // No time budget: on a loaded machine the first write alone may take longer than one.
    const writer = groupCommitWriter(db, disk.flush, Number.POSITIVE_INFINITY);
    const first = writer.write(insertSession('a'));
    const second = writer.write(insertSession('b'));
    // Committed (visible on the same connection) but not yet on disk: not answered.
    expect(await settled(first)).toBe(false);
    expect(await sessions(db)).toEqual(['a', 'b']);
    expect(disk.asked).toBe(1);
    disk.release();
    await Promise.all([first, second]);
  });

  it('gathers the writes that come while the disk works into one transaction after it, answered after a flush of its own', async () => {
    const db = database();
    const disk = coalescedFlushFor(heldFlush());
    let commits = 0;
    const writer = groupCommitWriter(db, () => {
      commits++;
      return disk.afterCommit();
    });
    const early = writer.write(insertSession('early'));
    await waitFor(() => disk.held.asked === 1);
    // Two writes asked in different turns while the first commit's flush runs.
    const late = writer.write(insertSession('late'));
    expect(await settled(late)).toBe(false);
    const later = writer.write(insertSession('later'));
    expect(await settled(later)).toBe(false);
    // Neither is begun before that flush is done.
    expect(await sessions(db)).toEqual(['early']);
    disk.held.release();
    await early;
    // Then both share one commit, and are answered only after its own flush.
    await waitFor(() => disk.held.asked === 1);
    expect(await sessions(db)).toEqual(['early', 'late', 'later']);
    expect(commits).toBe(2);
    expect(await settled(late)).toBe(false);
    disk.held.release();
    await Promise.all([late, later]);
  });

  it('does not hold back writes that did not fit in one transaction while the disk works', async () => {
    const db = database();
    const disk = coalescedFlushFor(heldFlush());
    const writer = groupCommitWriter(db, disk.afterCommit);
    const slow = (key: string) => async (trx: Db) => {
      const until = performance.now() + TURN_BUDGET_MS / 2;
      while (performance.now() < until) {}
      return insertSession(key)(trx);
    };
    const keys = Array.from({ length: 8 }, (_, i) => `k${i}`);
    let answered = 0;
    const writes = keys.map((key) => writer.write(slow(key)).then(() => answered++));
    // Four transactions at least (half a budget each), all committed while the first flush
    // is still held: a writer behind does not wait for the disk between its transactions.
    await waitFor(async () => (await sessions(db)).length === keys.length);
    expect(answered).toBe(0);
    while (answered < keys.length) {
      if (disk.held.asked > 0) disk.held.release();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(writes);
  });

  it('fails the writes of a batch whose flush failed, and goes on with the next', async () => {
    const db = database();
    const disk = heldFlush();
    const writer = groupCommitWriter(db, disk.flush);
    const lost = writer.write(insertSession('x'));
    await waitFor(() => disk.asked === 1);
    disk.release(new Error('disk full'));
    await expect(lost).rejects.toThrow('disk full');
    const next = writer.write(insertSession('y'));
    await waitFor(() => disk.asked === 1);
    disk.release();
    await expect(next).resolves.toBeDefined();
  });

  it('fails only the write that failed, and a batch whose commit failed does not stop the writer', async () => {
    const db = database();
    const writer = groupCommitWriter(db);
    const results = await Promise.allSettled([
      writer.write(insertSession('one')),
      writer.write(insertSession('one')), // the same key again: this write alone fails
      writer.write(insertSession('two')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await sessions(db)).toEqual(['one', 'two']);

    // A transaction left open on the connection makes the next BEGIN fail: that batch
    // fails as a whole, and the writer is not stuck behind it.
    await sql`BEGIN`.execute(db);
    await expect(writer.write(insertSession('three'))).rejects.toThrow();
    await sql`ROLLBACK`.execute(db);
    await expect(writer.write(insertSession('four'))).resolves.toBeDefined();
    await writer.flushed();
    expect(await sessions(db)).toEqual(['four', 'one', 'two']);
  });

  it('runs a write that undoes itself without a savepoint: what it leaves is kept, its failure fails it alone', async () => {
    const db = database();
    const writer = groupCommitWriter(db);
    const writesThenFails = async (trx: Db) => {
      await insertSession('kept')(trx);
      throw new Error('failed after its write');
    };
    const results = await Promise.allSettled([
      writer.write(insertSession('one'), { undoesItself: true }),
      writer.write(insertSession('one'), { undoesItself: true }), // fails; SQLite took the statement back
      // No savepoint around it: a write that does not undo itself leaves its row (with
      // one, the row would be rolled back; see the test above).
      writer.write(writesThenFails, { undoesItself: true }),
      writer.write(insertSession('two'), { undoesItself: true }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(await sessions(db)).toEqual(['kept', 'one', 'two']);
  });

  it('keeps one transaction within its time budget: what does not fit waits for the next turn, in order', async () => {
    const db = database();
    const writer = groupCommitWriter(db);
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const slow = (key: string) => async (trx: Db) => {
      const until = performance.now() + TURN_BUDGET_MS / 2;
      while (performance.now() < until) {}
      return insertSession(key)(trx);
    };
    const keys = Array.from({ length: 12 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const order: string[] = [];
    await Promise.all(keys.map((key) => writer.write(slow(key)).then(() => order.push(key))));
    ticking = false;
    // Twelve writes of half a budget each: at least four transactions, with the event
    // loop's other work run between them, answered in the order they were asked.
    expect(turns).toBeGreaterThanOrEqual(4);
    expect(order).toEqual(keys);
    expect(await sessions(db)).toEqual(keys);
  });
});

describe('the coalesced log flush', () => {
  it('runs one flush at a time; commits during a flush share the next one', async () => {
    const held = heldFlush();
    const afterCommit = coalescedFlush(held.flush);
    const a = afterCommit();
    const b = afterCommit();
    const c = afterCommit();
    expect(held.asked).toBe(1);
    held.release();
    await a;
    expect(await settled(b)).toBe(false);
    await waitFor(() => held.asked === 1);
    held.release();
    await Promise.all([b, c]);
    expect(held.asked).toBe(0);
  });
});

function coalescedFlushFor(held: ReturnType<typeof heldFlush>) {
  return { held, afterCommit: coalescedFlush(held.flush) };
}

async function waitFor(condition: () => boolean | Promise<boolean>, ms = 2000) {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
