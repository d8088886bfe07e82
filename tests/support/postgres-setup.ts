/**
 * Vitest global setup of the `integration-postgres` project: one PostgreSQL cluster for
 * the whole run; every test server gets a database of its own in it (tests/support/server.ts).
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await startPostgres();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
