/**
 * The server under measurement, in a process of its own so its RSS and its event loop
 * are its own: started by bench/store-throughput.ts (bench/support/child.ts speaks to it
 * over IPC). BENCH_RELAY=1 starts a bare socket.io relay instead (the baseline): it acks
 * each message and passes it on to the operators, storing nothing.
 *
 * BENCH_PROFILE=<dir> runs it under `--cpu-prof` (see bench/support/profile-summary.ts);
 * SIGTERM closes the server and exits normally, so the profile is written. Asked over
 * IPC, it also profiles one stretch on its own (`profileStart`, then `profileStop` with
 * the file to write): the relay too, and only the moment measured, such as a mass disconnect.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { OPERATOR_NAMESPACE, VISITOR_NAMESPACE } from '../src/protocol';
import { startServer } from '../server/src/server';
import { testSites } from '../tests/support/server';

async function relay(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  const operators = io.of(OPERATOR_NAMESPACE);
  io.of(VISITOR_NAMESPACE).on('connection', (socket) => {
    socket.emit('session', {});
    socket.on('message:send', (payload: unknown, ack: (res: unknown) => void) => {
      ack({ ok: true, message: payload });
      operators.emit('message:new', payload);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}

const served =
  process.env.BENCH_RELAY === '1'
    ? await relay()
    : await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir: process.env.DATA_DIR,
        databaseUrl: process.env.DATABASE_URL || undefined,
        sites: testSites(),
        log: () => {},
        // Throughput, not the limiter, is measured.
        visitorMessageLimit: null,
      });

// As in production (\`node dist/main.js\`, no --enable-source-maps): tsx maps stack traces
// to the TypeScript, which makes every Error the libraries create while thousands of
// sockets close cost a source-map lookup that production never pays.
process.setSourceMapsEnabled(false);

// The server's own event-loop delay: a stall here is the server's, not the clients'.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

const inspector = new Session();
inspector.connect();

/** A CPU profile of this process from `profileStart` to `profileStop`, written to `file`. */
async function profile(request: { profileStart: true } | { profileStop: string }): Promise<true> {
  if ('profileStart' in request) {
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  } else {
    const { profile: taken } = await inspector.post('Profiler.stop');
    writeFileSync(request.profileStop, JSON.stringify(taken));
  }
  return true;
}

type Request =
  | { rss: true }
  | { lagReset: true }
  | { lag: true }
  | { cpu: true }
  | { profileStart: true }
  | { profileStop: string };
process.on('message', ({ id, request }: { id: number; request: Request }) => {
  const answer = (value: unknown) => process.send!({ id, ok: true, value });
  if ('profileStart' in request || 'profileStop' in request) {
    void profile(request).then(answer, (error: unknown) => process.send!({ id, ok: false, error: String(error) }));
  }
  if ('rss' in request) answer(process.memoryUsage().rss);
  if ('lagReset' in request) answer(loop.reset());
  if ('lag' in request) answer({ max: loop.max / 1e6, p99: loop.percentile(99) / 1e6 });
  // CPU time (all threads) and the event loop's busy time so far, in microseconds: their
  // growth per message moves far less with the machine's load than messages per second.
  if ('cpu' in request) {
    const { user, system } = process.cpuUsage();
    answer({ cpu: user + system, loopBusy: performance.eventLoopUtilization().active * 1000 });
  }
});

let closing = false;
const exit = () => {
  if (closing) return;
  closing = true;
  setTimeout(() => process.exit(0), 3000).unref();
  void served.close().finally(() => process.exit(0));
};
process.on('SIGTERM', exit);
process.on('disconnect', exit);
process.send!({ id: 0, ok: true, value: served.url });
