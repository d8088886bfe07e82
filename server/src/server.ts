/**
 * The reference backend: HTTP and socket.io on one port, an embedded store, and the
 * demo pages. Tests start it in-process with `startServer({ port: 0 })`.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import {
  LIMITS,
  OPERATOR_NAMESPACE,
  VISITOR_NAMESPACE,
  newId,
  type OperatorToServer,
  type ServerToOperator,
  type ServerToVisitor,
  type VisitorToServer,
} from '../../src/protocol';
import { rooms, team, type ServerContext } from './context';
import { closeIdleConversations } from './conversations';
import { createApi, sendJson } from './http-api';
import { attachOperatorNamespace } from './operator-namespace';
import { createPresence } from './presence';
import { createWebhookSender } from './webhook';
import { paths } from './paths';
import { loadSites, type SiteConfig } from './sites';
import { serveStatic, type Mount } from './static-files';
import { openStore, type Store } from './store';
import { createMessageService, type MessageLimit } from './messages';
import { attachVisitorNamespace } from './visitor-namespace';

export interface ServerOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  /** postgres://… stores everything in PostgreSQL instead of the SQLite file in `dataDir`. */
  databaseUrl?: string;
  /** Messages a visitor may send at once and per second; null lifts the limit (benchmarks). */
  visitorMessageLimit?: MessageLimit | null;
  /** Sites, or a path to the JSON file that lists them. */
  sites?: SiteConfig[] | string;
  log?: (message: string) => void;
  /** How long an operator whose console disconnected still counts as present. */
  presenceGraceMs?: number;
  webhookRetryDelaysMs?: number[];
  /** How often the webhook outbox is looked at for due deliveries (default 5 s). */
  webhookPollMs?: number;
  /**
   * Data care: page views, IP addresses and expired sessions older than this many days
   * are deleted (checked hourly). Unset keeps everything.
   */
  retentionDays?: number;
  /** How often idle conversations are looked for (sites set the timeout itself). */
  idleSweepMs?: number;
}

export interface RunningServer {
  url: string;
  http: HttpServer;
  io: Server;
  store: Store;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((message: string) => console.log(message));
  const sites =
    typeof options.sites === 'object' ? options.sites : loadSites(options.sites ?? paths.demoSites);
  const store = await openStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir ?? paths.data }, newId);
  const allowedOrigins = new Set(sites.flatMap((site) => site.allowedOrigins));

  const mounts: Mount[] = [
    { prefix: '/', root: paths.widget, cors: true },
    { prefix: '/operator/', root: paths.console },
    { prefix: '/designer/', root: paths.designer },
    { prefix: '/', root: paths.demoSite },
  ];

  let handleApi: (req: Parameters<typeof serveStatic>[1], res: Parameters<typeof serveStatic>[2]) => boolean = () => false;
  const http = createServer((req, res) => {
    if (handleApi(req, res) || serveStatic(mounts, req, res)) return;
    sendJson(res, 404, { error: 'Not found.' });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8080, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const publicUrl = `http://${host}:${port}`;

  const io = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: LIMITS.packetBytes,
    // CORS does not guard WebSockets: the Origin header is checked here for every transport.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const allowed = !origin || origin === publicUrl || allowedOrigins.has(origin);
      callback(allowed ? null : 'origin not allowed', allowed);
    },
    cors: { origin: (origin, callback) => callback(null, !origin || origin === publicUrl || allowedOrigins.has(origin)) },
  });

  const presence = createPresence(options.presenceGraceMs ?? 30_000, (siteId) => {
    const site = ctx.sites.get(siteId);
    if (site) ctx.operators.to(rooms.operators(siteId)).emit('team:updated', team(ctx, site));
    ctx.refreshAvailability(siteId);
  });
  const ctx: ServerContext = {
    store,
    sites: new Map(sites.map((site) => [site.id, site])),
    publicUrl,
    visitors: io.of(VISITOR_NAMESPACE) as unknown as ServerContext['visitors'],
    operators: io.of(OPERATOR_NAMESPACE) as unknown as ServerContext['operators'],
    presence,
    webhooks: createWebhookSender({
      store,
      log,
      secretFor: (siteId) => ctx.sites.get(siteId)?.webhookSecret,
      retryDelaysMs: options.webhookRetryDelaysMs,
      pollMs: options.webhookPollMs,
    }),
    refreshAvailability: () => {},
    log,
  };
  const messages = createMessageService(
    ctx,
    options.visitorMessageLimit === undefined
      ? { burst: LIMITS.visitorMessageBurst, perSecond: LIMITS.visitorMessagesPerSecond }
      : options.visitorMessageLimit,
  );
  attachVisitorNamespace(ctx, messages);
  attachOperatorNamespace(ctx, messages);
  handleApi = createApi(ctx);
  // Business hours open and close on the clock, not on an event: look every 20 seconds.
  const hoursTimer = setInterval(() => ctx.refreshAvailability(), 20_000);
  const idleTimer = setInterval(
    () => void closeIdleConversations(ctx).catch((error: unknown) => log(`idle sweep failed: ${String(error)}`)),
    options.idleSweepMs ?? 30_000,
  );

  const retentionDays = options.retentionDays;
  const purge = () =>
    retentionDays &&
    store.purgeBefore(Date.now() - retentionDays * 86_400_000).then(
      (purged) => log(`retention: removed ${purged.pageViews} page views, ${purged.ipAddresses} IP addresses, ${purged.sessions} sessions`),
      (error: unknown) => log(`retention sweep failed: ${String(error)}`),
    );
  void purge();
  const retentionTimer = setInterval(() => void purge(), 3_600_000);

  return {
    url: publicUrl,
    http,
    io,
    store,
    async close() {
      clearInterval(hoursTimer);
      clearInterval(idleTimer);
      clearInterval(retentionTimer);
      presence.close();
      await ctx.webhooks.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await store.close();
    },
  };
}

export type { VisitorToServer, ServerToVisitor, OperatorToServer, ServerToOperator };
