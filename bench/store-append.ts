/**
 * The store alone on the visitor's message path, in this process, no sockets: 100
 * visitors with open conversations each append one message per turn (one group commit
 * per turn), on a fresh SQLite file. Two runs of each, interleaved so a change in the
 * machine's load falls on both:
 *
 *   - the portable Kysely path (the path PostgreSQL takes), the baseline;
 *   - the prepared better-sqlite3 statements of server/src/store/sqlite-append.ts.
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
import { openSqliteStore } from '../server/src/store/sqlite';

const TURNS = Number(process.env.BENCH_TURNS ?? 300);
const VISITORS = 100;
const load = () =>
  loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');

async function run(preparedAppend: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'confab-bench-append-'));
  const store = openSqliteStore(dir, newId, Date.now, { preparedAppend });
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

console.log(`The store alone: ${VISITORS} visitors append one message per turn, ${TURNS} turns; load ${load()}`);
const results = {
  portable: [] as Awaited<ReturnType<typeof run>>[],
  prepared: [] as Awaited<ReturnType<typeof run>>[],
};
for (let round = 0; round < 2; round++) {
  results.portable.push(await run(false));
  results.prepared.push(await run(true));
}
for (const [name, runs] of Object.entries(results)) {
  for (const r of runs) {
    console.log(
      `  ${name.padEnd(9)} event loop ${r.loop.toFixed(0).padStart(4)} µs/message, CPU ${r.cpu.toFixed(0).padStart(4)} µs/message, ${r.rate.toFixed(0).padStart(5)} /s (load ${r.load})`,
    );
  }
}
const best = (runs: { loop: number }[]) => Math.min(...runs.map((r) => r.loop));
console.log(
  `  prepared / portable, event loop per message (best of each): ${(best(results.prepared) / best(results.portable)).toFixed(2)}×`,
);
