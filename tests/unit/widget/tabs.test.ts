// The election and the relay of src/widget/tabs.ts, tab by tab in one process: Node's real
// BroadcastChannel joins the tabs. Two stand-ins, both for what this process has not got:
// a socket that plays the server (what goes over the wire is the browser tests' part,
// tests/e2e/tabs.test.ts, against the real server in Chromium), and a Web Lock manager
// (Node 20 has none), which grants, queues and releases as the browser's does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/protocol';
import { env, FALLBACK, join } from '../../../src/widget/tabs';
import type { ConnectionState, Link, TabsPort, VisitorSocket } from '../../../src/widget/transport';
import { until } from '../../support/until';

type Handler = (payload: unknown) => void;

/** A socket whose server answers at once: acks by event, events pushed with `fromServer`. */
class PlayedSocket {
  connected = false;
  active = false;
  connects = 0;
  sent: { event: string; payload: unknown }[] = [];
  private handlers = new Map<string, Handler[]>();
  on(event: string, handler: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  off(event: string, handler: Handler) {
    this.handlers.set(
      event,
      (this.handlers.get(event) ?? []).filter((h) => h !== handler),
    );
    return this;
  }
  listeners(event: string) {
    return [...(this.handlers.get(event) ?? [])];
  }
  fromServer(event: string, payload: unknown) {
    this.listeners(event).forEach((handler) => handler(payload));
  }
  connect() {
    if (this.active) return this;
    this.active = true;
    this.connects++;
    queueMicrotask(() => {
      this.connected = true;
      this.fromServer('connect', undefined);
    });
    return this;
  }
  disconnect() {
    const was = this.connected;
    this.active = this.connected = false;
    if (was) this.fromServer('disconnect', undefined);
    return this;
  }
  emit(event: string, payload: unknown) {
    this.sent.push({ event, payload });
    return this;
  }
  get volatile() {
    return this;
  }
  timeout() {
    return {
      emitWithAck: async (event: string, payload: unknown) => {
        this.sent.push({ event, payload });
        if (event === 'message:send') return { ok: true, message: stored((payload as { text: string }).text) };
        if (event === 'session:resume')
          return { ok: true, session: { messages: [], asked: payload }, availability: null };
        return { ok: false, error: { code: 'invalid', message: event } };
      },
    };
  }
}

let seq = 0;
const stored = (text: string) =>
  ({
    id: `m${++seq}`,
    clientId: `c${seq}`,
    conversationId: 'c1',
    author: 'visitor',
    text,
    seq,
  }) as unknown as ChatMessage;

/** The browser's Web Lock manager, as far as the tabs use it: exclusive, queued, ifAvailable, signal. */
function lockManager() {
  let held = false;
  const line: (() => void)[] = [];
  const grant = (callback: (lock: unknown) => unknown) => {
    held = true;
    return Promise.resolve(callback({ name: 'x' })).finally(() => {
      held = false;
      line.shift()?.();
    });
  };
  return {
    request(
      _name: string,
      options: { ifAvailable?: boolean; signal?: AbortSignal },
      callback: (lock: unknown) => unknown,
    ) {
      if (!held) return grant(callback);
      if (options.ifAvailable) return Promise.resolve(callback(null));
      return new Promise((resolve, reject) => {
        const turn = () => grant(callback).then(resolve, reject);
        line.push(turn);
        options.signal?.addEventListener('abort', () => {
          line.splice(line.indexOf(turn), 1);
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    },
  } as unknown as LockManager;
}

interface Tab {
  port: TabsPort;
  socket: PlayedSocket;
  states: ConnectionState[];
  heard: { event: string; payload: unknown }[];
  link(): Link;
}

const tabs: Tab[] = [];
let name = '';
function openTab(): Tab {
  const socket = new PlayedSocket();
  const states: ConnectionState[] = [];
  const heard: Tab['heard'] = [];
  for (const event of ['session', 'message:new', 'availability']) {
    socket.on(event, (payload) => heard.push({ event, payload }));
  }
  let link = socket as unknown as Link;
  const port: TabsPort = {
    name,
    socket: socket as unknown as VisitorSocket,
    auth: () => ({ conversationId: 'c1', lastChange: 7 }) as never,
    onState: (state) => states.push(state),
    events: new Set(['session', 'message:new', 'availability']),
    route(next) {
      link = next;
    },
  };
  const tab = { port, socket, states, heard, link: () => link };
  tabs.push(tab);
  join(port);
  return tab;
}
const realLocks = env.locks;

afterEach(() => {
  tabs.splice(0).forEach((tab) => tab.port.stop?.());
  env.locks = realLocks;
});

describe.each([
  ['Web Locks', () => lockManager()],
  ['the BroadcastChannel fallback', () => undefined],
])('tabs elect one leader with %s', (_, locks) => {
  // Each test a fresh channel name and lock manager, and short fallback timings.
  beforeEach(() => {
    name = `tabs-${Math.random()}`;
    const manager = locks();
    env.locks = () => manager;
    Object.assign(FALLBACK, { heartbeatMs: 100, silenceMs: 250, claimMs: 40 });
  });

  it('one tab connects; the others go through it, both ways', async () => {
    const first = openTab();
    await until(() => first.socket.connected);
    const second = openTab();
    const third = openTab();
    // The followers hear the leader is online and catch up by their own change number.
    await until(
      () => second.heard.some((h) => h.event === 'session') && third.heard.some((h) => h.event === 'session'),
    );
    expect([first, second, third].map((tab) => tab.socket.connects)).toEqual([1, 0, 0]);
    expect(first.socket.sent.filter((s) => s.event === 'session:resume')).toHaveLength(2);
    expect(first.socket.sent[0]!.payload).toEqual({ conversationId: 'c1', lastChange: 7 });
    expect(second.states.at(-1)).toBe('online');
    expect(second.link().connected).toBe(true);

    // A server event reaches every tab.
    first.socket.fromServer('message:new', stored('from the operator'));
    await until(() => [second, third].every((tab) => tab.heard.some((h) => h.event === 'message:new')));

    // A follower's send goes out on the leader's socket; its answer comes back to it, and
    // the other tabs (the leader too) hear of the message, as the server tells other connections.
    const ack = (await second.link().timeout(1000).emitWithAck('message:send', { text: 'from tab two' })) as {
      ok: boolean;
      message: ChatMessage;
    };
    expect(ack.ok).toBe(true);
    expect(first.socket.sent.at(-1)).toEqual({ event: 'message:send', payload: { text: 'from tab two' } });
    const told = (tab: Tab) => tab.heard.filter((h) => (h.payload as ChatMessage).text === 'from tab two').length;
    await until(() => told(first) === 1 && told(third) === 1);
    expect(told(second)).toBe(0);
    // Without an ack too (typing, page, read marks).
    second.link().emit('read', { conversationId: 'c1', seq: 3 });
    await until(() => first.socket.sent.some((s) => s.event === 'read'));
  });

  it('when the leader goes, another takes over and the rest follow it', async () => {
    const first = openTab();
    await until(() => first.socket.connected);
    const second = openTab();
    const third = openTab();
    await until(() => second.link().connected && third.link().connected);

    // An ask in flight when the leader goes is given up at once, not left to time out.
    first.socket.timeout = () => ({
      emitWithAck: (event: string, payload: unknown) => {
        first.socket.sent.push({ event, payload });
        return new Promise(() => {});
      },
    });
    const inFlight = second.link().timeout(60_000).emitWithAck('message:send', { text: 'lost ack' });
    const given = expect(inFlight).rejects.toThrow('the leading tab went away');
    await until(() => first.socket.sent.some((s) => s.event === 'message:send'));
    const left = Date.now();
    first.port.stop!();
    await given;

    await until(() => second.socket.connected || third.socket.connected);
    const [leader, follower] = second.socket.connected ? [second, third] : [third, second];
    console.info(`${_}: took over ${Date.now() - left} ms after the leader left`);
    expect(first.socket.connected).toBe(false);
    expect(follower.socket.connects).toBe(0);
    // The follower catches up through the new leader.
    await until(() => leader.socket.sent.some((s) => s.event === 'session:resume'));
    await until(() => follower.link().connected);
    leader.socket.fromServer('message:new', stored('after the takeover'));
    await until(() => follower.heard.some((h) => (h.payload as ChatMessage).text === 'after the takeover'));
  });
});
