import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import type { Store } from './types';

export * from './types';
export { openSqliteStore } from './sqlite';
export { openPostgresStore } from './postgres';

export interface StoreLocation {
  /** postgres://… selects PostgreSQL; without it the embedded SQLite file in `dataDir` is used. */
  databaseUrl?: string;
  dataDir: string;
}

/** The store the configuration asks for. */
export function openStore(where: StoreLocation, newId: () => string, now: () => number = Date.now): Promise<Store> {
  if (where.databaseUrl) return openPostgresStore(where.databaseUrl, newId, now);
  return Promise.resolve(openSqliteStore(where.dataDir, newId, now));
}
