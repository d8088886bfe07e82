/**
 * A fresh reference server per test file: its own port on 127.0.0.1, its own data
 * directory (or, with CONFAB_TEST_STORE=postgres, its own PostgreSQL database in the
 * cluster the `integration-postgres` project starts), real socket.io clients. Point clients at 127.0.0.1, not localhost:
 * socket.io skips its offline handling for localhost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import {
  OPERATOR_NAMESPACE,
  VISITOR_NAMESPACE,
  newId,
  type ChatMessage,
  type ConversationSummary,
  type OperatorToServer,
  type Availability,
  type ServerToOperator,
  type ServerToVisitor,
  type VisitorAuth,
  type VisitorSession,
  type VisitorToServer,
} from '../../src/protocol';
import { hashPassword } from '../../server/src/passwords';
import { startServer, type RunningServer, type ServerOptions } from '../../server/src/server';
import type { SiteConfig } from '../../server/src/sites';
import { DEFAULT_LEAD_FORM } from '../../src/protocol';

export type VisitorClient = Socket<ServerToVisitor, VisitorToServer>;
export type OperatorClient = Socket<ServerToOperator, OperatorToServer>;

export const PASSWORD = 'test-password';
// A low cost keeps the many test logins quick; the cost is read back from the hash.
const passwordHash = await hashPassword(PASSWORD, { ln: 12, r: 8, p: 1 });

export function testSites(extraOrigins: string[] = []): SiteConfig[] {
  return [
    {
      id: 'shop',
      name: 'Test Shop',
      greeting: 'Hello!',
      leadForm: DEFAULT_LEAD_FORM,
      allowedOrigins: ['https://shop.example', ...extraOrigins],
      operators: [
        { id: 'anna', login: 'anna', name: 'Anna', title: 'Support', avatar: '/assets/a.svg', passwordHash },
        { id: 'max', login: 'max', name: 'Max', passwordHash },
      ],
    },
    {
      id: 'other',
      name: 'Other Site',
      greeting: '',
      leadForm: DEFAULT_LEAD_FORM,
      allowedOrigins: ['https://other.example'],
      operators: [{ id: 'olga', login: 'olga', name: 'Olga', passwordHash }],
    },
  ];
}

export interface Harness {
  server: RunningServer;
  dataDir: string;
  /** Stops the server; the data directory stays, so a restart finds what was stored. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface HarnessOptions {
  port?: number;
  extraOrigins?: string[];
  /** The sites to serve; the test sites by default, or a sites file such as the demo's. */
  sites?: SiteConfig[] | string;
  presenceGraceMs?: number;
  webhookRetryDelaysMs?: number[];
  webhookPollMs?: number;
  idleSweepMs?: number;
  /** Serve the sample site and the designer (true, as the tests have always had them). */
  demoPages?: boolean;
  /** Anything else the server takes: trustProxy, publicUrl, logger... */
  server?: Partial<ServerOptions>;
}

/** Which engine the test servers store in: SQLite unless CONFAB_TEST_STORE=postgres. */
export const testStore = process.env.CONFAB_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** A database of its own for one test server, when the tests run on PostgreSQL. */
async function testDatabase(): Promise<{ databaseUrl?: string; drop(): Promise<void> }> {
  if (testStore !== 'postgres') return { drop: async () => {} };
  const { inject } = await import('vitest');
  const { createDatabase, dropDatabase } = await import('./postgres');
  const clusterUrl = inject('postgresUrl');
  const databaseUrl = await createDatabase(clusterUrl);
  return { databaseUrl, drop: () => dropDatabase(clusterUrl, databaseUrl) };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-test-'));
  const database = await testDatabase();
  const sites = options.sites ?? testSites(options.extraOrigins);
  const { presenceGraceMs = 100, webhookRetryDelaysMs, webhookPollMs, idleSweepMs } = options;
  const start = (port = options.port ?? 0) =>
    startServer({
      port,
      host: '127.0.0.1',
      dataDir,
      databaseUrl: database.databaseUrl,
      sites,
      log: () => {},
      presenceGraceMs,
      webhookRetryDelaysMs,
      webhookPollMs,
      idleSweepMs,
      demoPages: options.demoPages,
      ...options.server,
    });
  const harness: Harness = {
    server: await start(),
    dataDir,
    stop: () => harness.server.close(),
    async restart() {
      const port = Number(new URL(harness.server.url).port);
      await harness.server.close();
      harness.server = await start(port);
    },
    async cleanup() {
      await harness.server.close().catch(() => {});
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * Two nodes as a site with REDIS_URL runs them: one Redis, one store (PostgreSQL when the
 * tier runs on it, else one SQLite file in the first node's data directory).
 */
export async function startNodePair(
  redisUrl: string,
  server: Partial<ServerOptions> = {},
): Promise<{ a: Harness; b: Harness; cleanup(): Promise<void> }> {
  const database = await testDatabase();
  const shared = { redisUrl, databaseUrl: database.databaseUrl, ...server };
  const a = await startHarness({ server: shared });
  const b = await startHarness({ server: { ...shared, dataDir: a.dataDir } });
  return {
    a,
    b,
    async cleanup() {
      await b.cleanup();
      await a.cleanup();
      await database.drop();
    },
  };
}

export interface ConnectOptions extends Partial<VisitorAuth> {
  origin?: string;
}

/** A connected visitor and the session the server sent it. */
export async function connectVisitor(
  url: string,
  options: ConnectOptions = {},
): Promise<{ socket: VisitorClient; session: VisitorSession; visitorId: string; availability: Promise<Availability> }> {
  const { origin, ...auth } = options;
  const visitorId = auth.visitorId ?? newId();
  const socket: VisitorClient = io(url + VISITOR_NAMESPACE, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { site: 'shop', ...auth, visitorId },
    extraHeaders: origin ? { origin } : undefined,
  });
  // The server sends availability right after the session: listen before either arrives.
  const availability = new Promise<Availability>((resolve) => socket.once('availability', resolve));
  const session = await greeting<VisitorSession>(socket, 'session', `visitor ${visitorId} at ${url}`);
  return { socket, session, visitorId, availability };
}

export async function loginOperator(url: string, login = 'anna', password = PASSWORD): Promise<string> {
  const res = await fetch(`${url}/api/operator/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password }),
    signal: AbortSignal.timeout(20_000),
  });
  const body = (await res.json()) as { token?: string; error?: string };
  if (!body.token) throw new Error(`login failed: ${body.error}`);
  return body.token;
}

export async function connectOperator(url: string, login = 'anna', password = PASSWORD) {
  const token = await loginOperator(url, login, password);
  const socket: OperatorClient = io(url + OPERATOR_NAMESPACE, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token },
  });
  const hello = await greeting<Parameters<ServerToOperator['hello']>[0]>(
    socket,
    'hello',
    `console of ${login} at ${url}`,
  );
  return { socket, hello, token };
}

/**
 * The server's first event on a new connection (`session`, `hello`). Without reconnection
 * a connection the server closes before greeting would wait forever, and a test would only
 * time out: this fails at once, or after `ms`, saying who was not greeted and why.
 */
function greeting<T>(socket: Socket, event: string, who: string, ms = 20_000): Promise<T> {
  const startedAt = Date.now();
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      socket.off(event, onGreeting).off('connect_error', onConnectError).off('disconnect', onDisconnect);
    };
    const fail = (why: string) => {
      done();
      socket.disconnect();
      reject(new Error(`${who}: no "${event}" after ${Date.now() - startedAt} ms: ${why}`));
    };
    const onGreeting = (payload: T) => {
      done();
      resolve(payload);
    };
    const onConnectError = (error: Error) => fail(`connect_error ${error.message}`);
    const onDisconnect = (reason: string) => fail(`disconnected (${reason})`);
    const timer = setTimeout(() => fail(socket.connected ? 'connected, never greeted' : 'never connected'), ms);
    socket.once(event, onGreeting).once('connect_error', onConnectError).once('disconnect', onDisconnect);
  });
}

/** The next `event` on `socket`, or a rejection after `ms` naming `who` did not hear it. */
export function nextEvent<T>(socket: Socket, event: string, ms = 3000, who = 'the socket'): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${who}: no "${event}" within ${ms} ms`)), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/**
 * Calls `left` for each visitor a console hears leave: alone (`visitor:offline`) or with
 * others who left in the same 100 ms window (`visitors:offline`). Returns the unsubscribe.
 */
export function onVisitorsLeft(socket: Socket, left: (visitorId: string) => void): () => void {
  const alone = (event: { visitorId: string }) => left(event.visitorId);
  const together = (event: { visitorIds: string[] }) => event.visitorIds.forEach(left);
  socket.on('visitor:offline', alone).on('visitors:offline', together);
  return () => void socket.off('visitor:offline', alone).off('visitors:offline', together);
}

/**
 * Calls `arrived` for each new message a console hears of, alone (`message:new`) or with
 * the others of the server's turn (`messages:new`). Returns a function that stops listening.
 */
export function onConsoleMessages(socket: Socket, arrived: (message: ChatMessage) => void): () => void {
  const alone = (message: ChatMessage) => arrived(message);
  const together = (messages: ChatMessage[]) => messages.forEach(arrived);
  socket.on('message:new', alone).on('messages:new', together);
  return () => void socket.off('message:new', alone).off('messages:new', together);
}

/** The same for conversation summaries: `conversation:updated` alone, `conversations:updated` together. */
export function onSummaries(socket: Socket, updated: (summary: ConversationSummary) => void): () => void {
  const alone = (summary: ConversationSummary) => updated(summary);
  const together = (summaries: ConversationSummary[]) => summaries.forEach(updated);
  socket.on('conversation:updated', alone).on('conversations:updated', together);
  return () => void socket.off('conversation:updated', alone).off('conversations:updated', together);
}

/**
 * Resolves when a console hears that `visitorId` left, alone or in a batch: a leave from an
 * earlier test's clean-up can share the batch.
 */
export function visitorLeft(socket: Socket, visitorId: string, ms = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = onVisitorsLeft(socket, (id) => {
      if (id !== visitorId) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no offline event naming the visitor within ${ms} ms`));
    }, ms);
  });
}

/** Sends a visitor message and returns the ack. */
export function visitorSend(socket: VisitorClient, text: string, clientId = newId()) {
  return socket.timeout(5000).emitWithAck('message:send', { clientId, text });
}

/**
 * A host site on its own origin (another port on 127.0.0.1) serving pages the test
 * writes, with the headers the test chooses: a stand-in for a customer's website.
 */
export async function startHostSite() {
  const { createServer } = await import('node:http');
  const pages = new Map<string, { html: string; headers: Record<string, string> }>();
  const server = createServer((req, res) => {
    const page = pages.get(req.url ?? '/');
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...page.headers });
    res.end(page.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    /** Serves `html` at `path`; returns the page's URL. */
    page(path: string, html: string, headers: Record<string, string> = {}) {
      pages.set(path, { html, headers });
      return `http://127.0.0.1:${port}${path}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Collects sockets a test opens, so `afterEach` can close them all. */
export function socketTracker() {
  const open: { disconnect(): unknown }[] = [];
  return {
    track<T extends { disconnect(): unknown }>(socket: T): T {
      open.push(socket);
      return socket;
    },
    closeAll() {
      open.splice(0).forEach((socket) => socket.disconnect());
    },
  };
}
