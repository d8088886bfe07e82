import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { LEAD_MIN_FILL_MS, VISITOR_NAMESPACE, newId, type VisitorSession } from '../../src/protocol';
import { parseTrustProxy, type TrustProxy } from '../../server/src/client-ip';
import { createLogger, visitorTag } from '../../server/src/log';
import { DEFAULT_COST, hashPassword } from '../../server/src/passwords';
import {
  PASSWORD,
  connectVisitor,
  loginOperator,
  socketTracker,
  startHarness,
  testSites,
  visitorSend,
  type Harness,
  type VisitorClient,
} from '../support/server';

const sockets = socketTracker();
afterEach(() => sockets.closeAll());

const trust = (value: string): TrustProxy => parseTrustProxy(value) as TrustProxy;

function login(url: string, login: string, password: string, forwardedFor?: string) {
  return fetch(`${url}/api/operator/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}) },
    body: JSON.stringify({ login, password }),
  });
}

describe('health, readiness and metrics', () => {
  let harness: Harness;
  const lines: string[] = [];
  beforeAll(async () => {
    harness = await startHarness({
      server: { log: undefined, logger: createLogger('info', { write: (line: string) => void lines.push(line) }) },
    });
  });
  afterAll(() => harness.cleanup());

  it('/healthz says alive, /readyz says the store answers', async () => {
    const health = await fetch(`${harness.server.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${harness.server.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('/metrics counts connections, stored messages, acknowledgements and store calls', async () => {
    const { socket } = await connectVisitor(harness.server.url);
    sockets.track(socket);
    expect((await visitorSend(socket, 'one')).ok).toBe(true);
    const again = newId();
    expect((await visitorSend(socket, 'two', again)).ok).toBe(true);
    // A resend of a stored message is not a second message.
    expect((await visitorSend(socket, 'two', again)).ok).toBe(true);
    const res = await fetch(`${harness.server.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
    expect(value(/^confab_connected_visitors (\d+)$/m)).toBe(1);
    expect(value(/^confab_connected_operators (\d+)$/m)).toBe(0);
    expect(value(/^confab_messages_stored_total\{author="visitor"\} (\d+)$/m)).toBe(2);
    expect(value(/^confab_ack_seconds_count\{event="message:send"\} (\d+)$/m)).toBe(3);
    // The first message opens the conversation (appendMessage); the next goes in with one write.
    expect(value(/^confab_store_seconds_count\{operation="appendMessage"\} (\d+)$/m)).toBe(1);
    expect(value(/^confab_store_seconds_count\{operation="appendToOpenConversation"\} (\d+)$/m)).toBe(3);
    expect(value(/^confab_webhook_backlog (\d+)$/m)).toBe(0);
    expect(text).toMatch(/^confab_process_resident_memory_bytes \d+/m);
  });

  it('logs JSON lines without tokens, passwords, message text or visitor ids', async () => {
    const token = await loginOperator(harness.server.url);
    await login(harness.server.url, 'anna', 'a-wrong-password');
    const { socket, visitorId } = await connectVisitor(harness.server.url);
    sockets.track(socket);
    await visitorSend(socket, 'my card number is 4111');
    // A honeypot filled: dropped as spam, which is logged with the visitor.
    await socket.timeout(3000).emitWithAck('lead:submit', {
      clientId: newId(),
      fields: { name: 'Bot', phone: '+1 555 0100', message: 'buy', consent: true },
      honeypot: 'http://spam.example',
      elapsedMs: LEAD_MIN_FILL_MS + 1000,
    } as never);
    await fetch(`${harness.server.url}/api/sites/shop/leads?token=${token}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const all = lines.join('');
    const parsed = lines.map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(parsed.every((line) => typeof line.level === 'string' && typeof line.msg === 'string')).toBe(true);
    expect(parsed.some((line) => line.msg === 'operator logged in')).toBe(true);
    expect(parsed.some((line) => line.msg === 'operator login refused')).toBe(true);
    expect(all).toContain(`visitor ${visitorTag(visitorId)}`);
    for (const secret of [token, PASSWORD, 'a-wrong-password', 'my card number', visitorId])
      expect(all).not.toContain(secret);
  });

  it('/readyz says no once the store fails', async () => {
    const broken = await startHarness();
    try {
      await broken.server.store.close();
      const ready = await fetch(`${broken.server.url}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([503, { status: 'store unreachable' }]);
      expect((await fetch(`${broken.server.url}/healthz`)).status).toBe(200);
    } finally {
      // Its outbox may be claiming from the store closed under it: closing waits up to 2 s for that.
      await broken.cleanup();
    }
  }, 15_000);
});

describe('operator login', () => {
  let harness: Harness;
  beforeAll(async () => {
    // Real production cost, so the timings below are those of a deployment.
    const passwordHash = await hashPassword(PASSWORD, DEFAULT_COST);
    const sites = testSites().map((site) => ({
      ...site,
      operators: site.operators.map((op) => ({ ...op, passwordHash })),
    }));
    harness = await startHarness({ sites, server: { trustProxy: trust('loopback') } });
  });
  afterAll(() => harness.cleanup());

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const timed = async (name: string, ip: string) => {
    const started = performance.now();
    const res = await login(harness.server.url, name, 'wrong-password', ip);
    expect(res.status).toBe(401);
    return performance.now() - started;
  };

  it('takes as long for an unknown login as for a wrong password of a real one', { timeout: 60_000 }, async () => {
    await timed('nobody-warmup', '198.51.100.200');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      known.push(await timed('max', `198.51.100.${i}`));
      unknown.push(await timed(`nobody-${i}`, `198.51.100.${i + 100}`));
    }
    const ratio = median(unknown) / median(known);
    console.log(
      `login: wrong password ${median(known).toFixed(1)} ms, unknown login ${median(unknown).toFixed(1)} ms (median of 7)`,
    );
    // Before: ~39 ms against ~1 ms, a ratio of 0.03. The bounds leave room for a loaded
    // machine (0.54 was seen beside other test runs) and still catch a skipped hash.
    expect(ratio).toBeGreaterThan(0.35);
    expect(ratio).toBeLessThan(1 / 0.35);
    expect(median(known)).toBeGreaterThan(20);
  });

  it('hashes off the event loop', { timeout: 30_000 }, async () => {
    let worstLag = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      worstLag = Math.max(worstLag, now - last - 5);
      last = now;
    }, 5);
    const started = performance.now();
    await Promise.all([1, 2, 3, 4].map((i) => login(harness.server.url, 'olga', 'wrong', `203.0.113.${i}`)));
    const elapsed = performance.now() - started;
    clearInterval(ticker);
    console.log(
      `login: 4 parallel attempts in ${elapsed.toFixed(0)} ms, worst event-loop lag ${worstLag.toFixed(1)} ms`,
    );
    // One scrypt at this cost takes tens of milliseconds; on the loop, four would stall it for all of them.
    expect(worstLag).toBeLessThan(elapsed / 2);
  });
});

describe('operator login limits', () => {
  let harness: Harness;
  // The tests' low hash cost: the buckets refill with time, so the attempts must be quick.
  beforeAll(async () => {
    harness = await startHarness({ server: { trustProxy: trust('loopback') } });
  });
  afterAll(() => harness.cleanup());

  it('limits failures per login, whatever the address', { timeout: 60_000 }, async () => {
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        login(harness.server.url, 'anna', 'guess', `192.0.2.${i}`).then((res) => res.status),
      ),
    );
    expect(statuses).toEqual(Array(20).fill(401));
    const limited = await login(harness.server.url, 'anna', PASSWORD, '192.0.2.100');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    // The same login in another case is the same account.
    expect((await login(harness.server.url, 'ANNA', PASSWORD, '192.0.2.101')).status).toBe(429);
  });

  it('limits failures per address, whatever the login', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 10; i += 1)
      expect((await login(harness.server.url, `user-${i}`, 'x', '192.0.2.200')).status).toBe(401);
    expect((await login(harness.server.url, 'max', PASSWORD, '192.0.2.200')).status).toBe(429);
    expect((await login(harness.server.url, 'max', PASSWORD, '192.0.2.201')).status).toBe(200);
  });

  it('checks its input at the edge', async () => {
    const bad = await fetch(`${harness.server.url}/api/operator/login`, {
      method: 'POST',
      body: JSON.stringify({ login: ['anna'], password: 1 }),
    });
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'Send {"login": "...", "password": "..."}.' }]);
  });
});

describe('TRUST_PROXY', () => {
  const harnesses: Harness[] = [];
  afterAll(() => Promise.all(harnesses.map((h) => h.cleanup())));
  const start = async (trustProxy: TrustProxy) => {
    const harness = await startHarness({ server: { trustProxy } });
    harnesses.push(harness);
    return harness;
  };
  const visitorFrom = async (url: string, forwardedFor: string) => {
    const visitorId = newId();
    const socket: VisitorClient = io(url + VISITOR_NAMESPACE, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { site: 'shop', visitorId },
      extraHeaders: { 'X-Forwarded-For': forwardedFor },
    });
    sockets.track(socket);
    await new Promise<VisitorSession>((resolve, reject) => {
      socket.once('session', resolve);
      socket.once('connect_error', reject);
    });
    return visitorId;
  };

  it('on: the stored IP and the limited IP are the client’s, as the trusted proxy saw it', async () => {
    const harness = await start(trust('loopback'));
    const visitorId = await visitorFrom(harness.server.url, '1.1.1.1, 203.0.113.9');
    expect((await harness.server.store.getVisitor('shop', visitorId))?.ip).toBe('203.0.113.9');
    for (let i = 0; i < 10; i += 1) await login(harness.server.url, 'nobody', 'x', `203.0.113.${i}`);
    expect((await login(harness.server.url, 'anna', PASSWORD, '203.0.113.50')).status).toBe(200);
  });

  it('off: the header is ignored, so a forged one changes nothing', async () => {
    const harness = await start(trust('false'));
    const visitorId = await visitorFrom(harness.server.url, '203.0.113.9');
    expect((await harness.server.store.getVisitor('shop', visitorId))?.ip).toBe('127.0.0.1');
    for (let i = 0; i < 10; i += 1) await login(harness.server.url, `nobody-${i}`, 'x', `203.0.113.${i}`);
    // Every attempt came from 127.0.0.1, whatever the header said.
    expect((await login(harness.server.url, 'anna', PASSWORD, '203.0.113.50')).status).toBe(429);
  });
});
