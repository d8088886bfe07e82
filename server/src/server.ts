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
import { createPresence, type Presence } from './presence';
import { redisLeadership, soleLeader } from './leader';
import { localRateLimiters } from './rate-limit';
import { connectRedis } from './redis';
import { createRedisPresence } from './redis-presence';
import { redisRateLimiters } from './redis-rate-limit';
import { createAdapter } from '@socket.io/redis-streams-adapter';
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
  /**
   * redis://… runs this process as one node of several behind one address: broadcasts,
   * presence, limits and the once-only work go through Redis (docs/architecture.md).
   */
  redisUrl?: string;
  /** The address visitors and operators use (behind a proxy); http://host:port by default. */
  publicUrl?: string;
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
  /** How often idle conversations are looked for (sites set the timeout itself). */
  idleSweepMs?: number;
}

export interface RunningServer {
  /** Where this process listens. */
  url: string;
  /** The address people use (PUBLIC_URL), the same for every node. */
  publicUrl: string;
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
  const publicUrl = options.publicUrl?.replace(/\/$/, '') ?? `http://${host}:${port}`;
  const selfUrl = `http://${host}:${port}`;
  const nodeId = newId();
  const redis = options.redisUrl ? await connectRedis(options.redisUrl, log) : undefined;
  const leadership = redis ? await redisLeadership(redis.state, nodeId, log) : soleLeader;

  const ownOrigins = new Set([publicUrl, selfUrl]);
  const io = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: LIMITS.packetBytes,
    // CORS does not guard WebSockets: the Origin header is checked here for every transport.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const allowed = !origin || ownOrigins.has(origin) || allowedOrigins.has(origin);
      callback(allowed ? null : 'origin not allowed', allowed);
    },
    cors: { origin: (origin, callback) => callback(null, !origin || ownOrigins.has(origin) || allowedOrigins.has(origin)) },
    ...(redis ? { adapter: createAdapter(redis.adapter) } : {}),
  });

  // Every node whose view of a site's team changed tells its own sockets (hence `local`):
  // with several nodes, each hears of the change and each has its share of the sockets.
  let started = false;
  const onPresenceChange = (siteId: string) => {
    if (!started) return;
    const site = ctx.sites.get(siteId);
    if (site) ctx.operators.local.to(rooms.operators(siteId)).emit('team:updated', team(ctx, site));
    ctx.refreshAvailability(siteId);
  };
  const graceMs = options.presenceGraceMs ?? 30_000;
  const presence: Presence = redis
    ? await createRedisPresence({
        redis: redis.state,
        subscriber: redis.subscriber,
        nodeId,
        sites,
        graceMs,
        leadership,
        onChange: onPresenceChange,
        log,
      })
    : createPresence(graceMs, onPresenceChange);
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
      isLeader: leadership.isLeader,
    }),
    refreshAvailability: () => {},
    rateLimiters: redis ? redisRateLimiters(redis.state, log) : localRateLimiters,
    clustered: redis !== undefined,
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
  started = true;
  // Business hours open and close on the clock, not on an event: look every 20 seconds.
  const hoursTimer = setInterval(() => ctx.refreshAvailability(), 20_000);
  const idleTimer = setInterval(
    () => {
      if (leadership.isLeader()) void closeIdleConversations(ctx).catch((error: unknown) => log(`idle sweep failed: ${String(error)}`));
    },
    options.idleSweepMs ?? 30_000,
  );

  return {
    url: selfUrl,
    publicUrl,
    http,
    io,
    store,
    async close() {
      clearInterval(hoursTimer);
      clearInterval(idleTimer);
      await ctx.webhooks.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // After io.close: the consoles' disconnects above have reached the shared presence.
      await presence.close();
      await leadership.close();
      await redis?.close();
      await store.close();
    },
  };
}

export type { VisitorToServer, ServerToVisitor, OperatorToServer, ServerToOperator };
