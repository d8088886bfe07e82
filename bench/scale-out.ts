/**
 * Two nodes against one, the same load: visitors spread over the nodes, each sending a
 * message every 5 s, an operator console on each node; every message must reach both
 * consoles once. Real Redis and PostgreSQL (Debian's, started by the test helpers),
 * server nodes as child processes from the built files, loopback only.
 *
 *   npm run bench                                   1,000 visitors for 60 s
 *   BENCH_SCALE_VISITORS=200 BENCH_SCALE_SECONDS=15 tsx bench/scale-out.ts
 *
 * Prints messages lost (sent, whether acknowledged in time or not, yet missing at a
 * console once the backlog drained, waiting at most 60 s) and duplicated (both must be
 * 0), acknowledgements not within 10 s, visitor → operator latency measured at the
 * console on the other node (one node: the same node), and the machine's load average
 * over each run: on a shared machine the latencies say as much about the other work as
 * about Confab. Bounded: at most 2,000 visitors and 120 s per run, and the whole
 * benchmark gives up after a fixed time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { VISITOR_NAMESPACE, newId, type ChatMessage } from '../src/protocol';
import { ensureServerBuild, startNode, writeSitesFile, type ServerNode } from '../tests/support/nodes';
import { postgresSkipReason, startPostgres } from '../tests/support/postgres';
import { redisSkipReason, startRedis } from '../tests/support/redis';
import {
  connectOperator,
  onConsoleMessages,
  testSites,
  type OperatorClient,
  type VisitorClient,
} from '../tests/support/server';

const VISITORS = Math.min(Number(process.env.BENCH_SCALE_VISITORS ?? 1000), 2000);
const SECONDS = Math.min(Number(process.env.BENCH_SCALE_SECONDS ?? 60), 120);
const EVERY_MS = 5_000;
/** How long a run waits after sending for every message to reach every console. */
const DRAIN_MS = 60_000;
/** Both runs, starting the engines and connecting the visitors included. */
const GIVE_UP_AFTER_MS = 2 * (SECONDS * 1000 + DRAIN_MS) + 240_000;
const SESSION_WITHIN_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Result {
  sent: number;
  lost: number;
  duplicated: number;
  failedAcks: number;
  latencies: number[];
  /** Send → ack at the visitor, for the acks that came (stored and told: messages.ts). */
  ackLatencies: number[];
  /** The 1-minute load average when the run ended (it spans the sending). */
  load: number;
}

function quantile(samples: number[], q: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

/** Runs the load against `nodes` (visitors and consoles spread over them). */
async function load(nodes: ServerNode[]): Promise<Result> {
  const consoles: OperatorClient[] = [];
  for (const [i, node] of nodes.entries())
    consoles.push((await connectOperator(node.url, i % 2 ? 'max' : 'anna')).socket);
  // Where each message was sent from (node index) and when.
  const sentAt = new Map<string, { node: number; at: number }>();
  const seen = consoles.map(() => new Map<string, number>());
  const latencies: number[] = [];
  consoles.forEach((console_, c) =>
    onConsoleMessages(console_, (message: ChatMessage) => {
      if (message.author !== 'visitor') return;
      const count = (seen[c]!.get(message.clientId) ?? 0) + 1;
      seen[c]!.set(message.clientId, count);
      const origin = sentAt.get(message.clientId);
      // Across nodes when there are two; the one console's view when there is one.
      if (origin && count === 1 && (nodes.length === 1 || origin.node !== c))
        latencies.push(performance.now() - origin.at);
    }),
  );

  const visitors: { socket: VisitorClient; node: number }[] = [];
  for (let i = 0; i < VISITORS; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, VISITORS - i) }, async (_, j) => {
        const node = (i + j) % nodes.length;
        const socket: VisitorClient = io(nodes[node]!.url + VISITOR_NAMESPACE, {
          transports: ['websocket'],
          forceNew: true,
          auth: { site: 'shop', visitorId: newId() },
        });
        await new Promise((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no session within ${SESSION_WITHIN_MS} ms`)),
            SESSION_WITHIN_MS,
          );
          socket.once('session', () => resolve(clearTimeout(timer)));
        });
        return { socket, node };
      }),
    );
    visitors.push(...batch);
  }

  let failedAcks = 0;
  const ackLatencies: number[] = [];
  const rounds = Math.max(1, Math.floor((SECONDS * 1000) / EVERY_MS));
  await Promise.all(
    visitors.map(async ({ socket, node }) => {
      // Spread over the first interval, so the load is steady rather than in waves.
      await sleep(Math.random() * EVERY_MS);
      for (let r = 0; r < rounds; r++) {
        const next = performance.now() + EVERY_MS;
        const clientId = newId();
        const at = performance.now();
        sentAt.set(clientId, { node, at });
        const ack = await socket
          .timeout(10_000)
          .emitWithAck('message:send', { clientId, text: `round ${r}` })
          .catch(() => undefined);
        if (ack?.ok) ackLatencies.push(performance.now() - at);
        else failedAcks++;
        await sleep(Math.max(0, next - performance.now()));
      }
    }),
  );
  // Whatever was sent, acknowledged in time or not, must reach every console: wait
  // (bounded) for a backlog to drain before counting what did not.
  const drainUntil = performance.now() + DRAIN_MS;
  const delivered = () => [...sentAt.keys()].every((clientId) => seen.every((console_) => console_.has(clientId)));
  while (!delivered() && performance.now() < drainUntil) await sleep(250);
  await sleep(1_000);

  let lost = 0;
  let duplicated = 0;
  for (const clientId of sentAt.keys()) {
    for (const console_ of seen) {
      const count = console_.get(clientId) ?? 0;
      if (count === 0) lost++;
      if (count > 1) duplicated += count - 1;
    }
  }
  visitors.forEach(({ socket }) => socket.disconnect());
  consoles.forEach((socket) => socket.disconnect());
  return { sent: sentAt.size, lost, duplicated, failedAcks, latencies, ackLatencies, load: loadavg()[0]! };
}

function print(name: string, r: Result) {
  const ms = (samples: number[], q: number) => quantile(samples, q).toFixed(1).padStart(7);
  console.log(
    `${name.padEnd(10)} sent ${String(r.sent).padStart(6)}   lost ${r.lost}   duplicated ${r.duplicated}   acks not within 10 s ${r.failedAcks}   ` +
      `ack p50 ${ms(r.ackLatencies, 0.5)} ms   p99 ${ms(r.ackLatencies, 0.99)} ms   ` +
      `visitor→operator p50 ${ms(r.latencies, 0.5)} ms   p90 ${ms(r.latencies, 0.9)} ms   p99 ${ms(r.latencies, 0.99)} ms   load average ${r.load.toFixed(1)}`,
  );
}

const skip = redisSkipReason() ?? postgresSkipReason();
if (skip) {
  console.log(`scale-out benchmark skipped: ${skip}`);
} else {
  const watchdog = setTimeout(() => {
    console.error(`scale-out benchmark: not finished within ${GIVE_UP_AFTER_MS / 1000} s; giving up`);
    process.exit(1);
  }, GIVE_UP_AFTER_MS);
  watchdog.unref();
  ensureServerBuild();
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const dir = mkdtempSync(join(tmpdir(), 'confab-bench-scale-'));
  const sitesFile = writeSitesFile(dir, testSites());
  const started: ServerNode[] = [];
  try {
    console.log(
      `\nScale out: ${VISITORS} visitors, one message each every ${EVERY_MS / 1000} s for ${SECONDS} s, a console on each node` +
        ` (${cpus().length} cores, load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' / ')} before)`,
    );
    const shared = {
      DATABASE_URL: await postgres.createDatabase(),
      REDIS_URL: redis.url,
      SITES_FILE: sitesFile,
      DATA_DIR: dir,
    };
    const a = await startNode({ env: shared });
    const b = await startNode({ env: shared });
    started.push(a, b);
    const two = await load([a, b]);
    await Promise.all([a.stop(), b.stop()]);

    const single = await startNode({
      env: { DATABASE_URL: await postgres.createDatabase(), SITES_FILE: sitesFile, DATA_DIR: dir },
    });
    started.push(single);
    const one = await load([single]);
    await single.stop();

    print('two nodes', two);
    print('one node', one);
    if (two.lost || two.duplicated || one.lost || one.duplicated) process.exitCode = 1;
  } finally {
    await Promise.allSettled(started.map((node) => node.stop()));
    await redis.dispose();
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
