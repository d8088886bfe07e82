// socket.io's client is replaced by a recording fake: what is tested is when the transport
// decides to connect, not the network (the browser tests cover that against a real server).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

interface FakeSocket {
  connected: boolean;
  active: boolean;
  calls: string[];
  handlers: Map<string, (...args: unknown[]) => void>;
  fire(event: string, ...args: unknown[]): void;
}
const sockets: FakeSocket[] = [];

vi.mock('socket.io-client', () => ({
  // The transport makes its own manager and asks it for the visitor namespace's socket.
  Manager: class {
    socket() {
      return fakeSocket();
    }
  },
}));

function fakeSocket() {
  const socket: FakeSocket & Record<string, unknown> = {
    connected: false,
    active: true,
    calls: [],
    handlers: new Map(),
    fire(event, ...args) {
      socket.handlers.get(event)?.(...args);
    },
    on(event: string, handler: (...args: unknown[]) => void) {
      socket.handlers.set(event, handler);
      return socket;
    },
    connect() {
      socket.calls.push('connect');
      socket.active = true;
      return socket;
    },
    disconnect() {
      socket.calls.push('disconnect');
      socket.active = false;
      socket.connected = false;
      return socket;
    },
  };
  sockets.push(socket);
  return socket;
}

const { createTransport, retryDelay } = await import('../../../src/widget/transport');

const open = () => {
  const states: string[] = [];
  const transport = createTransport({
    server: 'http://127.0.0.1:1',
    auth: () => ({}) as never,
    onState: (s) => states.push(s),
  });
  return { transport, socket: sockets.at(-1)!, states };
};
const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  setVisibility('visible');
});

describe('transport reconnects when the visitor can be reached again', () => {
  it("tries at once on the browser's online event instead of waiting out the backoff", () => {
    const { transport, socket } = open();
    // A refused connection: socket.io gave up, the transport waits its own jittered backoff.
    socket.active = false;
    socket.fire('connect_error', new Error('server restarting'));
    socket.calls.length = 0;
    dispatchEvent(new Event('online'));
    expect(socket.calls).toEqual(['disconnect', 'connect']);
    // The backoff timer was dropped: nothing else connects when it would have fired.
    vi.advanceTimersByTime(60_000);
    expect(socket.calls).toEqual(['disconnect', 'connect']);
    transport.close();
  });

  it('tries at once when a hidden tab becomes visible, not while it stays hidden', () => {
    const { transport, socket } = open();
    setVisibility('hidden');
    expect(socket.calls).toEqual([]);
    setVisibility('visible');
    expect(socket.calls).toEqual(['disconnect', 'connect']);
    transport.close();
  });

  it('leaves a live connection alone', () => {
    const { transport, socket } = open();
    socket.connected = true;
    dispatchEvent(new Event('online'));
    setVisibility('visible');
    expect(socket.calls).toEqual([]);
    transport.close();
  });

  it('keeps the jittered backoff for a server that refuses again', () => {
    const { transport, socket } = open();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    socket.active = false;
    socket.fire('connect_error', new Error('refused'));
    socket.fire('connect_error', new Error('refused'));
    dispatchEvent(new Event('online'));
    socket.active = false;
    socket.fire('connect_error', new Error('still refused'));
    socket.calls.length = 0;
    // Third refusal in a row: base 4 s, jitter 0 → 2 s; not sooner.
    expect(retryDelay(2)).toBe(2000);
    vi.advanceTimersByTime(1999);
    expect(socket.calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(socket.calls).toEqual(['connect']);
    transport.close();
  });

  it('stops listening once closed', () => {
    const { transport, socket } = open();
    transport.close();
    socket.calls.length = 0;
    dispatchEvent(new Event('online'));
    setVisibility('visible');
    expect(socket.calls).toEqual([]);
  });
});

describe('the tab that gets the lock of a shared connection', () => {
  /** A Web Lock manager that grants at once, as the browser does a free lock (Node 20 has none). */
  const grantAtOnce = {
    request: (_name: string, _options: unknown, callback: (lock: object) => unknown) => callback({}),
  };
  beforeEach(() => Object.defineProperty(navigator, 'locks', { configurable: true, value: grantAtOnce }));
  afterEach(() => Reflect.deleteProperty(navigator, 'locks'));
  const openShared = () => {
    const transport = createTransport({
      server: 'http://127.0.0.1:1',
      auth: () => ({}) as never,
      onState: () => {},
      tabs: `confab:test-${Math.random()}`,
    });
    return { transport, socket: sockets.at(-1)! };
  };

  it("connects in a task after the lock's callback, not in it: together they were a long task on a phone", async () => {
    const { transport, socket } = openShared();
    expect(socket.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.calls).toEqual(['connect']);
    transport.close();
  });

  it('does not connect once closed before that task', async () => {
    const { transport, socket } = openShared();
    transport.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.calls).not.toContain('connect');
  });
});

describe("the session's arrival", () => {
  /** A transport whose session and new messages are noted as they are told. */
  const listening = () => {
    const { transport, socket } = open();
    const told: string[] = [];
    transport.on('session', () => told.push('session'));
    transport.on('message:new', (message) => told.push(`message ${message.seq}`));
    return { transport, socket, told };
  };

  it("is told in a task after its message's, and what arrives meanwhile after it, in order", async () => {
    const { transport, socket, told } = listening();
    socket.fire('session', {});
    socket.fire('message:new', { seq: 1 });
    expect(told).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(told).toEqual(['session', 'message 1']);
    // Nothing waits now: the next event is told in its own message's task.
    socket.fire('message:new', { seq: 2 });
    expect(told).toEqual(['session', 'message 1', 'message 2']);
    transport.close();
  });

  it('tells nothing that waited once closed', async () => {
    const { transport, socket, told } = listening();
    socket.fire('session', {});
    socket.fire('message:new', { seq: 1 });
    transport.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(told).toEqual([]);
  });
});
