/**
 * Server nodes as child processes, as production runs them (`node server/dist/main.js`
 * from the built files), so that a SIGKILL in a test is a real one. The built files are
 * rebuilt first when a server source is newer than them. Each node reads its settings
 * from the environment: PORT, PUBLIC_URL, DATABASE_URL, REDIS_URL, SITES_FILE, ...
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SiteConfig } from '../../server/src/sites';
import { freePort } from './engines';

const root = new URL('../..', import.meta.url).pathname;
const serverDir = join(root, 'server');
const entry = join(serverDir, 'dist', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    newest = Math.max(newest, name.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds server/dist when it is missing or older than server/src or the shared protocol. */
export function ensureServerBuild(): void {
  let built = 0;
  try {
    built = statSync(entry).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(newestMtime(join(serverDir, 'src')), newestMtime(join(root, 'src', 'protocol')));
  if (built >= sources) return;
  execFileSync(process.execPath, [join(serverDir, 'build.mjs')], { cwd: serverDir, stdio: 'inherit' });
}

/** Writes the sites file the nodes read (SITES_FILE). */
export function writeSitesFile(dir: string, sites: SiteConfig[]): string {
  const file = join(dir, 'sites.json');
  // The file format leaves out an empty greeting rather than writing "".
  writeFileSync(
    file,
    JSON.stringify({ sites: sites.map(({ greeting, ...site }) => (greeting ? { greeting, ...site } : site)) }),
  );
  return file;
}

export interface ServerNode {
  url: string;
  port: number;
  /** What the node printed, for a failing test's message. */
  output(): string;
  /** SIGKILL: no shutdown, no goodbye, as a crash looks. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  exited: boolean;
}

export interface NodeOptions {
  env: Record<string, string>;
  port?: number;
  readyWithinMs?: number;
  /** False: return as soon as the process runs, to watch it while it starts. */
  waitUntilReady?: boolean;
}

async function waitReady(url: string, child: ChildProcess, ms: number, output: () => string) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server node exited with ${child.exitCode}:\n${output()}`);
    try {
      // Answered by socket.io only once it is attached: the node takes connections.
      const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server node at ${url} not ready within ${ms} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startNode(options: NodeOptions): Promise<ServerNode> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const node: ServerNode = {
    url,
    port,
    exited: false,
    output: () => log,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exit;
    },
  };
  void exit.then(() => (node.exited = true));
  // A test run that dies must not leave nodes behind.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  void exit.then(() => process.removeListener('exit', reap));
  if (options.waitUntilReady === false) return node;
  try {
    await waitReady(url, child, options.readyWithinMs ?? 20_000, node.output);
  } catch (error) {
    await node.kill();
    throw error;
  }
  return node;
}
