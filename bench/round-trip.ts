/**
 * Message round trip on loopback, with idle visitors connected, against a baseline in
 * the same run: a bare socket.io server that acks an echo without storing anything.
 *
 *   npm run bench                       200 idle visitors, 500 messages
 *   BENCH_VISITORS=1000 npm run bench   bounded: at most 2,000 visitors, 5,000 messages
 *
 * Figures: visitor send → ack (stored), and visitor send → operator receives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { newId } from '../src/protocol';
import { startServer } from '../server/src/server';
import { connectOperator, connectVisitor, testSites } from '../tests/support/server';

const VISITORS = Math.min(Number(process.env.BENCH_VISITORS ?? 200), 2000);
const MESSAGES = Math.min(Number(process.env.BENCH_MESSAGES ?? 500), 5000);

function stats(name: string, samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  console.log(
    `${name.padEnd(40)} p50 ${at(0.5).padStart(6)} ms   p95 ${at(0.95).padStart(6)} ms   p99 ${at(0.99).padStart(6)} ms`,
  );
}

async function baseline(): Promise<number[]> {
  const http = createServer();
  const server = new Server(http);
  server.on('connection', (socket) => socket.on('echo', (payload: unknown, ack: (x: unknown) => void) => ack(payload)));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const client: Socket = io(url, { transports: ['websocket'], forceNew: true });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const samples: number[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const start = performance.now();
    await client.emitWithAck('echo', { clientId: newId(), text: `message ${i}` });
    samples.push(performance.now() - start);
  }
  client.disconnect();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return samples;
}

async function confab() {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-bench-'));
  const server = await startServer({ port: 0, dataDir, sites: testSites(), log: () => {} });
  const idle: { disconnect(): unknown }[] = [];
  for (let i = 0; i < VISITORS; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, VISITORS - i) }, () => connectVisitor(server.url)),
    );
    idle.push(...batch.map((b) => b.socket));
  }
  const rss = process.memoryUsage().rss;
  const { socket: operator } = await connectOperator(server.url);
  // Spread the messages over enough visitors to stay inside the per-visitor rate limit:
  // this measures latency, not the limiter.
  const senders = await Promise.all(
    Array.from({ length: Math.ceil(MESSAGES / 15) }, async () => (await connectVisitor(server.url)).socket),
  );

  const acks: number[] = [];
  const deliveries: number[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const start = performance.now();
    const received = new Promise<void>((resolve) => operator.once('message:new', () => resolve()));
    const visitor = senders[i % senders.length]!;
    const ack = await visitor.emitWithAck('message:send', { clientId: newId(), text: `message ${i}` });
    acks.push(performance.now() - start);
    await received;
    deliveries.push(performance.now() - start);
    if (!ack.ok) throw new Error(`message refused: ${ack.error.code}`);
  }
  [...idle, ...senders, operator].forEach((s) => s.disconnect());
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { acks, deliveries, rss };
}

console.log(
  `round trip on loopback: ${MESSAGES} messages, ${VISITORS} idle visitors connected (server in this process)`,
);
stats('baseline: bare socket.io echo ack', await baseline());
const result = await confab();
stats('confab: visitor send → stored + ack', result.acks);
stats('confab: visitor send → operator receives', result.deliveries);
console.log(`process RSS with ${VISITORS} visitors connected: ${(result.rss / 1024 / 1024).toFixed(0)} MB`);
