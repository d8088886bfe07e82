/**
 * A real Redis for the tests: Debian's `redis-server`, on a free port on 127.0.0.1, in a
 * temporary directory, without persistence (`--save ''`, no AOF): each run starts
 * empty. `stop()` and `start()` again on the same port let a test take Redis away and
 * bring it back. Missing binary: skipped with the install command, failed under CI=true
 * (tests/support/engines.ts).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineSkipReason, freePort } from './engines';

export const REDIS_INSTALL_HINT = 'Redis is not installed: apt-get install -y redis-server';

/** The redis-server binary on PATH, or undefined. */
export function redisBin(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { stdio: 'pipe' }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

export function redisSkipReason(): string | undefined {
  return engineSkipReason(redisBin() !== undefined, REDIS_INSTALL_HINT, 'Redis');
}

export interface RedisServer {
  url: string;
  port: number;
  /** Starts it again (empty) on the same port after `stop()`. */
  start(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash or a network cut would look to clients. */
  stop(): Promise<void>;
  /**
   * Holds every client's writes for `ms` (`CLIENT PAUSE ms WRITE`, Redis 6.2 or later):
   * a connection's commands after a held one wait too, as Redis answers them in order.
   * Resolves once it is in force.
   */
  pauseWrites(ms: number): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

/** Sends one inline command and resolves with the first line of its answer. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error(`redis-server on port ${port} did not answer "${line}"`));
    });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().split('\r\n')[0]!);
    });
  });
}

/** Resolves once something accepts a TCP connection and answers PING with PONG. */
async function waitForPong(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(500, () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(false));
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startRedis(): Promise<RedisServer> {
  const bin = redisBin();
  if (!bin) throw new Error(REDIS_INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'confab-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const kill = () => {
    child?.kill('SIGKILL');
    child = undefined;
  };
  const cleanup = () => {
    kill();
    rmSync(dir, { recursive: true, force: true });
  };
  // A test run that dies must not leave a server behind.
  process.once('exit', cleanup);

  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      if (child) return;
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ];
      const started = spawn(bin, args, { stdio: 'ignore' });
      child = started;
      started.once('exit', () => {
        if (child === started) child = undefined;
      });
      await waitForPong(port, 10_000);
    },
    async stop() {
      const running = child;
      if (!running) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      kill();
      await exited;
    },
    async pauseWrites(ms) {
      const answer = await command(port, `CLIENT PAUSE ${ms} WRITE`);
      if (answer !== '+OK') throw new Error(`CLIENT PAUSE answered ${answer}`);
    },
    async dispose() {
      await server.stop();
      process.removeListener('exit', cleanup);
      cleanup();
    },
  };
  await server.start();
  return server;
}
