import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// The integration tier runs a second time on PostgreSQL (Debian's binaries, found as
// tests/support/postgres.ts finds them). Without them that run is left out with the
// install command; under CI=true that is an error.
const pgRoot = '/usr/lib/postgresql';
const postgresMissing = !(
  existsSync(pgRoot) && readdirSync(pgRoot).some((v) => existsSync(`${pgRoot}/${v}/bin/initdb`))
);
if (postgresMissing && process.env.CI === 'true')
  throw new Error('PostgreSQL is not installed: apt-get install -y postgresql');
if (postgresMissing)
  console.warn('integration-postgres skipped: PostgreSQL is not installed: apt-get install -y postgresql');

// Three tiers, each its own project so they can run alone (npm run test:unit, ...).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    // Two files at a time in the unit and integration tiers (vitest's default on two cores
    // is one): each integration file has its own server, store and database. Browser and
    // scale files still run one at a time, after them (fileParallelism: false below).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.{ts,tsx}'], environment: 'happy-dom' },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], environment: 'node' },
      },
      ...(postgresMissing
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: 'integration-postgres',
                include: ['tests/integration/**/*.test.ts'],
                // Both engines are in the contract suite already; SQLite files and static
                // files do not depend on the engine.
                exclude: [
                  'tests/integration/store-contract.test.ts',
                  'tests/integration/append-paths.test.ts',
                  'tests/integration/sqlite-checkpoint.test.ts',
                  'tests/integration/search-index.test.ts',
                  'tests/integration/migrations.test.ts',
                  'tests/integration/search-folding.test.ts',
                  'tests/integration/static.test.ts',
                ],
                environment: 'node',
                env: { CONFAB_TEST_STORE: 'postgres' },
                globalSetup: ['tests/support/postgres-setup.ts'],
              },
            },
          ]),
      {
        extends: true,
        test: {
          // Several server nodes as child processes on real Redis and PostgreSQL.
          name: 'scale',
          include: ['tests/scale/**/*.test.ts'],
          // After every other project: its nodes and 200 clients would load the machine
          // under the timing-sensitive tests of the other tiers.
          sequence: { groupOrder: 1 },
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
