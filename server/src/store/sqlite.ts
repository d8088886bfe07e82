/**
 * The embedded engine: one SQLite file in DATA_DIR, opened with better-sqlite3. Nothing
 * is acknowledged before it is on disk (WAL, `synchronous = FULL`); the writes of one
 * event-loop turn share one commit (writer.ts), which is what makes that affordable.
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CamelCasePlugin, Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { createKyselyStore } from './kysely-store';
import { MIGRATIONS } from './migrations';
import type { Database } from './schema';
import type { Store } from './types';
import { groupCommitWriter } from './writer';

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

export function openSqliteStore(dataDir: string, newId: () => string, now: () => number = Date.now): Store {
  const raw = openSqliteDatabase(dataDir);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(raw) }),
    plugins: [new CamelCasePlugin()],
  });
  const writer = groupCommitWriter(db);
  return createKyselyStore({
    db,
    engine: 'sqlite',
    writer,
    newId,
    now,
    async close() {
      await writer.flushed();
      await db.destroy();
    },
  });
}
