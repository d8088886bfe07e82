/**
 * The composition of the backend: HTTP (router, static files) and socket.io on one port,
 * the store, the sites, logs and metrics. Tests start it in-process with
 * `startServer({ port: 0 })`; `main.ts` starts it from the validated configuration.
 *
 * What only this level can see is done here, outside the gateways: the client's IP
 * through trusted proxies, timing of every store call and acknowledgement, and the drain
 * on SIGTERM (acknowledgements in flight are awaited, new events wait for the next server).
 */
import { performance } from 'node:perf_hooks';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace } from 'socket.io';
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
import { clientIp, type TrustProxy } from './client-ip';
import { newServerId } from './ids';
import { closeConversationUpdates, rooms, team, type ServerContext } from './context';
import { consoleRelease } from './console-release';
import { closeIdleConversations } from './conversations';
import { createRouter } from './http/router';
import { createLogger, type Logger } from './log';
import { createMetrics, type Metrics } from './metrics';
import { attachOperatorNamespace } from './operator-namespace';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { redisLeadership, soleLeader } from './leader';
import { createPresence, type Presence } from './presence';
import { localRateLimiters } from './rate-limit';
import { answeredSoFar, connectRedis } from './redis';
import { createRedisPresence } from './redis-presence';
import { redisRateLimiters } from './redis-rate-limit';
import { MISSED_REPLY_DELAY_MS, stillWanted } from './follow-up';
import { createMailer } from './mail';
import { createWaitingLine } from './waiting-line';
import { createRedisVisitorConnections } from './redis-visitor-connections';
import { localVisitorConnections, type VisitorConnections } from './visitor-connections';
import { createPageViewEnds } from './page-view-ends';
import { createVisitorLeaves, LEAVE_WINDOW_MS } from './visitor-leaves';
import { tellLeft } from './visitor-presence';
import { createWebhookSender } from './webhook';
import { join } from 'node:path';
import { diskFileStore, type FileStore } from './files/file-store';
import { createUrlSigner, loadSigningKey } from './files/url-signer';
import { createUploads, type Uploads } from './uploads';
import { paths } from './paths';
import { loadSites, type SiteConfig } from './sites';
import { HASHED_WIDGET_CHUNK, type Mount } from './static-files';
import { openStore, type Store } from './store';
import { createMessageService, type MessageLimit } from './messages';
import { attachVisitorNamespace } from './visitor-namespace';
import { withoutNul } from './packet-text';

/**
 * How long a message's ack waits for Redis to take its broadcast (it answers in well under
 * a millisecond). Longer means Redis is away: the broadcast waits in the client's queue,
 * and the ack goes without it rather than keep the visitor waiting for the outage.
 */
const BROKER_ACK_WAIT_MS = 1_000;

export interface ServerOptions {
  port?: number;
  host?: string;
  /** The origin browsers reach the server at; `http://<host>:<port>` when not given. */
  publicUrl?: string;
  /** Which proxies' X-Forwarded-For to believe; none by default. */
  trustProxy?: TrustProxy;
  dataDir?: string;
  /** postgres://… stores everything in PostgreSQL instead of the SQLite file in `dataDir`. */
  databaseUrl?: string;
  /**
   * redis://… runs this process as one node of several behind one address: broadcasts,
   * presence, limits and the once-only work go through Redis (docs/architecture.md).
   */
  redisUrl?: string;
  /** Messages a visitor may send at once and per second; null lifts the limit (benchmarks). */
  visitorMessageLimit?: MessageLimit | null;
  /** Sites, or a path to the JSON file that lists them. */
  sites?: SiteConfig[] | string;
  /** Serve the sample site and the designer (the demo); on unless said otherwise. */
  demoPages?: boolean;
  /** Structured logs; a silent logger when not given and `log` is given, else info to stdout. */
  logger?: Logger;
  /** Plain-text log lines of the gateways (kept for the tests that silence them). */
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
  /** E-mail follow-up over SMTP (SMTP_URL, MAIL_FROM); off without it. */
  mail?: { smtpUrl: string; from: string; retryDelaysMs?: number[]; pollMs?: number; missedReplyDelayMs?: number };
  /**
   * The folder of uploaded files (FILES_DIR), with the key that signs their download URLs;
   * `dataDir`/files when not given. Nodes of one deployment share it.
   */
  filesDir?: string;
  /** Where uploaded files are kept: on disk in `filesDir` unless another store is given. */
  fileStore?: FileStore;
  /**
   * The release consoles are told they should be running; the fingerprint of the console
   * build served at /operator/ when not given.
   */
  consoleRelease?: string;
}

export interface RunningServer {
  url: string;
  http: HttpServer;
  io: Server;
  store: Store;
  metrics: Metrics;
  /** Files: grants, uploads, downloads and their sweeps. */
  uploads: Uploads;
  /** Swaps the sites (a reloaded sites file) without dropping a connection. */
  reloadSites(sites: SiteConfig[]): void;
  /**
   * The first half of a graceful stop: not ready, no new connections or events, waits
   * (at most `timeoutMs`) for acknowledgements in flight, then closes every connection
   * so clients reconnect — to this server's successor.
   */
  drain(timeoutMs: number): Promise<{ unfinishedAcks: number }>;
  close(): Promise<void>;
}

/**
 * Times every store call (synchronous or not) and counts stored messages, without the
 * store knowing: a Proxy over whatever engine is open. Each method's timed wrapper and
 * its label set are made once, not on every call: the visitor's message path calls the
 * store for every message, and a fresh wrapper, timer and label object per call was a
 * measurable part of it (bench/store-throughput.ts, profiled).
 */
function instrumentStore(store: Store, metrics: Metrics): Store {
  const timedMethods = new Map<string, { method: unknown; timed: (...args: unknown[]) => unknown }>();
  const timedMethod = (target: Store, operation: string, method: (...args: unknown[]) => unknown) => {
    const labels = { operation };
    const countsMessages = operation === 'appendMessage' || operation === 'appendToOpenConversation';
    const observe = (started: number) => metrics.storeSeconds.observe(labels, (performance.now() - started) / 1000);
    const count = (started: number, result: unknown) => {
      observe(started);
      if (!countsMessages) return result;
      const appended = result as { duplicate?: boolean; message?: { author?: string } } | undefined;
      const stored = operation === 'appendMessage' ? appended?.duplicate === false : appended !== undefined;
      if (stored) metrics.messagesStored.inc({ author: appended?.message?.author ?? 'unknown' });
      return result;
    };
    const failed = (started: number, error: unknown) => {
      observe(started);
      metrics.storeErrors.inc(labels);
      throw error;
    };
    return (...args: unknown[]) => {
      const started = performance.now();
      let result: unknown;
      try {
        result = method.apply(target, args);
      } catch (error) {
        return failed(started, error);
      }
      return result instanceof Promise
        ? result.then(
            (value: unknown) => count(started, value),
            (error: unknown) => failed(started, error),
          )
        : count(started, result);
    };
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const known = timedMethods.get(property);
      if (known?.method === value) return known.timed;
      const timed = timedMethod(target, property, value as (...args: unknown[]) => unknown);
      timedMethods.set(property, { method: value, timed });
      return timed;
    },
  });
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? createLogger(options.log ? 'silent' : 'info');
  // The gateways' plain lines: failures at warn, everything else at info.
  const log =
    options.log ??
    ((message: string) =>
      /failed|gave up|not stored|not published/.test(message) ? logger.warn(message) : logger.info(message));
  const sites = typeof options.sites === 'object' ? options.sites : loadSites(options.sites ?? paths.demoSites);
  const trustProxy = options.trustProxy ?? { kind: 'off' };
  const ipOf = (req: IncomingMessage) => clientIp(trustProxy, req.socket.remoteAddress, req.headers['x-forwarded-for']);

  let draining = false;
  let io: Server | undefined;
  const countSockets = (name: string) => io?.of(name).sockets.size ?? 0;
  let store: Store | undefined;
  const metrics = createMetrics({
    visitorsConnected: () => countSockets(VISITOR_NAMESPACE),
    operatorsConnected: () => countSockets(OPERATOR_NAMESPACE),
    webhookBacklog: () => store?.webhookBacklog() ?? 0,
    storedFileBytes: () => store?.storedFileBytes() ?? 0,
  });
  store = instrumentStore(
    await openStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir ?? paths.data }, newServerId),
    metrics,
  );

  const mounts: Mount[] = [
    { prefix: '/', root: paths.widget, cors: true, immutable: HASHED_WIDGET_CHUNK },
    { prefix: '/operator/', root: paths.console },
    ...(options.demoPages === false
      ? []
      : [
          { prefix: '/designer/', root: paths.designer },
          { prefix: '/', root: paths.demoSite },
        ]),
  ];

  let handleHttp: ReturnType<typeof createRouter> | undefined;
  /**
   * Set once the gateways and the router are in place. The listener opens first (the port
   * is needed for the public URL), and Redis, presence and the gateways take a while on a
   * loaded machine: meanwhile a request is answered 503 and a socket.io handshake refused,
   * both at once, instead of a request left without an answer or a connection never greeted.
   */
  let started = false;
  const http = createServer((req, res) => {
    if (handleHttp) return handleHttp(req, res);
    res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
    res.end(JSON.stringify({ error: 'Starting; try again in a moment.' }));
  });
  // Keep-alive connections outlive close(); drain ends the idle ones itself.
  http.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8080, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const publicUrl = options.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const nodeId = newId();
  const redis = options.redisUrl ? await connectRedis(options.redisUrl, log) : undefined;
  const leadership = redis ? await redisLeadership(redis.state, nodeId, log) : soleLeader;

  let allowedOrigins = new Set(sites.flatMap((site) => site.allowedOrigins));
  const originAllowed = (origin: string | undefined) => !origin || origin === publicUrl || allowedOrigins.has(origin);
  io = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: LIMITS.packetBytes,
    // CORS does not guard WebSockets: the Origin header is checked here for every transport.
    // A draining server takes no new connections: clients retry and find its successor.
    allowRequest: (req, callback) => {
      if (!started) return callback('server starting', false);
      const allowed = !draining && originAllowed(req.headers.origin);
      callback(draining ? 'server restarting' : allowed ? null : 'origin not allowed', allowed);
    },
    cors: { origin: (origin, callback) => callback(null, originAllowed(origin)) },
    ...(redis ? { adapter: createAdapter(redis.adapter) } : {}),
  });

  // Acknowledgements in flight, so a drain can wait for them.
  let acksInFlight = 0;
  let onAcksSettled: (() => void) | undefined;
  const watch = (namespace: Namespace) => {
    // Before the gateways' own middleware: they read the address the visitor is stored with.
    namespace.use((socket, next) => {
      socket.handshake.address = clientIp(
        trustProxy,
        socket.request.socket.remoteAddress,
        socket.request.headers['x-forwarded-for'],
      );
      next();
    });
    namespace.on('connection', (socket) => {
      socket.use((packet, next) => {
        // Once draining, events are left unanswered: the client keeps them and resends them to the next server.
        if (draining) return;
        const last = packet.length - 1;
        for (let i = 1; i < packet.length; i++) packet[i] = withoutNul(packet[i]);
        const ack = packet[last] as unknown;
        if (typeof ack !== 'function') return next();
        // Only events the gateway listens for get a label: the name comes from the client.
        const event = typeof packet[0] === 'string' && socket.listeners(packet[0]).length > 0 ? packet[0] : 'unknown';
        const stop = metrics.ackSeconds.startTimer({ event });
        acksInFlight += 1;
        let answered = false;
        packet[last] = (...args: unknown[]) => {
          if (!answered) {
            answered = true;
            stop();
            acksInFlight -= 1;
            if (acksInFlight === 0) onAcksSettled?.();
          }
          return (ack as (...a: unknown[]) => unknown)(...args);
        };
        next();
      });
    });
  };
  watch(io.of(VISITOR_NAMESPACE));
  watch(io.of(OPERATOR_NAMESPACE));

  // Every node whose view of a site's team changed tells its own sockets (hence `local`):
  // with several nodes, each hears of the change and each holds its share of the sockets.
  const onPresenceChange = (siteId: string) => {
    if (!started) return;
    const site = ctx.sites.get(siteId);
    if (site) ctx.operators.local.to(rooms.operators(siteId)).emit('team:updated', team(ctx, site));
    ctx.refreshAvailability(siteId);
    ctx.waitingLine?.refresh(siteId);
  };
  const graceMs = options.presenceGraceMs ?? 30_000;
  const presence: Presence = redis
    ? await createRedisPresence({
        redis: redis.state,
        subscriber: redis.subscriber,
        nodeId,
        sites: () => (started ? [...ctx.sites.values()] : sites),
        graceMs,
        leadership,
        onChange: onPresenceChange,
        log,
      })
    : createPresence(graceMs, onPresenceChange);
  const visitorConnections: VisitorConnections = redis
    ? await createRedisVisitorConnections({
        redis: redis.state,
        nodeId,
        leadership,
        // The leader tells every node's consoles of visitors who were only on a dead node.
        onGone: (siteId, visitorId) => ctx.visitorLeaves.left(siteId, visitorId),
        log,
      })
    : localVisitorConnections();
  const ctx: ServerContext = {
    store,
    sites: new Map(sites.map((site) => [site.id, site])),
    publicUrl,
    visitors: io.of(VISITOR_NAMESPACE) as unknown as ServerContext['visitors'],
    operators: io.of(OPERATOR_NAMESPACE) as unknown as ServerContext['operators'],
    presence,
    visitorConnections,
    visitorLeaves: createVisitorLeaves(
      (siteId, visitorIds) => tellLeft(ctx, siteId, visitorIds),
      LEAVE_WINDOW_MS,
      // A visitor back on another node within the window (this one drains or died) is not told gone.
      (keys) => visitorConnections.connected(keys),
    ),
    pageViewEnds: createPageViewEnds(store),
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
    ...(redis ? { brokerTook: () => answeredSoFar(redis.adapter, BROKER_ACK_WAIT_MS) } : {}),
    log,
    metrics,
    consoleRelease: options.consoleRelease ?? consoleRelease(paths.console),
  };
  ctx.waitingLine = createWaitingLine(ctx);
  const mail = options.mail;
  ctx.followUp = {
    missedReplyDelayMs: mail?.missedReplyDelayMs ?? MISSED_REPLY_DELAY_MS,
    mailer:
      mail &&
      createMailer({
        store,
        log,
        smtpUrl: mail.smtpUrl,
        from: mail.from,
        retryDelaysMs: mail.retryDelaysMs,
        pollMs: mail.pollMs,
        isLeader: leadership.isLeader,
        stillWanted: (email) => stillWanted(ctx, email),
      }),
  };
  const messages = createMessageService(
    ctx,
    options.visitorMessageLimit === undefined
      ? { burst: LIMITS.visitorMessageBurst, perSecond: LIMITS.visitorMessagesPerSecond }
      : options.visitorMessageLimit,
  );
  const filesDir = options.filesDir ?? join(options.dataDir ?? paths.data, 'files');
  const uploads = createUploads(ctx, {
    files: options.fileStore ?? diskFileStore(join(filesDir, 'store')),
    signer: createUrlSigner(loadSigningKey(join(filesDir, 'url-signing.key')), publicUrl),
    incomingDir: join(filesDir, 'incoming'),
    metrics,
  });
  ctx.uploads = uploads;
  attachVisitorNamespace(ctx, messages);
  attachOperatorNamespace(ctx, messages);
  handleHttp = createRouter({ ctx, logger, metrics, clientIp: ipOf, isDraining: () => draining }, mounts);
  started = true;
  // Business hours open and close on the clock, not on an event: look every 20 seconds.
  const hoursTimer = setInterval(() => ctx.refreshAvailability(), 20_000);
  const idleTimer = setInterval(() => {
    // One node at a time sweeps (leader.ts); alone, this one always does.
    if (leadership.isLeader())
      void closeIdleConversations(ctx).catch((error: unknown) => log(`idle sweep failed: ${String(error)}`));
  }, options.idleSweepMs ?? 30_000);

  const retentionDays = options.retentionDays;
  const purge = () =>
    retentionDays &&
    leadership.isLeader() &&
    store.purgeBefore(Date.now() - retentionDays * 86_400_000).then(
      (purged) =>
        log(
          `retention: removed ${purged.pageViews} page views, ${purged.ipAddresses} IP addresses, ${purged.sessions} sessions`,
        ),
      (error: unknown) => log(`retention sweep failed: ${String(error)}`),
    );
  void purge();
  const retentionTimer = setInterval(() => void purge(), 3_600_000);
  // Unsent uploads expire, and with RETENTION_DAYS old files go too: one node sweeps.
  const sweepFiles = () =>
    leadership.isLeader() &&
    uploads.sweep(Date.now(), retentionDays).then(
      (removed) => removed && log(`files: removed ${removed} expired or unsent files`),
      (error: unknown) => log(`file sweep failed: ${String(error)}`),
    );
  void sweepFiles();
  const fileTimer = setInterval(() => void sweepFiles(), 600_000);

  const socketServer = io;
  const openedStore = store;
  let closed: Promise<void> | undefined;
  return {
    url: publicUrl,
    http,
    io: socketServer,
    store: openedStore,
    metrics,
    uploads,
    reloadSites(next) {
      // The same Map object: every handler holds it and sees the new sites at once.
      ctx.sites.clear();
      for (const site of next) ctx.sites.set(site.id, site);
      allowedOrigins = new Set(next.flatMap((site) => site.allowedOrigins));
      // A removed operator's open console goes with them; the others get the new settings.
      for (const socket of socketServer.of(OPERATOR_NAMESPACE).sockets.values()) {
        const { site, operator } = socket.data as { site?: SiteConfig; operator?: { id: string } };
        const current = site && ctx.sites.get(site.id);
        const still = current?.operators.find((op) => op.id === operator?.id);
        if (!still) socket.disconnect(true);
        else socket.data = { ...socket.data, site: current, operator: still };
      }
      // Each node reloads its own sites file and tells its own consoles.
      for (const site of next) ctx.operators.local.to(rooms.operators(site.id)).emit('team:updated', team(ctx, site));
      ctx.refreshAvailability();
    },
    async drain(timeoutMs) {
      draining = true;
      http.close();
      http.closeIdleConnections();
      if (acksInFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          onAcksSettled = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      const unfinishedAcks = acksInFlight;
      // Closing the transport (not a server-side disconnect) makes socket.io clients reconnect by themselves.
      for (const name of [VISITOR_NAMESPACE, OPERATOR_NAMESPACE]) {
        for (const socket of socketServer.of(name).sockets.values()) socket.conn.close();
      }
      return { unfinishedAcks };
    },
    close() {
      closed ??= (async () => {
        clearInterval(hoursTimer);
        clearInterval(idleTimer);
        clearInterval(retentionTimer);
        ctx.waitingLine?.close();
        clearInterval(fileTimer);
        await ctx.webhooks.close();
        await ctx.followUp?.mailer?.close();
        await new Promise<void>((resolve) => socketServer.close(() => resolve()));
        // No console is left to tell; a read retried after this would never stop.
        closeConversationUpdates(ctx);
        // After the sockets closed: their disconnects have reached the shared presence.
        await presence.close();
        await visitorConnections.close();
        ctx.visitorLeaves.close();
        await leadership.close();
        await redis?.close();
        // The page views the closed sockets ended are stored before the store closes.
        await ctx.pageViewEnds.settled();
        await openedStore.close();
        logger.flush();
      })();
      return closed;
    },
  };
}

export type { VisitorToServer, ServerToVisitor, OperatorToServer, ServerToOperator };
