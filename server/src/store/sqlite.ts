/**
 * The embedded engine: one SQLite file in DATA_DIR, opened with better-sqlite3. Nothing
 * is acknowledged before it is on disk: the writes of one event-loop turn share one
 * commit (writer.ts), and the write-ahead log is flushed to disk after each commit
 * before any of its writes is answered. The log is copied into the database file by a
 * worker thread (sqlite-checkpoint.ts), a visitor's message takes the prepared
 * statements of sqlite-append.ts, and the search index is filled in batches a moment
 * after messages are stored (sqlite-search-index.ts).
 */
import BetterSqlite3 from 'better-sqlite3';
import { closeSync, fdatasync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { CamelCasePlugin, Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { createKyselyStore } from './kysely-store';
import { searchWords } from './kysely-workspace';
import { MIGRATIONS } from './migrations';
import { sqliteAppender } from './sqlite-append';
import { workerCheckpointer } from './sqlite-checkpoint';
import { sqliteSearchIndexer } from './sqlite-search-index';
import type { Database } from './schema';
import type { Store } from './types';
import { TURN_BUDGET_MS, coalescedFlush, groupCommitWriter } from './writer';

export const SQLITE_FILE = 'confab.sqlite';

function migrate(db: BetterSqlite3.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/**
 * Kysely prepares every query it runs; better-sqlite3 statements can be reused, so the
 * few dozen distinct queries of the store are prepared once each.
 */
function withStatementCache(db: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => db.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= 1000) statements.clear();
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}

/** Opens (creating and upgrading as needed) the store file in `dataDir`. */
export function openSqliteDatabase(dataDir: string): BetterSqlite3.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new BetterSqlite3(join(dataDir, SQLITE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

/**
 * Flushes the write-ahead log to disk on libuv's thread pool. better-sqlite3 runs every
 * statement on the event loop, so with `synchronous = FULL` each commit would stop the
 * whole server for as long as the disk takes; with `synchronous = NORMAL` the commit only
 * writes the log, and this flush (of the same file, through a descriptor of our own)
 * makes it durable while the server goes on. Same durability for what is acknowledged.
 * One difference, said plainly: between the commit and the flush, a read on this server
 * can already see rows that a power cut would take back; nothing about them has been
 * acknowledged or broadcast yet.
 */
function walFlusher(raw: BetterSqlite3.Database, dataDir: string) {
  raw.pragma('synchronous = NORMAL');
  // The log exists once the database has been read in WAL mode (openSqliteDatabase did).
  const fd = openSync(join(dataDir, `${SQLITE_FILE}-wal`), 'r');
  const flush = coalescedFlush(
    () => new Promise<void>((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve()))),
  );
  return { flush, close: () => closeSync(fd) };
}

export interface SqliteStoreOptions {
  /**
   * false: a visitor's message takes the portable Kysely path like on PostgreSQL, instead
   * of the prepared statements of sqlite-append.ts (the test that compares the two).
   */
  preparedAppend?: boolean;
  /** Log pages past which writes wait for a checkpoint to catch up (sqlite-checkpoint.ts). */
  logLimitPages?: number;
  /** How long stored messages wait for the search index's batch (sqlite-search-index.ts). */
  searchIndexDelayMs?: number;
}

export function openSqliteStore(
  dataDir: string,
  newId: () => string,
  now: () => number = Date.now,
  options: SqliteStoreOptions = {},
): Store {
  const raw = openSqliteDatabase(dataDir);
  const wal = walFlusher(raw, dataDir);
  // Checkpoints run on a worker thread (sqlite-checkpoint.ts), never inside a commit here;
  // a log that grew under load is cut back to 64 MB once it restarts.
  raw.pragma('wal_autocheckpoint = 0');
  raw.pragma(`journal_size_limit = ${64 * 2 ** 20}`);
  const checkpointer = workerCheckpointer(join(dataDir, SQLITE_FILE), { limitPages: options.logLimitPages });
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(raw) }),
    plugins: [new CamelCasePlugin()],
  });
  const writer = groupCommitWriter(
    db,
    async () => {
      await wal.flush();
      checkpointer.afterCommit();
    },
    TURN_BUDGET_MS,
    checkpointer.caughtUp,
  );
  const searchIndex = sqliteSearchIndexer(raw, writer, options.searchIndexDelayMs);
  const store = createKyselyStore({
    db,
    engine: 'sqlite',
    writer,
    newId,
    now,
    async close() {
      await searchIndex.close();
      await writer.flushed();
      await db.destroy();
      wal.close();
      // Last: its connection, closing after the store's, copies what is left of the log.
      await checkpointer.close();
    },
  });
  const searchable: Store = {
    ...store,
    // A search finds every message stored before it, indexed or still waiting for its batch.
    async searchConversations(site, query) {
      if (searchWords(query.text).length > 0) await searchIndex.catchUp();
      return store.searchConversations(site, query);
    },
  };
  if (options.preparedAppend === false) return searchable;
  const append = sqliteAppender(raw, newId, now);
  return {
    ...searchable,
    appendToOpenConversation: (input) => writer.write(() => append(input), { undoesItself: true }),
  };
}
