/**
 * The store on the hot path, on loopback, with the server in a process of its own:
 *
 *   1. messages stored and acknowledged per second, 100 concurrent senders, the rate
 *      limit lifted: on SQLite, on PostgreSQL, and a bare socket.io relay (baseline);
 *   2. round trip (send → stored + ack) with 1,000 and with 100,000 stored visitors;
 *   3. idle visitors per process with the server's RSS, ack latency with them connected,
 *      and the longest answer while half of them disconnect at once.
 *
 *   npm run bench                       BENCH_SECONDS=5 BENCH_IDLE=10000
 *   BENCH_IDLE=2000 npx tsx bench/store-throughput.ts   (bounded: at most 15,000 idle visitors)
 *   BENCH_ONLY=throughput npx tsx bench/store-throughput.ts   (part 1 only)
 *
 * PostgreSQL runs as a throwaway cluster with real durability (fsync on), as the tests'
 * helper starts it; without PostgreSQL installed that column is left out.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { OPERATOR_NAMESPACE, VISITOR_NAMESPACE, newId } from '../src/protocol';
import { openSqliteDatabase } from '../server/src/store/sqlite';
import { postgresBin, startPostgres } from '../tests/support/postgres';
import { loginOperator } from '../tests/support/server';

const SECONDS = Math.min(Number(process.env.BENCH_SECONDS ?? 5), 30);
const SENDERS = 100;
const IDLE = Math.min(Number(process.env.BENCH_IDLE ?? 10_000), 15_000);

interface Served {
  url: string;
  child: ChildProcess;
  rss(): Promise<number>;
  /** The longest event-loop stall of the server since `resetLag`, in ms. */
  lag(): Promise<number>;
  resetLag(): void;
  stop(): Promise<void>;
}

async function serve(env: Record<string, string>): Promise<Served> {
  const child = fork(new URL('./store-server.ts', import.meta.url).pathname, [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    url,
    child,
    rss: () =>
      new Promise((resolve) => {
        child.once('message', (m: { rss: number }) => resolve(m.rss));
        child.send({ rss: true });
      }),
    lag: () =>
      new Promise((resolve) => {
        child.once('message', (m: { lag: number }) => resolve(m.lag));
        child.send({ lag: true });
      }),
    resetLag: () => child.send({ lagReset: true }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function visitor(url: string, visitorId = newId()): Promise<Socket> {
  const socket = io(url + VISITOR_NAMESPACE, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { site: 'shop', visitorId },
  });
  return new Promise((resolve, reject) => {
    socket.once('session', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function operator(url: string, relay: boolean): Promise<Socket> {
  const token = relay ? 'none' : await loginOperator(url);
  const socket = io(url + OPERATOR_NAMESPACE, { transports: ['websocket'], forceNew: true, auth: { token } });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return socket;
}

async function connectMany(url: string, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 200) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(200, count - i) }, () => visitor(url)))));
  }
  return sockets;
}

const send = async (socket: Socket, text: string) => {
  const ack = (await socket.timeout(10_000).emitWithAck('message:send', { clientId: newId(), text })) as {
    ok: boolean;
  };
  if (!ack.ok) throw new Error(`refused: ${JSON.stringify(ack)}`);
};

/** Messages acknowledged per second by `SENDERS` visitors sending back to back. */
async function throughput(served: Served, relay = false): Promise<number> {
  const senders = await connectMany(served.url, SENDERS);
  const op = await operator(served.url, relay);
  let acked = 0;
  // Warm up (statement caches, JIT), then measure.
  await Promise.all(senders.map((s) => send(s, 'warm-up')));
  const until = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(
    senders.map(async (s, i) => {
      while (performance.now() < until) {
        await send(s, `message from sender ${i}`);
        acked++;
      }
    }),
  );
  const rate = acked / ((performance.now() - start) / 1000);
  [...senders, op].forEach((s) => s.disconnect());
  return rate;
}

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Sequential send → ack times of one visitor. */
async function roundTrips(socket: Socket, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await send(socket, `probe ${i}`);
    samples.push(performance.now() - start);
  }
  return samples;
}

/** A data directory with `count` stored visitors (a few of them verified users, one blocked). */
function seededDataDir(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'confab-bench-'));
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

const line = (label: string, value: string) => console.log(`${label.padEnd(58)} ${value}`);
const ms = (value: number) => `${value.toFixed(2)} ms`;

console.log(`Confab store benchmark: ${SENDERS} concurrent senders for ${SECONDS} s each, server in its own process`);

// 1. Throughput.
const relay = await serve({ BENCH_RELAY: '1' });
const relayRate = await throughput(relay, true);
await relay.stop();

const sqliteDir = mkdtempSync(join(tmpdir(), 'confab-bench-'));
const sqliteServer = await serve({ DATA_DIR: sqliteDir });
const sqliteRate = await throughput(sqliteServer);
await sqliteServer.stop();
rmSync(sqliteDir, { recursive: true, force: true });

let postgresRate: number | undefined;
if (postgresBin()) {
  const cluster = await startPostgres({ durable: true });
  const databaseUrl = await cluster.createDatabase();
  const pgServer = await serve({ DATABASE_URL: databaseUrl, DATA_DIR: mkdtempSync(join(tmpdir(), 'confab-bench-')) });
  postgresRate = await throughput(pgServer);
  await pgServer.stop();
  await cluster.stop();
}

line(
  'messages stored + acked per second, bare socket.io relay',
  `${relayRate.toFixed(0)} /s (baseline, nothing stored)`,
);
line('messages stored + acked per second, SQLite', `${sqliteRate.toFixed(0)} /s`);
line(
  'messages stored + acked per second, PostgreSQL',
  postgresRate === undefined ? 'skipped: apt-get install -y postgresql' : `${postgresRate.toFixed(0)} /s`,
);
// On a shared machine the absolute rates move with the load: the ratios to the relay, measured in the same run, less so.
line('  SQLite / relay', `${((sqliteRate / relayRate) * 100).toFixed(0)} %`);
if (postgresRate !== undefined) line('  PostgreSQL / relay', `${((postgresRate / relayRate) * 100).toFixed(0)} %`);
if (process.env.BENCH_ONLY === 'throughput') process.exit(0);

// 2. Round trip against the number of stored visitors.
const roundTrip: Record<number, number[]> = {};
for (const stored of [1_000, 100_000]) {
  const dir = seededDataDir(stored);
  const served = await serve({ DATA_DIR: dir });
  const socket = await visitor(served.url);
  await roundTrips(socket, 50);
  roundTrip[stored] = await roundTrips(socket, 500);
  socket.disconnect();
  await served.stop();
  rmSync(dir, { recursive: true, force: true });
}
const p50 = (n: number) => percentile(roundTrip[n]!, 0.5);
line('round trip, 1,000 stored visitors', `p50 ${ms(p50(1_000))}  p99 ${ms(percentile(roundTrip[1_000]!, 0.99))}`);
line(
  'round trip, 100,000 stored visitors',
  `p50 ${ms(p50(100_000))}  p99 ${ms(percentile(roundTrip[100_000]!, 0.99))}`,
);
line('  100k / 1k (p50)', `${(p50(100_000) / p50(1_000)).toFixed(2)}×`);

// 3. Idle visitors, RSS, ack latency with them connected, and a mass disconnect.
const idleDir = mkdtempSync(join(tmpdir(), 'confab-bench-'));
const idleServer = await serve({ DATA_DIR: idleDir });
const rssBefore = await idleServer.rss();
const idle = await connectMany(idleServer.url, IDLE);
const rssAfter = await idleServer.rss();
const prober = await visitor(idleServer.url);
const withIdle = await roundTrips(prober, 300);
line(
  `server RSS, ${IDLE.toLocaleString('en')} idle visitors connected`,
  `${(rssAfter / 2 ** 20).toFixed(0)} MB (${((((rssAfter - rssBefore) / IDLE) * 10_000) / 2 ** 20).toFixed(0)} MB per 10,000 above the empty server's ${(rssBefore / 2 ** 20).toFixed(0)} MB)`,
);
line(
  `ack with ${IDLE.toLocaleString('en')} visitors connected`,
  `p50 ${ms(percentile(withIdle, 0.5))}  p99 ${ms(percentile(withIdle, 0.99))}`,
);

// Half the visitors leave at once; a probe keeps sending and the slowest answer is kept.
let longest = 0;
let probing = true;
const probe = (async () => {
  while (probing) {
    const start = performance.now();
    await send(prober, 'during the disconnects');
    longest = Math.max(longest, performance.now() - start);
  }
})();
const leaving = idle.splice(0, Math.floor(IDLE / 2));
idleServer.resetLag();
await new Promise((resolve) => setTimeout(resolve, 200));
leaving.forEach((s) => s.disconnect());
await new Promise((resolve) => setTimeout(resolve, 3000));
probing = false;
await probe;
const stall = await idleServer.lag();
line(
  `while ${leaving.length.toLocaleString('en')} visitors disconnect at once`,
  `server's longest event-loop stall ${ms(stall)}; longest probe ack ${ms(longest)} (the probe shares a process with the disconnecting clients)`,
);
[...idle, prober].forEach((s) => s.disconnect());
await idleServer.stop();
rmSync(idleDir, { recursive: true, force: true });
process.exit(0);
