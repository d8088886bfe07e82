/**
 * A real PostgreSQL for the tests: Debian's binaries (/usr/lib/postgresql/<version>/bin),
 * a cluster made by `initdb` in a temporary directory, started with `pg_ctl` on a free
 * port on 127.0.0.1, stopped and removed after. PostgreSQL refuses to run as root, so
 * as root the cluster belongs to the `postgres` user and its commands run through
 * `runuser`. Without the binaries the PostgreSQL tests are skipped with the install
 * command, except under CI=true, where they fail.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { engineSkipReason, freePort } from './engines';

export const INSTALL_HINT = 'PostgreSQL is not installed: apt-get install -y postgresql';

/** The newest installed version's bin directory, or undefined. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(root, versions[0], 'bin');
}

/**
 * Why the PostgreSQL tests cannot run here, or undefined when they can. Under CI the
 * absence is an error: CI installs PostgreSQL, and a skipped engine must not pass.
 */
export function postgresSkipReason(): string | undefined {
  return engineSkipReason(postgresBin() !== undefined, INSTALL_HINT, 'PostgreSQL');
}

export interface PostgresCluster {
  /** postgres://… of the cluster's maintenance database. */
  url: string;
  /** A new empty database; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  /**
   * Stops the server at once (an immediate shutdown, as a crash looks to clients),
   * keeping its data; `start()` brings it back on the same port.
   */
  kill(): Promise<void>;
  /** Starts it again after `kill()`, with the data it had. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /**
   * Real durability (fsync) for benchmarks. Tests turn fsync off: they survive the
   * server's crash but not the machine's, and a cluster per test run must be quick.
   */
  durable?: boolean;
}

export async function startPostgres(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBin();
  if (!bin) throw new Error(INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'confab-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const commandLine = (command: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
  const run = (command: string, args: string[]) => {
    const [file, argv] = commandLine(command, args);
    return execFileSync(file, argv, { stdio: 'pipe', cwd: dir });
  };
  // While a test's clients and nodes keep running: the event loop must not stop meanwhile.
  const runAsync = async (command: string, args: string[]) => {
    const [file, argv] = commandLine(command, args);
    await promisify(execFile)(file, argv, { cwd: dir });
  };

  run('initdb', ['-D', data, '-A', 'trust', '-U', 'confab', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-c listen_addresses=127.0.0.1`,
    `-c unix_socket_directories=${dir}`,
    `-c max_connections=200`,
    // Commits are still written out before they are acknowledged (synchronous_commit
    // stays on): a killed server (kill()) keeps every acknowledged row, as in production.
    ...(options.durable ? [] : ['-c fsync=off', '-c full_page_writes=off']),
  ].join(' ');
  const startArgs = ['-D', data, '-l', join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start'];
  const stopArgs = ['-D', data, '-m', 'immediate', '-w', 'stop'];
  let running = true;
  run('pg_ctl', startArgs);

  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      if (running) run('pg_ctl', stopArgs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test run that dies must not leave a server behind.
  process.once('exit', stopNow);

  const url = `postgres://confab@127.0.0.1:${port}/postgres`;
  return {
    url,
    createDatabase: (name) => createDatabase(url, name),
    dropDatabase: (databaseUrl) => dropDatabase(url, databaseUrl),
    async kill() {
      if (!running) return;
      running = false;
      await runAsync('pg_ctl', stopArgs);
    },
    async start() {
      if (running) return;
      await runAsync('pg_ctl', startArgs);
      running = true;
    },
    async stop() {
      process.removeListener('exit', stopNow);
      stopNow();
    },
  };
}

async function admin<T>(clusterUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new empty database in the cluster at `clusterUrl`; returns its URL. */
export async function createDatabase(clusterUrl: string, name = `confab_${Math.random().toString(36).slice(2, 10)}`) {
  await admin(clusterUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(clusterUrl: string, databaseUrl: string) {
  const name = new URL(databaseUrl).pathname.slice(1);
  await admin(clusterUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/**
 * What the database's connections are doing now, one line each (state, what it waits on,
 * how long its transaction has been open, the start of its query): printed when a test on
 * several nodes fails, so a node stuck on the store shows what it is stuck on.
 */
export async function databaseActivity(databaseUrl: string): Promise<string> {
  try {
    return await admin(databaseUrl, async (client) => {
      const { rows } = await client.query<Record<string, unknown>>(
        `SELECT pid, application_name, client_port, state, wait_event_type, wait_event,
                round(extract(epoch FROM now() - xact_start) * 1000) AS transaction_ms,
                left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS query
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
          ORDER BY xact_start NULLS LAST`,
      );
      return rows.map((row) => JSON.stringify(row)).join('\n') || '(no connections)';
    });
  } catch (error) {
    return `(not read: ${String(error)})`;
  }
}
