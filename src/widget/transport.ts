/**
 * The one module that talks to socket.io. It knows nothing of views or state: it
 * connects, reconnects forever, sends with acknowledgements, and reports what arrives
 * to whoever subscribed.
 */
import { io, type Socket } from 'socket.io-client';
import { safeParser } from './safe-encoder';
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

/** Visitor events answered with an ack that go through `request` (files, older history). */
type Asked = 'upload:grant' | 'attachment:url' | 'history:page';
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
}: TransportOptions): Transport {
  const socket: Socket<ServerToVisitor, VisitorToServer> = io(server + VISITOR_NAMESPACE, {
    // One round trip instead of the polling handshake and upgrade; polling stays as fallback.
    transports: ['websocket', 'polling'],
    parser: safeParser,
    auth: (callback) => callback(auth() as unknown as Record<string, unknown>),
    autoConnect,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 30_000,
    randomizationFactor: 0.5,
  });

  let refusals = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let wanted = autoConnect;

  socket.on('connect', () => {
    refusals = 0;
    onState('online');
  });
  socket.on('disconnect', () => onState(closed ? 'offline' : socket.active ? 'connecting' : 'offline'));
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
    if (closed || !wanted || socket.connected) return;
    clearTimeout(retryTimer);
    socket.disconnect();
    socket.connect();
  };
  // The network is back, or the visitor is back on a tab whose connection the browser
  // may have throttled or dropped: neither should wait out a backoff of up to 30 s.
  const onVisible = () => {
    if (document.visibilityState === 'visible') reconnectAtOnce();
  };
  // Closing on pagehide keeps the page eligible for the back/forward cache.
  const onPageHide = () => socket.disconnect();
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) reconnectAtOnce();
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
    socket.timeout(LIMITS.ackTimeoutMs).emitWithAck(event as 'attachment:url', payload as never) as never;

  return {
    on(event, handler) {
      socket.on(event, handler as never);
      return () => void socket.off(event, handler as never);
    },
    send: (payload) => ask('message:send', payload),
    submitLead: (payload) => ask('lead:submit', payload),
    request: ask,
    page(page) {
      if (socket.connected) socket.emit('page', page);
    },
    endConversation: (conversationId) => ask('conversation:end', { conversationId }),
    rate: (payload) => ask('rating:submit', payload),
    dismissRating: (conversationId) => ask('rating:dismiss', { conversationId }),
    read(conversationId, seq) {
      if (socket.connected) socket.emit('read', { conversationId, seq });
    },
    restart() {
      socket.disconnect();
      if (!closed && wanted) socket.connect();
    },
    connect() {
      wanted = true;
      if (!closed && !socket.connected) socket.connect();
    },
    typing(typing) {
      if (socket.connected) socket.volatile.emit('typing', { typing });
    },
    get connected() {
      return socket.connected;
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
    },
  };
}
