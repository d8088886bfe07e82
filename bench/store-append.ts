/**
 * The store alone on the visitor's message path, in this process, no sockets: 100
 * visitors with open conversations each append one message per turn (on SQLite one group
 * commit per turn), on a fresh database. Two runs of each, interleaved so a change in the
 * machine's load falls on both:
 *
 *   - SQLite: the portable Kysely path, the baseline, against the prepared better-sqlite3
 *     statements of server/src/store/sqlite-append.ts;
 *   - PostgreSQL (a throwaway cluster with fsync on; left out when not installed): the
 *     portable path (five round trips) against the batched statement of
 *     server/src/store/postgres-append.ts.
 *
 * Printed per message: the event loop's busy time (what one core allows at most is
 * 1,000,000 / that per second), the process's CPU time (all threads: the checkpoint
 * worker's too), and the rate with the load average.
 *
 *   npx tsx bench/store-append.ts            BENCH_TURNS=300
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { newId } from '../src/protocol';
import type { Store } from '../server/src/store';
import { openPostgresStore } from '../server/src/store/postgres';
import { openSqliteStore } from '../server/src/store/sqlite';
import { postgresBin, startPostgres, type PostgresCluster } from '../tests/support/postgres';

const TURNS = Number(process.env.BENCH_TURNS ?? 300);
const VISITORS = 100;
const load = () =>
  loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');

let cluster: PostgresCluster | undefined;

async function run(engine: 'sqlite' | 'postgres', ownPath: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'confab-bench-append-'));
  const store: Store =
    engine === 'sqlite'
      ? openSqliteStore(dir, newId, Date.now, { preparedAppend: ownPath })
      : await openPostgresStore(await cluster!.createDatabase(), newId, Date.now, { batchedAppend: ownPath });
  try {
    const visitors = Array.from({ length: VISITORS }, () => newId());
    for (const id of visitors) {
      await store.touchVisitor({ site: 'shop', id });
      await store.openConversation('shop', `v:${id}`, id);
    }
    const turn = (n: number) =>
      Promise.all(
        visitors.map((id, i) =>
          store.appendToOpenConversation({
            site: 'shop',
            owner: `v:${id}`,
            visitorId: id,
            sender: `v:${id}`,
            clientId: newId(),
            text: `message ${n} from sender ${i}`,
          }),
        ),
      );
    for (let n = 0; n < 20; n++) await turn(n); // warm-up
    const cpu = process.cpuUsage();
    const loop = performance.eventLoopUtilization();
    const start = performance.now();
    for (let n = 0; n < TURNS; n++) await turn(n);
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const messages = TURNS * VISITORS;
    return {
      loop: (performance.eventLoopUtilization(loop).active * 1000) / messages,
      cpu: (used.user + used.system) / messages,
      rate: messages / seconds,
      load: load(),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Result = Awaited<ReturnType<typeof run>>;
const print = (name: string, runs: Result[]) => {
  for (const r of runs) {
    console.log(
      `  ${name.padEnd(24)} event loop ${r.loop.toFixed(0).padStart(5)} µs/message, CPU ${r.cpu.toFixed(0).padStart(5)} µs/message, ${r.rate.toFixed(0).padStart(5)} /s (load ${r.load})`,
    );
  }
};
const best = (runs: Result[], key: 'loop' | 'rate') => Math[key === 'loop' ? 'min' : 'max'](...runs.map((r) => r[key]));

async function compare(engine: 'sqlite' | 'postgres', names: [string, string]) {
  const portable: Result[] = [];
  const own: Result[] = [];
  for (let round = 0; round < 2; round++) {
    portable.push(await run(engine, false));
    own.push(await run(engine, true));
  }
  print(names[0], portable);
  print(names[1], own);
  console.log(
    `  ${names[1]} / ${names[0]} (best of each): event loop per message ${(best(own, 'loop') / best(portable, 'loop')).toFixed(2)}×, rate ${(best(own, 'rate') / best(portable, 'rate')).toFixed(2)}×`,
  );
}

console.log(`The store alone: ${VISITORS} visitors append one message per turn, ${TURNS} turns; load ${load()}`);
await compare('sqlite', ['SQLite portable', 'SQLite prepared']);
if (postgresBin()) {
  cluster = await startPostgres({ durable: true });
  try {
    await compare('postgres', ['PostgreSQL portable', 'PostgreSQL batched']);
  } finally {
    await cluster.stop();
  }
} else console.log('  PostgreSQL skipped: apt-get install -y postgresql');
