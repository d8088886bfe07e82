/**
 * `confab-server backup <file>`: a consistent copy of the SQLite store, taken while the
 * server runs (SQLite's online backup API through better-sqlite3; writers are not
 * stopped). For PostgreSQL use `pg_dump` (see the README).
 */
import BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SQLITE_FILE } from './store/sqlite';

export async function backupSqlite(dataDir: string, target: string): Promise<{ pages: number }> {
  const source = join(dataDir, SQLITE_FILE);
  if (!existsSync(source)) throw new Error(`no store at ${source}: set DATA_DIR to the server's data directory`);
  if (existsSync(target)) throw new Error(`${target} exists already: name a new file`);
  const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await db.backup(target);
    return { pages: totalPages };
  } finally {
    db.close();
  }
}

/** The command line: `backup <file>`, the data directory from DATA_DIR (./data). Returns the exit code. */
export async function backupCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: Pick<Console, 'log' | 'error'> = console,
): Promise<number> {
  const [target] = args;
  if (!target || args.length > 1) {
    out.error('usage: confab-server backup <new file>   (copies DATA_DIR/confab.sqlite while the server runs)');
    return 2;
  }
  if (env.DATABASE_URL) {
    out.error('DATABASE_URL is set: this server stores in PostgreSQL; back it up with pg_dump (see the README).');
    return 2;
  }
  try {
    const { pages } = await backupSqlite(resolve(env.DATA_DIR ?? 'data'), resolve(target));
    out.log(`backed up ${pages} pages to ${resolve(target)}`);
    return 0;
  } catch (error) {
    out.error(`backup failed: ${(error as Error).message}`);
    return 1;
  }
}
