/**
 * The PostgreSQL engine (DATABASE_URL), through the `pg` driver's pool. Each write is
 * its own transaction on a pooled connection, except visitors' messages, which are
 * stored in batches (postgres-append.ts); concurrent writers are ordered by row locks and
 * unique constraints in the database, so several server processes may share it.
 */
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createKyselyStore } from './kysely-store';
import { PG_MIGRATIONS } from './pg-migrations';
import { postgresAppend } from './postgres-append';
import type { Database } from './schema';
import type { Store } from './types';
import { transactionWriter } from './writer';

const INT8 = 20;

/** Times are BIGINT; as JavaScript numbers they are exact far beyond the year 200,000. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Runs the steps this database has not had yet, one transaction each, under an advisory lock. */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext('confab_schema'))`);
    await client.query(`CREATE TABLE IF NOT EXISTS confab_schema (version INTEGER NOT NULL)`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM confab_schema`);
    let version = rows[0]?.version ?? 0;
    if (!rows.length) await client.query(`INSERT INTO confab_schema (version) VALUES (0)`);
    for (; version < PG_MIGRATIONS.length; version++) {
      await client.query('BEGIN');
      try {
        await client.query(PG_MIGRATIONS[version]!);
        await client.query(`UPDATE confab_schema SET version = $1`, [version + 1]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query(`SELECT pg_advisory_unlock(hashtext('confab_schema'))`).catch(() => {});
    client.release();
  }
}

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /**
   * false: a visitor's message takes the portable path (five round trips) instead of the
   * batched statement of postgres-append.ts (the test that compares the two).
   */
  batchedAppend?: boolean;
}

export async function openPostgresStore(
  databaseUrl: string,
  newId: () => string,
  now: () => number = Date.now,
  options: PostgresOptions = {},
): Promise<Store> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10, types });
  // An idle connection the server closed (a restart, a failover) is dropped from the pool;
  // the next query opens a new one. Unhandled, the pool's error would end the process.
  pool.on('error', () => {});
  // A connection lost while checked out (in a query or between a transaction's
  // statements) emits 'error' on the client itself, which the pool does not listen to
  // then: unhandled, that too would end the process. Its queries fail on their own (the
  // caller answers `internal` and the client retries) and the pool drops it on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
  const writer = transactionWriter(db);
  const appends = postgresAppend(writer, newId, now);
  // Closing waits for the messages already asked for: each is stored and answered first.
  const close = async () => {
    await appends.drained();
    await db.destroy();
    // Kysely ends the pool only if it ran a query; the migrations ran on the pool itself,
    // and a connection left open would hold the database (DROP DATABASE waits for it).
    if (!pool.ending) await pool.end();
  };
  const store = createKyselyStore({ db, engine: 'postgres', writer, newId, now, close });
  if (options.batchedAppend === false) return store;
  return { ...store, appendToOpenConversation: appends.append };
}
