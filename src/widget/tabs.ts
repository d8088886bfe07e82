/**
 * One connection per visitor per browser, loaded only when a second tab shows up. The
 * tab holding the Web Lock leads: it keeps the socket and relays over a BroadcastChannel
 * (events in, emits and acks out, by name, so new events need no code here). The others
 * follow; each waits in line for the lock, so when the leader closes, crashes, is frozen
 * or goes into the back/forward cache, the next one connects at once and catches up by
 * change number, and the rest catch up through it by theirs (`session:resume`).
 *
 * Where Web Locks are missing, the tabs elect a leader over the channel itself: the
 * leader says it is there every second; when it has been silent for two, the tabs claim
 * the lead and the lowest id wins.
 *
 * Only this origin's tabs share the channel and the lock (the browser's rule), and no
 * identity token or other secret goes over it: a leader connects with its own auth.
 */
import { LIMITS, type SendMessageAck, type SessionResumeAck } from '../protocol';
import type { ConnectionState, Link, TabsPort } from './transport';

/** What goes over the channel. */
type Word =
  | { hello: string }
  | { state: ConnectionState; leader: string }
  | { bye: string }
  | { claim: string }
  | { reconnect: true }
  /** A server event, for every tab's listeners (but the one that asked, for a message it sent). */
  | { event: string; payload: unknown; except?: string }
  /** For the server, without an ack. */
  | { emit: string; payload: unknown }
  | { ask: string; payload: unknown; id: number; from: string }
  | { to: string; id: number; answer?: unknown; lost?: true };

/** Timings of the election without Web Locks. */
export const FALLBACK = { heartbeatMs: 1000, silenceMs: 2000, claimMs: 300 };

/** Where Web Locks come from: the browser's, or a test's. */
export const env = {
  locks: (): LockManager | undefined => (typeof navigator === 'undefined' ? undefined : navigator.locks),
};

/**
 * Takes this tab's part: `leading` when it already holds the lock (the transport got it
 * first), otherwise it follows until the lock comes to it.
 */
export function join(port: TabsPort, leading = false): void {
  const me = Math.random().toString(36).slice(2);
  const { socket } = port;
  const channel = new BroadcastChannel(port.name);
  const post = (word: Word) => channel.postMessage(word);
  const locks = env.locks();
  const cleanups: (() => void)[] = [];
  const listen = (target: Document, type: string, handler: () => void) => {
    target.addEventListener(type, handler);
    cleanups.push(() => target.removeEventListener(type, handler));
  };
  let role: 'leader' | 'follower' | 'stopped' = 'follower';
  /** The leader's listeners that pass server events on: not this tab's own. */
  const forwarders = new Set<unknown>();
  let stopRelay: (() => void) | undefined;

  // Leading ----------------------------------------------------------------------------
  const stateOf = (): ConnectionState => (socket.connected ? 'online' : socket.active ? 'connecting' : 'offline');
  const announce = () => post({ state: stateOf(), leader: me });
  /**
   * The server tells a stored message to the visitor's other connections only; with one
   * connection for all tabs, the tabs that did not send it hear of it from the leader.
   */
  const tellSent = (event: string, answer: unknown, asker?: string) => {
    const ack = answer as SendMessageAck;
    if (event !== 'message:send' || !ack.ok) return;
    post({ event: 'message:new', payload: ack.message, except: asker });
    if (asker) dispatch('message:new', ack.message);
  };
  /** The socket as the leading tab's own transport uses it. */
  const asLeader: Link = {
    get connected() {
      return socket.connected;
    },
    emit: (event, payload) => socket.emit(event as 'page', payload as never),
    get volatile() {
      return socket.volatile as unknown as Link;
    },
    timeout: (ms) => ({
      emitWithAck: (event, payload) =>
        socket
          .timeout(ms)
          .emitWithAck(event as 'attachment:url', payload as never)
          .then((answer) => {
            tellSent(event, answer);
            return answer;
          }),
    }),
    connect: () => socket.connect(),
    disconnect: () => socket.disconnect(),
  };
  const lead = () => {
    if (role !== 'follower') return;
    unfollow();
    role = 'leader';
    port.route(asLeader);
    socket.connect();
    // Every event this tab listens to, but the session: it answers one connection's
    // handshake, and the other tabs ask for their own.
    const forwards = [...port.events]
      .filter((event) => event !== 'session')
      .map((event) => [event, (payload: unknown) => post({ event, payload })] as const);
    forwards.forEach(([event, forward]) => {
      forwarders.add(forward);
      socket.on(event as 'typing', forward);
    });
    socket.on('connect', announce);
    socket.on('disconnect', announce);
    socket.on('connect_error', announce);
    const heartbeat = locks ? undefined : setInterval(announce, FALLBACK.heartbeatMs);
    stopRelay = () => {
      clearInterval(heartbeat);
      forwards.forEach(([event, forward]) => socket.off(event as 'typing', forward));
      forwarders.clear();
      socket.off('connect', announce);
      socket.off('disconnect', announce);
      socket.off('connect_error', announce);
    };
    announce();
  };
  const relay = (word: Word) => {
    if ('hello' in word) announce();
    else if ('reconnect' in word) {
      if (!socket.connected) {
        socket.disconnect();
        socket.connect();
      }
    } else if ('emit' in word) {
      if (socket.connected) socket.emit(word.emit as 'page', word.payload as never);
    } else if ('ask' in word) {
      const { id, from } = word;
      socket
        .timeout(LIMITS.ackTimeoutMs)
        .emitWithAck(word.ask as 'attachment:url', word.payload as never)
        .then(
          (answer) => {
            post({ to: from, id, answer });
            tellSent(word.ask, answer, from);
          },
          () => post({ to: from, id, lost: true }),
        );
    } else if ('state' in word && !locks && word.leader < me) {
      // Two leaders after a split (no locks): the lower id keeps the lead.
      demote();
    }
  };
  const demote = () => {
    stopRelay?.();
    socket.disconnect();
    role = 'follower';
    follow();
  };

  // Following --------------------------------------------------------------------------
  let leaderState: ConnectionState = 'connecting';
  let leader = '';
  let heardAt = Date.now();
  let asked = 0;
  const waiting = new Map<number, { resolve(answer: unknown): void; reject(error: Error): void }>();
  const giveUpAsks = () => {
    waiting.forEach(({ reject }) => reject(new Error('the leading tab went away')));
    waiting.clear();
  };
  /** The socket as the transport sees it while another tab leads. */
  const viaLeader: Link = {
    get connected() {
      return leaderState === 'online';
    },
    emit: (event, payload) => post({ emit: event, payload }),
    get volatile() {
      return viaLeader;
    },
    timeout: (ms) => ({
      emitWithAck: (event, payload) =>
        new Promise((resolve, reject) => {
          const id = ++asked;
          const timer = setTimeout(() => {
            waiting.delete(id);
            reject(new Error('operation has timed out'));
          }, ms);
          waiting.set(id, {
            resolve(answer) {
              clearTimeout(timer);
              resolve(answer);
            },
            reject(error) {
              clearTimeout(timer);
              reject(error);
            },
          });
          post({ ask: event, payload, id, from: me });
        }),
    }),
    // Reconnecting is the leader's to do; it is asked to.
    connect: () => post({ reconnect: true }),
    disconnect: () => {},
  };
  /** This tab's own listeners get what the leader's socket got. */
  const dispatch = (event: string, payload: unknown) =>
    (socket.listeners(event as 'session') as ((payload: unknown) => void)[])
      .filter((handler) => !forwarders.has(handler))
      .forEach((handler) => handler(payload));
  /** Catches up by this tab's own change number, through the leader. */
  const resume = () => {
    const { conversationId = null, lastChange = 0 } = port.auth();
    void viaLeader
      .timeout(LIMITS.ackTimeoutMs)
      .emitWithAck('session:resume', { conversationId, lastChange })
      .then((ack) => {
        const answer = ack as SessionResumeAck;
        if (role !== 'follower' || !answer.ok) return;
        dispatch('session', answer.session);
        if (answer.availability) dispatch('availability', answer.availability);
        reportPage();
      })
      .catch(() => {});
  };
  const follow = () => {
    leaderState = 'connecting';
    leader = '';
    heardAt = Date.now();
    port.route(viaLeader);
    post({ hello: me });
    // Without locks, a tab that hears no leader soon claims the lead (the first tab, say).
    if (!locks) setTimeout(() => leader || claim(), FALLBACK.claimMs);
  };
  const unfollow = () => giveUpAsks();
  const heard = (word: Word) => {
    if ('state' in word) {
      heardAt = Date.now();
      const changed = word.leader !== leader;
      if (changed) giveUpAsks();
      const wasOnline = leaderState === 'online' && !changed;
      leader = word.leader;
      leaderState = word.state;
      port.onState(word.state);
      if (word.state === 'online' && !wasOnline) resume();
    } else if ('bye' in word && word.bye === leader) {
      giveUpAsks();
      leaderState = 'connecting';
      port.onState('connecting');
      if (!locks) claim();
    } else if ('to' in word && word.to === me) {
      heardAt = Date.now();
      const ask = waiting.get(word.id);
      waiting.delete(word.id);
      if (word.lost) ask?.reject(new Error('operation has timed out'));
      else ask?.resolve(word.answer);
    }
  };

  // Electing without locks ------------------------------------------------------------
  let claims: string[] | undefined;
  const claim = () => {
    if (claims || role !== 'follower') return;
    claims = [me];
    post({ claim: me });
    setTimeout(() => {
      const won = claims && [...claims].sort()[0] === me && Date.now() - heardAt >= FALLBACK.claimMs;
      claims = undefined;
      if (won) lead();
      else heardAt = Date.now();
    }, FALLBACK.claimMs);
  };
  const watchdog = locks
    ? undefined
    : setInterval(() => {
        if (role === 'follower' && Date.now() - heardAt > FALLBACK.silenceMs) claim();
      }, FALLBACK.heartbeatMs / 2);

  // The channel ------------------------------------------------------------------------
  channel.onmessage = ({ data }: MessageEvent<Word>) => {
    if ('event' in data) {
      if (data.except !== me) dispatch(data.event, data.payload);
      return;
    }
    if ('claim' in data) {
      if (role === 'leader') announce();
      else claims?.push(data.claim);
      return;
    }
    if (role === 'leader') relay(data);
    else if (role === 'follower') heard(data);
  };

  // The operator sees the page the visitor looks at: a tab coming to the front says where it is.
  const reportPage = () => {
    const { page } = port.auth();
    if (!page || document.visibilityState !== 'visible') return;
    if (role === 'leader') {
      if (socket.connected) socket.emit('page', page);
    } else if (role === 'follower' && viaLeader.connected) viaLeader.emit('page', page);
  };
  listen(document, 'visibilitychange', reportPage);

  // A frozen tab cannot lead: it hands over, and takes its place in line again on resume.
  listen(document, 'freeze', () => {
    port.stop?.();
    const onResume = () => join(port);
    document.addEventListener('resume', onResume, { once: true });
    port.stop = () => document.removeEventListener('resume', onResume);
  });

  let release: (() => void) | undefined;
  const abort = new AbortController();
  const stop = () => {
    if (role === 'stopped') return;
    if (role === 'leader') {
      stopRelay?.();
      socket.disconnect();
      post({ bye: me });
    }
    role = 'stopped';
    port.route(socket as unknown as Link);
    giveUpAsks();
    clearInterval(watchdog);
    cleanups.forEach((cleanup) => cleanup());
    abort.abort();
    release?.();
    channel.close();
  };
  const heldBefore = port.stop;
  port.stop = () => {
    heldBefore?.();
    stop();
  };

  if (leading) {
    lead();
    return;
  }
  follow();
  // In line for the lock: granted when the leader's tab closes, crashes or hands over.
  locks
    ?.request(port.name, { signal: abort.signal }, () => {
      if (role === 'stopped') return;
      lead();
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    })
    .catch(() => {});
}
