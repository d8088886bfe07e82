/**
 * The clients of the store benchmark, in a process of their own: the server under test
 * does not share its event loop (or its CPU time) with the hundreds or thousands of
 * socket.io clients that load it. The relay baseline is loaded by this same generator,
 * so the ratio between the two compares servers, not client code.
 *
 * Driven over IPC by bench/support/generator-client.ts: each request names an action,
 * gets one answer, and every wait inside is bounded, so a server that stops answering
 * ends the benchmark with a message saying where instead of leaving it waiting forever.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { OPERATOR_NAMESPACE, VISITOR_NAMESPACE, newId } from '../../src/protocol';

export type GeneratorRequest =
  /** `count` visitors that will send (the "senders"), and, with a token, one operator console listening. */
  | { action: 'senders'; url: string; count: number; operatorToken?: string }
  /** One operator console listening (it hears every visitor come and go). */
  | { action: 'console'; url: string; operatorToken: string }
  /** Every sender sends back to back for `seconds`; each waits for its ack before the next. */
  | { action: 'blast'; seconds: number }
  /** One visitor, `count` sequential send → ack round trips (after `warmUp` unmeasured ones). */
  | { action: 'probe'; url: string; count: number; warmUp: number }
  /** `count` connected visitors on a page that do nothing (each waits for its `session`). */
  | { action: 'idle'; url: string; count: number }
  /** Disconnects `count` of the idle visitors at once. */
  | { action: 'leave'; count: number }
  /** Keeps probing until `stopProbing`; answers with the longest round trip. */
  | { action: 'probeUntilStopped'; url: string }
  | { action: 'stopProbing' }
  | { action: 'close' };

export interface GeneratorAnswer {
  id: number;
  ok: boolean;
  error?: string;
  value?: unknown;
}

const CONNECT_MS = 30_000;
const ACK_MS = 10_000;

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A visitor that has its `session`; fails (never waits forever) on refusal, drop or silence. */
function visitor(url: string, page?: { url: string; title: string }): Promise<Socket> {
  const socket = io(url + VISITOR_NAMESPACE, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { site: 'shop', visitorId: newId(), ...(page ? { page } : {}) },
  });
  const ready = new Promise<Socket>((resolve, reject) => {
    socket.once('session', () => resolve(socket));
    socket.once('connect_error', reject);
    socket.once('disconnect', (reason) => reject(new Error(`disconnected before its session: ${reason}`)));
  });
  return within(CONNECT_MS, 'visitor session', ready).catch((error: unknown) => {
    socket.disconnect();
    throw error;
  });
}

async function connectMany(url: string, count: number, page?: { url: string; title: string }): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 200) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(200, count - i) }, () => visitor(url, page)))));
  }
  return sockets;
}

async function operatorConsole(url: string, token: string): Promise<Socket> {
  const console = io(url + OPERATOR_NAMESPACE, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token },
  });
  await within(
    CONNECT_MS,
    'operator connect',
    new Promise<void>((resolve, reject) => {
      console.once('connect', () => resolve());
      console.once('connect_error', reject);
    }),
  );
  return console;
}

async function send(socket: Socket, text: string): Promise<void> {
  const ack = (await socket.timeout(ACK_MS).emitWithAck('message:send', { clientId: newId(), text })) as {
    ok: boolean;
  };
  if (!ack.ok) throw new Error(`message refused: ${JSON.stringify(ack)}`);
}

let senders: Socket[] = [];
let operator: Socket | undefined;
let idle: Socket[] = [];
let prober: Socket | undefined;
let probing: Promise<number> | undefined;
let keepProbing = false;

async function handle(request: GeneratorRequest): Promise<unknown> {
  switch (request.action) {
    case 'senders': {
      senders = await connectMany(request.url, request.count);
      if (request.operatorToken) operator = await operatorConsole(request.url, request.operatorToken);
      // Warm-up (statement caches, JIT), not counted.
      await Promise.all(senders.map((s) => send(s, 'warm-up')));
      return senders.length;
    }
    case 'console':
      operator = await operatorConsole(request.url, request.operatorToken);
      return true;
    case 'blast': {
      let acked = 0;
      const start = performance.now();
      const until = start + request.seconds * 1000;
      await Promise.all(
        senders.map(async (s, i) => {
          while (performance.now() < until) {
            await send(s, `message from sender ${i}`);
            acked++;
          }
        }),
      );
      return { acked, seconds: (performance.now() - start) / 1000 };
    }
    case 'probe': {
      prober ??= await visitor(request.url);
      const samples: number[] = [];
      for (let i = 0; i < request.warmUp + request.count; i++) {
        const start = performance.now();
        await send(prober, `probe ${i}`);
        if (i >= request.warmUp) samples.push(performance.now() - start);
      }
      return samples;
    }
    case 'idle':
      // On a page, as the widget connects: each has a page view, ended when they leave.
      idle.push(
        ...(await connectMany(request.url, request.count, { url: 'https://shop.example/sofas', title: 'Sofas' })),
      );
      return idle.length;
    case 'leave': {
      const leaving = idle.splice(0, request.count);
      leaving.forEach((s) => s.disconnect());
      return leaving.length;
    }
    case 'probeUntilStopped': {
      prober ??= await visitor(request.url);
      const socket = prober;
      keepProbing = true;
      probing = (async () => {
        let longest = 0;
        while (keepProbing) {
          const start = performance.now();
          await send(socket, 'while others leave');
          longest = Math.max(longest, performance.now() - start);
        }
        return longest;
      })();
      // Answered at once; the longest round trip comes with `stopProbing`.
      probing.catch(() => {});
      return true;
    }
    case 'stopProbing':
      keepProbing = false;
      return await probing;
    case 'close':
      [...senders, ...idle, ...(operator ? [operator] : []), ...(prober ? [prober] : [])].forEach((s) =>
        s.disconnect(),
      );
      senders = [];
      idle = [];
      operator = undefined;
      prober = undefined;
      return true;
  }
}

process.on('message', (message: { id: number; request: GeneratorRequest }) => {
  handle(message.request).then(
    (value) => process.send!({ id: message.id, ok: true, value } satisfies GeneratorAnswer),
    (error: unknown) =>
      process.send!({
        id: message.id,
        ok: false,
        error: String((error as Error)?.message ?? error),
      } satisfies GeneratorAnswer),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ id: 0, ok: true, value: 'ready' } satisfies GeneratorAnswer);
