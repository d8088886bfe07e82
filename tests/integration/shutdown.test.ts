/**
 * The built server (server/dist/main.js, as production runs it) in a child process:
 * SIGTERM with messages in flight, a restart on the same port and data, and clients
 * that reconnect by themselves and resend what was never acknowledged — as the widget's
 * outbox does. Needs `npm run build` first (npm test does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  VISITOR_NAMESPACE,
  newId,
  type ChatMessage,
  type SendMessageAck,
  type VisitorSession,
} from '../../src/protocol';
import { hashPassword } from '../../server/src/passwords';
import { testStore, type VisitorClient } from '../support/server';

const main = fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'confab-shutdown-'));
const sitesFile = join(folder, 'sites.json');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** On the PostgreSQL run, both servers share a database of their own; on SQLite, a folder. */
let databaseUrl: string | undefined;
beforeAll(async () => {
  if (testStore !== 'postgres') return;
  const { inject } = await import('vitest');
  const { createDatabase } = await import('../support/postgres');
  databaseUrl = await createDatabase(inject('postgresUrl'));
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface Child {
  process: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; at: number }>;
}

/** Starts the built server and resolves once it logs that it listens. */
async function startChild(port: number, env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      SITES_FILE: sitesFile,
      DATA_DIR: join(folder, 'data'),
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: performance.now() })),
  );
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line.includes('"msg":"listening"')) resolve();
      }
    });
    void exited.then(({ code }) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return { process: child, lines, exited };
}

/** A visitor that sends like the widget: unacknowledged messages are resent with their client id after a reconnect. */
function widgetLikeVisitor(url: string) {
  const visitorId = newId();
  const socket: VisitorClient = io(url + VISITOR_NAMESPACE, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    auth: { site: 'shop', visitorId },
  });
  const pending = new Map<string, string>();
  const acked = new Map<string, ChatMessage>();
  const disconnectReasons: string[] = [];
  let reconnects = 0;
  const waiters: (() => void)[] = [];
  const send = (clientId: string, text: string) =>
    socket.emit('message:send', { clientId, text }, (ack: SendMessageAck) => {
      if (!ack.ok || !pending.has(clientId)) return;
      pending.delete(clientId);
      acked.set(clientId, ack.message);
      waiters.splice(0).forEach((wake) => wake());
    });
  socket.on('disconnect', (reason) => disconnectReasons.push(reason));
  socket.io.on('reconnect', () => {
    reconnects += 1;
    for (const [clientId, text] of pending) send(clientId, text);
  });
  const connected = new Promise<void>((resolve) => socket.once('session', () => resolve()));
  return {
    visitorId,
    socket,
    pending,
    acked,
    disconnectReasons,
    connected,
    reconnects: () => reconnects,
    say(text: string) {
      const clientId = newId();
      pending.set(clientId, text);
      // While disconnected, socket.io-client holds the emit and sends it on reconnect.
      if (socket.connected) send(clientId, text);
    },
    /** Resolves once nothing is waiting for an acknowledgement. */
    async settled(ms = 15_000) {
      const deadline = Date.now() + ms;
      while (pending.size > 0) {
        if (Date.now() > deadline) throw new Error(`${pending.size} messages never acknowledged`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}

describe('SIGTERM', () => {
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    const passwordHash = await hashPassword('unused-password', { ln: 12, r: 8, p: 1 });
    writeFileSync(
      sitesFile,
      JSON.stringify({
        sites: [
          {
            id: 'shop',
            name: 'Shop',
            allowedOrigins: ['https://shop.example'],
            operators: [{ id: 'anna', login: 'anna', name: 'Anna', passwordHash }],
          },
        ],
      }),
    );
  });

  it('finishes acknowledgements in flight, loses nothing acknowledged, and clients reconnect to the next server', {
    timeout: 60_000,
  }, async () => {
    const first = await startChild(port);
    const url = `http://127.0.0.1:${port}`;
    const visitors = Array.from({ length: 8 }, () => widgetLikeVisitor(url));
    await Promise.all(visitors.map((v) => v.connected));

    // Ten messages each, all at once; SIGTERM as soon as the first acknowledgements arrive.
    for (const visitor of visitors) for (let i = 0; i < 10; i += 1) visitor.say(`before ${i}`);
    while (visitors.every((v) => v.acked.size === 0)) await new Promise((resolve) => setTimeout(resolve, 2));
    const ackedBeforeSignal = visitors.reduce((n, v) => n + v.acked.size, 0);
    const signalled = performance.now();
    first.process.kill('SIGTERM');
    // More messages while the server drains: left unanswered, they wait for the next server.
    let during = 0;
    const duringDrain = setInterval(() => {
      if (during++ < 4) for (const visitor of visitors) visitor.say(`during ${during}`);
    }, 15);
    const { code, at } = await first.exited;
    clearInterval(duringDrain);
    const sentDuring = Math.min(during, 4);
    const ackedByOldServer = new Map(visitors.flatMap((v) => [...v.acked]));
    console.log(
      `SIGTERM: ${ackedBeforeSignal} acked when signalled, ${ackedByOldServer.size} of ${80 + 8 * sentDuring} acked by the stopping server, exit ${code} after ${(at - signalled).toFixed(0)} ms`,
    );
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(5000 + 2000);
    const stopped = first.lines
      .map((line) => JSON.parse(line) as { msg: string; unfinishedAcks?: number })
      .find((l) => l.msg === 'stopped');
    expect(stopped?.unfinishedAcks).toBe(0);

    // Clients were told by a closed transport, not a server-side disconnect: they retry.
    for (const visitor of visitors) expect(visitor.disconnectReasons).toEqual(['transport close']);

    const second = await startChild(port);
    try {
      for (const visitor of visitors) for (let i = 0; i < 5; i += 1) visitor.say(`after ${i}`);
      await Promise.all(visitors.map((v) => v.settled()));
      for (const visitor of visitors) expect(visitor.reconnects()).toBeGreaterThanOrEqual(1);

      // What the restarted server has for each visitor: every message once, numbered without gaps.
      for (const visitor of visitors) {
        const check: VisitorClient = io(url + VISITOR_NAMESPACE, {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          auth: { site: 'shop', visitorId: visitor.visitorId },
        });
        const session = await new Promise<VisitorSession>((resolve, reject) => {
          check.once('session', resolve);
          check.once('connect_error', reject);
        });
        check.disconnect();
        const stored = session.messages.filter((m) => m.author === 'visitor');
        expect(stored).toHaveLength(15 + sentDuring);
        expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 15 + sentDuring }, (_, i) => i + 1));
        expect(new Set(stored.map((m) => m.clientId))).toEqual(new Set(visitor.acked.keys()));
        for (const [clientId, message] of visitor.acked) {
          if (ackedByOldServer.has(clientId)) expect(stored.find((m) => m.clientId === clientId)?.id).toBe(message.id);
        }
      }
    } finally {
      visitors.forEach((v) => v.socket.disconnect());
      second.process.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    }
  });
});

describe('start-up', () => {
  it('prints the URLs of the sites in the file, at PUBLIC_URL', { timeout: 30_000 }, async () => {
    const port = await freePort();
    const child = await startChild(port, { DEMO: 'true', PUBLIC_URL: 'https://chat.example.com' });
    let banner = '';
    try {
      // Banner lines are plain text among the JSON log lines.
      banner = child.lines.filter((line) => !line.startsWith('{')).join('\n');
    } finally {
      child.process.kill('SIGTERM');
      await child.exited;
    }
    expect(banner).toContain('Operator console  https://chat.example.com/operator/');
    expect(banner).toContain(`(shop); reloaded on change and on SIGHUP`);
    expect(banner).not.toContain('/api/sites/demo/');
    expect(banner).not.toContain('0.0.0.0');
  });

  it('refuses a bad setting with its name and the fix, before listening', async () => {
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH, PORT: 'eighty', SITES_FILE: sitesFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(78);
    expect(stderr).toContain('PORT: "eighty" is not valid; use a whole number from 0 to 65535');
  });
});
