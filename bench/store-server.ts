/**
 * The server under measurement, in a process of its own so its RSS and its event loop
 * are its own: started by bench/store-throughput.ts over IPC. BENCH_RELAY=1 starts a
 * bare socket.io relay instead (the baseline): it acks each message and passes it on to
 * the operators, storing nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { OPERATOR_NAMESPACE, VISITOR_NAMESPACE } from '../src/protocol';
import { startServer } from '../server/src/server';
import { testSites } from '../tests/support/server';

async function relay(): Promise<string> {
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
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

const url =
  process.env.BENCH_RELAY === '1'
    ? await relay()
    : (
        await startServer({
          port: 0,
          host: '127.0.0.1',
          dataDir: process.env.DATA_DIR,
          databaseUrl: process.env.DATABASE_URL || undefined,
          sites: testSites(),
          log: () => {},
          // Throughput, not the limiter, is measured.
          visitorMessageLimit: null,
        })
      ).url;

// The server's own event-loop delay: a stall here is the server's, not the clients'.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

process.send!({ url });
process.on('message', (request: { rss?: true; lagReset?: true; lag?: true }) => {
  if (request.rss) process.send!({ rss: process.memoryUsage().rss });
  if (request.lagReset) loop.reset();
  if (request.lag) process.send!({ lag: loop.max / 1e6 });
});
process.on('disconnect', () => process.exit(0));
