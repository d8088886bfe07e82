/**
 * The server's hot path on loopback, the server in a process of its own and its clients
 * in others (bench/support/load-generator.ts), so neither shares an event loop with the
 * other:
 *
 *   1. messages stored and acknowledged per second, 100 concurrent senders, the rate
 *      limit lifted, one operator console listening: on SQLite, on PostgreSQL, and a
 *      bare socket.io relay (the baseline, loaded by the same generator);
 *   2. round trip (send → stored + ack) with 1,000 and with 100,000 stored visitors;
 *   3. idle visitors per process with the server's RSS, ack latency with them
 *      connected (the probe in a process of its own; a bare relay with as many idle
 *      visitors is the baseline), the server's own event-loop delay meanwhile, and its
 *      longest stall while half of them disconnect at once.
 *
 *   npm run bench                        BENCH_SECONDS=5 BENCH_IDLE=10000
 *   BENCH_ONLY=throughput npx tsx bench/store-throughput.ts     (or roundtrip, idle; comma-separated)
 *   BENCH_POSTGRES=0 …                                           (SQLite and the relay only)
 *   BENCH_PROFILE=/tmp/prof npx tsx bench/store-throughput.ts   (servers under --cpu-prof, and
 *       the idle crowd's two moments profiled alone, relay and server: /tmp/prof/connected-*.cpuprofile
 *       (the probe's acks) and /tmp/prof/disconnect-*.cpuprofile (the mass disconnect);
 *       then npx tsx bench/support/profile-summary.ts /tmp/prof/<file>.cpuprofile)
 *
 * Two cores shared with other work move every absolute figure: each is printed with the
 * load average at the time and beside a baseline measured in the same run.
 * PostgreSQL runs as a throwaway cluster with real durability (fsync on), as the tests'
 * helper starts it; without PostgreSQL installed that row is left out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../src/protocol';
import { openSqliteDatabase } from '../server/src/store/sqlite';
import { postgresBin, startPostgres } from '../tests/support/postgres';
import { loginOperator } from '../tests/support/server';
import { startChild, type BenchChild } from './support/child';
import { postgresCpu } from './support/postgres-cpu';
import type { GeneratorRequest } from './support/load-generator';

const SECONDS = Math.min(Number(process.env.BENCH_SECONDS ?? 5), 30);
const SENDERS = 100;
const IDLE = Math.min(Number(process.env.BENCH_IDLE ?? 10_000), 15_000);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'throughput,roundtrip,idle').split(','));
const PROFILE = process.env.BENCH_PROFILE;
/** BENCH_POSTGRES=0 leaves PostgreSQL out (an A/B of the SQLite path, sooner and with less load). */
const POSTGRES = process.env.BENCH_POSTGRES !== '0';

const load = () =>
  `load ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}`;
const line = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);
const ms = (value: number) => `${value.toFixed(1)} ms`;
const temporaryDir = () => mkdtempSync(join(tmpdir(), 'confab-bench-'));

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

interface Server extends BenchChild {
  url: string;
}

async function serve(name: string, env: Record<string, string>): Promise<Server> {
  const execArgv = PROFILE && env.BENCH_RELAY !== '1' ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : [];
  const child = await startChild(new URL('./store-server.ts', import.meta.url), env, { name, execArgv });
  return { ...child, url: child.ready as string };
}

const generator = () =>
  startChild(new URL('./support/load-generator.ts', import.meta.url), {}, { name: 'load generator' });
const tell = <T>(gen: BenchChild, request: GeneratorRequest, timeoutMs: number) =>
  gen.ask<T>(request, timeoutMs, request.action);

interface Throughput {
  rate: number;
  load: string;
  /** The server's CPU time (all its threads) and its event loop's busy time per acknowledged message, µs. */
  cpuPerMessage: number;
  loopPerMessage: number;
  /** The database server's CPU time per acknowledged message, µs (PostgreSQL only). */
  databaseCpuPerMessage?: number;
}

type Usage = { cpu: number; loopBusy: number };

/** Messages acknowledged per second by `SENDERS` visitors sending back to back. */
async function throughput(name: string, env: Record<string, string>, databaseCpu?: () => number): Promise<Throughput> {
  const server = await serve(name, env);
  const gen = await generator();
  try {
    const operatorToken = env.BENCH_RELAY === '1' ? undefined : await loginOperator(server.url);
    await tell(gen, { action: 'senders', url: server.url, count: SENDERS, operatorToken }, 90_000);
    const during = load();
    const before = await server.ask<Usage>({ cpu: true }, 10_000, 'cpu');
    const databaseBefore = databaseCpu?.();
    const { acked, seconds } = await tell<{ acked: number; seconds: number }>(
      gen,
      { action: 'blast', seconds: SECONDS },
      SECONDS * 1000 + 30_000,
    );
    const databaseAfter = databaseCpu?.();
    const after = await server.ask<Usage>({ cpu: true }, 10_000, 'cpu');
    return {
      rate: acked / seconds,
      load: during,
      cpuPerMessage: (after.cpu - before.cpu) / acked,
      loopPerMessage: (after.loopBusy - before.loopBusy) / acked,
      databaseCpuPerMessage: databaseBefore === undefined ? undefined : (databaseAfter! - databaseBefore) / acked,
    };
  } finally {
    await gen.stop();
    await server.stop();
  }
}

/** A data directory with `count` stored visitors (a few of them verified users, one blocked). */
function seededDataDir(count: number): string {
  const dir = temporaryDir();
  const db = openSqliteDatabase(dir);
  const insert =
    db.prepare(`INSERT INTO visitors (site, id, user_id, created_at, last_seen_at, visit_started_at, blocked_at)
    VALUES ('shop', ?, ?, 1, 1, 1, ?)`);
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(newId(), i % 10 === 0 ? `user-${i}` : null, i === 7 ? 1 : null);
  })();
  db.close();
  return dir;
}

console.log(
  `Confab store benchmark: ${SENDERS} concurrent senders for ${SECONDS} s each; server and clients in separate processes; ${load()}`,
);

if (ONLY.has('throughput')) {
  const relay = await throughput('relay', { BENCH_RELAY: '1' });
  const sqliteDir = temporaryDir();
  const sqlite = await throughput('SQLite server', { DATA_DIR: sqliteDir });
  rmSync(sqliteDir, { recursive: true, force: true });
  let postgres: Throughput | undefined;
  if (POSTGRES && postgresBin()) {
    const cluster = await startPostgres({ durable: true });
    const pgDir = temporaryDir();
    try {
      const url = await cluster.createDatabase();
      postgres = await throughput('PostgreSQL server', { DATABASE_URL: url, DATA_DIR: pgDir }, await postgresCpu(url));
    } finally {
      await cluster.stop();
      rmSync(pgDir, { recursive: true, force: true });
    }
  }
  // Per message, the server's CPU time and its event loop's busy time: what one core
  // allows at most is 1,000,000 / loop µs per second, whatever else runs on the machine.
  const cost = (t: Throughput) =>
    `server per message: CPU ${t.cpuPerMessage.toFixed(0)} µs, event loop ${t.loopPerMessage.toFixed(0)} µs`;
  const versus = (t: Throughput) =>
    `${((t.rate / relay.rate) * 100).toFixed(0)} % of the relay; loop ${(t.loopPerMessage / relay.loopPerMessage).toFixed(1)}× the relay's`;
  console.log('\nmessages stored + acked per second (100 senders, one console listening)');
  line('  bare socket.io relay (baseline, nothing stored)', `${relay.rate.toFixed(0)} /s   (${relay.load})`);
  line('', cost(relay));
  line('  SQLite', `${sqlite.rate.toFixed(0)} /s   (${sqlite.load})  ${versus(sqlite)}`);
  line('', cost(sqlite));
  if (postgres) {
    line('  PostgreSQL', `${postgres.rate.toFixed(0)} /s   (${postgres.load})  ${versus(postgres)}`);
    line('', cost(postgres));
    if (postgres.databaseCpuPerMessage !== undefined)
      line('', `PostgreSQL's own processes per message: CPU ${postgres.databaseCpuPerMessage.toFixed(0)} µs`);
  } else if (POSTGRES) line('  PostgreSQL', 'skipped: apt-get install -y postgresql');
}

if (ONLY.has('roundtrip')) {
  // Interleaved (1k, 100k, 1k, 100k) so a change in the machine's load falls on both.
  const samples: Record<number, number[]> = { 1000: [], 100000: [] };
  const dirs = { 1000: seededDataDir(1_000), 100000: seededDataDir(100_000) };
  const loads: string[] = [];
  for (const stored of [1_000, 100_000, 1_000, 100_000] as const) {
    const server = await serve(`server with ${stored} stored visitors`, { DATA_DIR: dirs[stored] });
    const gen = await generator();
    try {
      samples[stored]!.push(
        ...(await tell<number[]>(gen, { action: 'probe', url: server.url, count: 300, warmUp: 30 }, 120_000)),
      );
      loads.push(load());
    } finally {
      await gen.stop();
      await server.stop();
    }
  }
  Object.values(dirs).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  const p50 = (n: number) => percentile(samples[n]!, 0.5);
  console.log(`\nround trip, one visitor sending (send → stored + ack); ${loads.join(', ')}`);
  for (const n of [1_000, 100_000]) {
    line(`  ${n.toLocaleString('en')} stored visitors`, `p50 ${ms(p50(n))}  p99 ${ms(percentile(samples[n]!, 0.99))}`);
  }
  line('  100k / 1k (p50)', `${(p50(100_000) / p50(1_000)).toFixed(2)}×  (target ≤ 1.2×)`);
}

interface Crowd {
  rss: { before: number; after: number };
  acks: number[];
  /** The server's own event-loop delay while the probe ran (p99) and its longest stall while half left. */
  loopP99: number;
  stall?: number;
  slowestAckWhileLeaving?: number;
  left?: number;
  load: string;
}

/** `IDLE` visitors connected (one process), one more sending (another process), then half of them leave. */
async function crowd(name: string, env: Record<string, string>): Promise<Crowd> {
  const server = await serve(name, env);
  const crowdGen = await generator();
  const probe = await generator();
  try {
    const before = await server.ask<number>({ rss: true }, 10_000, 'rss');
    // A console of the site is open, as on a real site: it hears each visitor come and go.
    if (env.BENCH_RELAY !== '1') {
      const operatorToken = await loginOperator(server.url);
      await tell(crowdGen, { action: 'console', url: server.url, operatorToken }, 30_000);
    }
    await tell(crowdGen, { action: 'idle', url: server.url, count: IDLE }, 240_000);
    const after = await server.ask<number>({ rss: true }, 10_000, 'rss');
    await tell(probe, { action: 'probe', url: server.url, count: 50, warmUp: 0 }, 60_000);
    await server.ask({ lagReset: true }, 10_000, 'lag reset');
    const role = env.BENCH_RELAY === '1' ? 'relay' : 'server';
    if (PROFILE) await server.ask({ profileStart: true }, 10_000, 'profile start');
    const acks = await tell<number[]>(probe, { action: 'probe', url: server.url, count: 1000, warmUp: 0 }, 120_000);
    const during = load();
    const { p99: loopP99 } = await server.ask<{ p99: number }>({ lag: true }, 10_000, 'lag');
    if (PROFILE)
      await server.ask({ profileStop: join(PROFILE, `connected-${role}.cpuprofile`) }, 30_000, 'profile stop');
    // Half of them leave at once; the probe keeps sending, its slowest answer is kept. The
    // relay does the same, so its stall is what socket.io and ws cost by themselves.
    await server.ask({ lagReset: true }, 10_000, 'lag reset');
    await tell(probe, { action: 'probeUntilStopped', url: server.url }, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (PROFILE) await server.ask({ profileStart: true }, 10_000, 'profile start');
    const left = await tell<number>(crowdGen, { action: 'leave', count: Math.floor(IDLE / 2) }, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const slowestAckWhileLeaving = await tell<number>(probe, { action: 'stopProbing' }, 30_000);
    const { max: stall } = await server.ask<{ max: number }>({ lag: true }, 10_000, 'lag');
    if (PROFILE) {
      await server.ask({ profileStop: join(PROFILE, `disconnect-${role}.cpuprofile`) }, 30_000, 'profile stop');
    }
    return { rss: { before, after }, acks, loopP99, stall, slowestAckWhileLeaving, left, load: during };
  } finally {
    await Promise.all([crowdGen.stop(), probe.stop()]);
    await server.stop();
  }
}

if (ONLY.has('idle')) {
  const relay = await crowd('relay with idle visitors', { BENCH_RELAY: '1' });
  const dir = temporaryDir();
  const confab = await crowd('server with idle visitors', { DATA_DIR: dir });
  rmSync(dir, { recursive: true, force: true });
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  const acks = (c: Crowd) =>
    `p50 ${ms(percentile(c.acks, 0.5))}  p99 ${ms(percentile(c.acks, 0.99))}  (server loop delay p99 ${ms(c.loopP99)}; ${c.load})`;
  console.log(`\n${IDLE.toLocaleString('en')} idle visitors connected to one server process, one more sending`);
  const rss = (c: Crowd) =>
    `${mb(c.rss.after)} (${mb(((c.rss.after - c.rss.before) / IDLE) * 10_000)} per 10,000 above the empty server's ${mb(c.rss.before)})`;
  line('  RSS, bare relay (baseline)', rss(relay));
  line('  RSS, SQLite server', rss(confab));
  line('  ack, bare relay (baseline, nothing stored)', acks(relay));
  line('  ack, SQLite (stored, on disk)', `${acks(confab)}  target p99 ≤ 10 ms`);
  const leaving = (c: Crowd) =>
    `longest event-loop stall ${ms(c.stall!)}; slowest probe ack ${ms(c.slowestAckWhileLeaving!)}`;
  console.log(`  while ${confab.left!.toLocaleString('en')} of them disconnect at once`);
  line('    bare relay (baseline, no disconnect handlers)', leaving(relay));
  line(
    '    SQLite server, one console listening',
    `${leaving(confab)}  ${(confab.stall! / relay.stall!).toFixed(1)}× the relay's stall`,
  );
}
process.exit(0);
