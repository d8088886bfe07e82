/**
 * The one module that talks to socket.io. It knows nothing of views or state: it
 * connects, reconnects forever, sends with acknowledgements, and reports what arrives
 * to whoever subscribed: the session in a task after its message's (socket.io's decoding
 * of it, the models' update and the re-render together were a long task on a phone), and
 * whatever arrives meanwhile after it, so that everything is still told in order.
 */
import { Manager, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { safeParser } from './safe-encoder';
import { yieldToPage } from './slices';
import {
  LIMITS,
  VISITOR_NAMESPACE,
  type Ack,
  type LeadAck,
  type Rating,
  type RatingPayload,
  type LeadPayload,
  type PageContext,
  type SendMessageAck,
  type SendMessagePayload,
  type ServerToVisitor,
  type VisitorAuth,
  type VisitorToServer,
} from '../protocol';

/** Visitor events answered with an ack that go through `request` (files, transcripts, older history). */
type Asked = 'upload:grant' | 'attachment:url' | 'transcript:get' | 'transcript:email' | 'history:page';
type AckedEvent = Asked | 'message:send' | 'lead:submit' | 'conversation:end' | 'rating:submit' | 'rating:dismiss';

export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface TransportOptions {
  server: string;
  /** Read on every (re)connect, so the server always gets the latest sequence. */
  auth: () => VisitorAuth;
  onState: (state: ConnectionState) => void;
  /** The server refused the identity token; the widget goes on without it. */
  onIdentityRefused?: (reason: string) => void;
  /** False in consent mode: nothing is sent until `connect()`. */
  autoConnect?: boolean;
  /**
   * Shares one connection among this visitor's tabs under this name (of a Web Lock and a
   * BroadcastChannel, both same-origin by the browser's design): the tab holding the lock
   * connects, the others go through it (./tabs). Left out, each tab connects on its own.
   */
  tabs?: string;
}

/** The few socket members the transport uses: its own socket's, or the leading tab's through ./tabs. */
export interface Link {
  readonly connected: boolean;
  emit(event: string, payload: unknown): unknown;
  /** For what may be dropped rather than queued (typing). */
  readonly volatile: Pick<Link, 'emit'>;
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
  connect(): unknown;
  disconnect(): unknown;
}

export type VisitorSocket = Socket<ServerToVisitor, VisitorToServer>;

/** What the tabs chunk works with. */
export interface TabsPort {
  name: string;
  socket: VisitorSocket;
  auth: () => VisitorAuth;
  onState: (state: ConnectionState) => void;
  /** The server events this tab listens to: what a leader relays (socket.io's catch-all is cut from the build). */
  events: Set<string>;
  /** Sends this tab's traffic through `link` (the socket itself, when alone again). */
  route(link: Link): void;
  /** Set by the tabs chunk: gives up this tab's part (lock, channel) on pagehide and close. */
  stop?: () => void;
}

export type ServerEvents = ServerToVisitor;

export interface Transport {
  on<E extends keyof ServerEvents>(event: E, handler: ServerEvents[E]): () => void;
  /** Resolves with the server's ack; rejects when none comes within LIMITS.ackTimeoutMs. */
  send(payload: SendMessagePayload): Promise<SendMessageAck>;
  /** Same contract as `send`, for a request from the offline form. */
  submitLead(payload: LeadPayload): Promise<LeadAck>;
  /** Same contract as `send`, for the acked events of attachments and older history. */
  request<E extends Asked>(
    event: E,
    payload: Parameters<VisitorToServer[E]>[0],
  ): Promise<Parameters<Parameters<VisitorToServer[E]>[1]>[0]>;
  /** Tells the server the visitor is on another page; dropped while offline (auth carries it). */
  page(page: PageContext): void;
  endConversation(conversationId: string): Promise<Ack<{ conversationId: string }>>;
  rate(payload: RatingPayload): Promise<Ack<{ rating: Rating }>>;
  dismissRating(conversationId: string): Promise<Ack<{ rating: Rating }>>;
  /** A read mark; dropped while offline (the next one carries it). */
  read(conversationId: string, seq: number): void;
  typing(typing: boolean): void;
  /** Reconnects with fresh auth (after identify or reset). */
  restart(): void;
  /** Connects, if not yet connected (consent given). */
  connect(): void;
  readonly connected: boolean;
  reconnectNow(): void;
  close(): void;
}

/** Backoff for refused connections: 1 s doubling to 30 s, with ±50 % jitter. */
export function retryDelay(attempt: number): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
  return base / 2 + Math.random() * base;
}

export function createTransport({
  server,
  auth,
  onState,
  onIdentityRefused,
  autoConnect = true,
  tabs: name,
}: TransportOptions): Transport {
  const options: Partial<ManagerOptions & SocketOptions> = {
    // WebSocket only: one round trip, no polling handshake and upgrade. engine.io never fell
    // back to polling after a failed WebSocket (that takes `tryAllTransports`), so the build
    // leaves the polling transport out (rollup.config.mjs).
    transports: ['websocket'],
    parser: safeParser,
    auth: (callback) => callback(auth() as unknown as Record<string, unknown>),
    // A shared connection connects only in the tab that leads.
    autoConnect: autoConnect && !name,
    // From 1 s (socket.io's default, with its ±50 % jitter) up to 30 s instead of 5 s.
    reconnectionDelayMax: 30_000,
  };
  // One manager per widget, made here: `io()` would parse the URL again and look it up in
  // a cache of managers shared across the page, code the widget never needs.
  const socket: VisitorSocket = new Manager(server, options).socket(VISITOR_NAMESPACE, options);

  let refusals = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let wanted = autoConnect;
  /** Where this tab's traffic goes: its own socket, or through the tabs chunk (./tabs). */
  let link = socket as unknown as Link;
  /** What arrived since a session that waits for its task, in order (the session first). */
  let held: (() => void)[] | undefined;

  socket.on('connect', () => {
    refusals = 0;
    onState('online');
  });
  socket.on('disconnect', () => onState(socket.active && !closed ? 'connecting' : 'offline'));
  socket.on('connect_error', (error) => {
    onState('offline');
    const refused = /^identity token refused: (.*)$/.exec(error.message);
    if (refused) {
      // Retry at once without the token: the visitor chats anonymously instead of not at all.
      onIdentityRefused?.(refused[1]!);
      if (!closed) socket.connect();
      return;
    }
    // socket.io gives up on a connection its server refused (e.g. in middleware while
    // it restarts); a visitor's chat must not, so we retry ourselves.
    if (!socket.active && !closed) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => socket.connect(), retryDelay(refusals++));
    }
  });

  /**
   * A fresh attempt now, whatever backoff socket.io or we were waiting out: disconnecting
   * clears socket.io's pending reconnect timer (and resets its backoff), so the
   * connect that follows opens at once. A server that still refuses puts us back on the
   * jittered backoff through `connect_error`.
   */
  const reconnectAtOnce = () => {
    if (closed || !wanted || link.connected) return;
    clearTimeout(retryTimer);
    link.disconnect();
    link.connect();
  };
  // The network is back, or the visitor is back on a tab whose connection the browser
  // may have throttled or dropped: neither should wait out a backoff of up to 30 s.
  const onVisible = () => {
    if (document.visibilityState === 'visible') reconnectAtOnce();
  };
  // One connection per browser: the tab that gets the lock leads; the others follow with
  // code loaded only then. Only the lock request and the channel's first word are here.
  const tabs: TabsPort | undefined =
    name && self.BroadcastChannel
      ? {
          name,
          socket,
          auth,
          onState,
          events: new Set(),
          route(next) {
            link = next;
          },
        }
      : undefined;
  const join = (leading?: boolean) => import('./tabs').then((m) => !closed && m.join(tabs!, leading));
  /** Once the connection is wanted (consent): which tab connects is the lock's to say. */
  const elect = () =>
    !wanted || closed
      ? undefined
      : navigator.locks
        ? navigator.locks.request(name!, { ifAvailable: true }, (lock) => {
            if (!lock) return join();
            const hello = new BroadcastChannel(name!);
            // A tab arrived: the relay takes over from here.
            hello.onmessage = () => {
              hello.close();
              void join(true);
            };
            return new Promise<void>((release) => {
              let leading = true;
              tabs!.stop = () => {
                leading = false;
                hello.close();
                release();
              };
              // socket.io's set-up (engine.io's socket, the WebSocket) in a task of its own:
              // with the lock's callback it was a long task on a phone. Not once the tab has
              // given up the lead meanwhile (closed, or hidden for the back/forward cache).
              void yieldToPage().then(() => leading && socket.connect());
            });
          })
        : join();
  if (tabs) void elect();

  // Closing on pagehide keeps the page eligible for the back/forward cache, and lets
  // another tab lead meanwhile.
  const onPageHide = () => {
    socket.disconnect();
    tabs?.stop?.();
  };
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) tabs ? void elect() : reconnectAtOnce();
  };
  addEventListener('online', reconnectAtOnce);
  document.addEventListener('visibilitychange', onVisible);
  addEventListener('pagehide', onPageHide);
  addEventListener('pageshow', onPageShow);

  /** An event with an acknowledgement: resolves with it, rejects after LIMITS.ackTimeoutMs. */
  const ask = <E extends AckedEvent>(
    event: E,
    payload: Parameters<VisitorToServer[E]>[0],
  ): Promise<Parameters<Parameters<VisitorToServer[E]>[1]>[0]> =>
    link.timeout(LIMITS.ackTimeoutMs).emitWithAck(event, payload) as never;

  return {
    on(event, handler) {
      tabs?.events.add(event);
      const tell = (...args: unknown[]) => {
        const told = () => (handler as (...args: unknown[]) => void)(...args);
        if (event === 'session' && !held) {
          const waited: (() => void)[] = [];
          held = waited;
          void yieldToPage().then(() => {
            held = undefined;
            // A microtask each, all in this task: one that throws does not hold the rest back.
            if (!closed) waited.forEach(queueMicrotask);
          });
        }
        if (held) held.push(told);
        else told();
      };
      socket.on(event, tell as never);
      return () => void socket.off(event, tell as never);
    },
    send: (payload) => ask('message:send', payload),
    submitLead: (payload) => ask('lead:submit', payload),
    request: ask,
    page(page) {
      if (link.connected) link.emit('page', page);
    },
    endConversation: (conversationId) => ask('conversation:end', { conversationId }),
    rate: (payload) => ask('rating:submit', payload),
    dismissRating: (conversationId) => ask('rating:dismiss', { conversationId }),
    read(conversationId, seq) {
      if (link.connected) link.emit('read', { conversationId, seq });
    },
    restart() {
      link.disconnect();
      if (!closed && wanted) link.connect();
    },
    connect() {
      const first = !wanted;
      wanted = true;
      if (!tabs) {
        if (!closed && !socket.connected) socket.connect();
      } else if (first) void elect();
    },
    typing(typing) {
      if (link.connected) link.volatile.emit('typing', { typing });
    },
    get connected() {
      return link.connected;
    },
    reconnectNow: reconnectAtOnce,
    close() {
      closed = true;
      clearTimeout(retryTimer);
      removeEventListener('online', reconnectAtOnce);
      document.removeEventListener('visibilitychange', onVisible);
      removeEventListener('pagehide', onPageHide);
      removeEventListener('pageshow', onPageShow);
      socket.disconnect();
      tabs?.stop?.();
    },
  };
}
