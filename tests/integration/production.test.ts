/**
 * The deployment as the README describes it, minus Docker: the built server copied out
 * of the repository with only its production dependencies (what the Dockerfile's runtime
 * stage holds), NODE_ENV=production, secrets from the environment and a file, behind the
 * real Caddy with deploy/Caddyfile (plain HTTP on loopback instead of a domain with TLS).
 * Caddy is Debian's `caddy` package; without it the proxy part is skipped with the command
 * that installs it, and under CI=true it must be there.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VISITOR_NAMESPACE, newId, type VisitorSession } from '../../src/protocol';
import { hashPassword } from '../../server/src/passwords';
import { openStore } from '../../server/src/store';
import { testStore, type VisitorClient } from '../support/server';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const CADDY = '/usr/bin/caddy';
const hasCaddy = existsSync(CADDY);
if (!hasCaddy && process.env.CI === 'true') throw new Error('Caddy is missing: apt-get install -y caddy');
if (!hasCaddy)
  console.warn('production.test: the reverse-proxy part is skipped; install Caddy with: apt-get install -y caddy');

const work = mkdtempSync(join(tmpdir(), 'confab-production-'));
const app = join(work, 'app');
const dataDir = join(work, 'data');
const PASSWORD = 'a-production-password';
const IDENTITY_SECRET = 'i'.repeat(40);

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Copies what the Dockerfile's runtime stage copies, outside the repository so nothing else resolves. */
function assembleApp() {
  for (const path of ['server/package.json', 'server/dist', 'dist', 'console/dist']) {
    cpSync(join(repository, path), join(app, path), { recursive: true });
  }
  // The server package's production dependencies, as `npm ci --omit=dev --workspace server` installs them.
  const listed = execFileSync('npm', ['ls', '--omit=dev', '--workspace', 'server', '--all', '--parseable'], {
    cwd: repository,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // `--omit=optional` too, as the Dockerfile: valibot's optional peer is TypeScript, needed only to type-check.
  const lock = JSON.parse(readFileSync(join(repository, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }>;
  };
  const topLevel = new Set(
    listed
      .split('\n')
      .map((path) => relative(repository, path.trim()))
      .filter((path) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && path !== 'node_modules/@confab/server')
      .filter((path) => {
        const entry = lock.packages[path];
        return entry && !entry.dev && !entry.devOptional && !entry.optional;
      }),
  );
  for (const path of topLevel) cpSync(join(repository, path), join(app, path), { recursive: true, dereference: true });
  return topLevel;
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${seen}`)));
  });
}

let server: ChildProcess;
/** What the server logged (JSON lines), for a failure to show. */
let serverLog = '';
let caddy: ChildProcess | undefined;
let direct: string;
let proxied: string;
let dependencies: Set<string>;

/** PostgreSQL, as the compose file runs it, on the PostgreSQL run; the embedded store otherwise. */
let databaseUrl: string | undefined;

beforeAll(async () => {
  if (testStore === 'postgres') {
    const { inject } = await import('vitest');
    const { createDatabase } = await import('../support/postgres');
    databaseUrl = await createDatabase(inject('postgresUrl'));
  }
  dependencies = assembleApp();
  mkdirSync(dataDir);
  writeFileSync(join(work, 'identity_secret'), `${IDENTITY_SECRET}\n`);
  const [serverPort, proxyPort] = [await freePort(), await freePort()];
  direct = `http://127.0.0.1:${serverPort}`;
  proxied = `http://127.0.0.1:${proxyPort}`;
  writeFileSync(
    join(work, 'sites.json'),
    JSON.stringify({
      sites: [
        {
          id: 'shop',
          name: 'Shop',
          allowedOrigins: ['https://www.example.com'],
          operators: [
            {
              id: 'anna',
              login: 'anna',
              name: 'Anna',
              avatar: '/avatars/anna.svg',
              passwordHash: { env: 'ANNA_PASSWORD_HASH' },
            },
          ],
          identitySecret: { file: join(work, 'identity_secret') },
        },
      ],
    }),
  );
  server = spawn(process.execPath, ['server/dist/main.js'], {
    cwd: app,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(serverPort),
      PUBLIC_URL: hasCaddy ? proxied : direct,
      TRUST_PROXY: 'loopback',
      DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      SITES_FILE: join(work, 'sites.json'),
      ANNA_PASSWORD_HASH: await hashPassword(PASSWORD, { ln: 12, r: 8, p: 1 }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  await waitForLine(server, /"msg":"listening"/, 'the server');
  if (!hasCaddy) return;
  // deploy/Caddyfile as shipped; only the upstream's address differs (no compose network here).
  const caddyfile = readFileSync(join(repository, 'deploy/Caddyfile'), 'utf8').replace(
    'reverse_proxy confab:8080 confab-2:8080',
    `reverse_proxy 127.0.0.1:${serverPort}`,
  );
  expect(caddyfile).not.toBe(readFileSync(join(repository, 'deploy/Caddyfile'), 'utf8'));
  writeFileSync(join(work, 'Caddyfile'), `{\n\tadmin off\n}\n${caddyfile}`);
  caddy = spawn(CADDY, ['run', '--config', join(work, 'Caddyfile'), '--adapter', 'caddyfile'], {
    env: { PATH: process.env.PATH, HOME: work, XDG_DATA_HOME: work, XDG_CONFIG_HOME: work, CONFAB_DOMAIN: proxied },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let caddyLog = '';
  caddy.stderr!.on('data', (chunk: Buffer) => (caddyLog += chunk.toString()));
  await waitForLine(caddy, /serving initial configuration/, 'caddy');
  // Caddy's first active health check decides when it routes to the server.
  const deadline = Date.now() + 10_000;
  while (
    (await fetch(`${proxied}/healthz`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (Date.now() > deadline) throw new Error(`caddy never routed to the server: ${caddyLog.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 60_000);

afterAll(async () => {
  caddy?.kill('SIGTERM');
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
  rmSync(work, { recursive: true, force: true });
}, 30_000);

describe('the built server in production, on production dependencies only', { timeout: 15_000 }, () => {
  it('runs without any development package', () => {
    for (const development of ['tsx', 'vitest', 'esbuild', 'rollup', 'typescript', 'happy-dom']) {
      expect(existsSync(join(app, 'node_modules', development)), development).toBe(false);
    }
    expect(dependencies.has('node_modules/pino')).toBe(true);
  });

  it('serves the widget and the console, and no demo page', async () => {
    const status = async (path: string) => (await fetch(`${direct}${path}`)).status;
    expect(await status('/loader.js')).toBe(200);
    expect(await status('/operator/')).toBe(200);
    expect(await status('/')).toBe(404);
    expect(await status('/designer/')).toBe(404);
  });
});

describe.skipIf(!hasCaddy)('behind Caddy with deploy/Caddyfile', { timeout: 15_000 }, () => {
  it('passes health, keeps /metrics inside, and sends the precompressed widget', async () => {
    expect((await fetch(`${proxied}/readyz`)).status).toBe(200);
    expect((await fetch(`${proxied}/metrics`)).status).toBe(404);
    expect((await fetch(`${direct}/metrics`)).status).toBe(200);
    // node:http, not fetch, which asks for its own encodings.
    const loader = await new Promise<IncomingMessage>((resolve, reject) =>
      request(`${proxied}/loader.js`, { headers: { 'Accept-Encoding': 'br' } }, resolve)
        .on('error', reject)
        .end(),
    );
    loader.resume();
    expect(loader.headers['content-encoding']).toBe('br');
    expect(loader.headers.etag).toMatch(/-br"$/);
  });

  it('hands out URLs on PUBLIC_URL, with the password hash from the environment', async () => {
    const res = await fetch(`${proxied}/api/operator/login`, {
      method: 'POST',
      body: JSON.stringify({ login: 'anna', password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { operator: { avatar: string } };
    expect(body.operator.avatar).toBe(`${proxied}/avatars/anna.svg`);
  });

  it('carries WebSockets and stores the address Caddy saw, not one the client forged', {
    timeout: 30_000,
  }, async () => {
    const visitorId = newId();
    const socket: VisitorClient = io(proxied + VISITOR_NAMESPACE, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { site: 'shop', visitorId },
      extraHeaders: { origin: 'https://www.example.com', 'X-Forwarded-For': '198.51.100.23' },
    });
    const session = await new Promise<VisitorSession>((resolve, reject) => {
      socket.once('session', resolve);
      socket.once('connect_error', reject);
    });
    expect(session.site.id).toBe('shop');
    const sent = await socket
      .timeout(5000)
      .emitWithAck('message:send', { clientId: newId(), text: 'through the proxy' });
    expect(sent.ok).toBe(true);
    socket.disconnect();
    server.kill('SIGTERM');
    const code = await new Promise((resolve) => server.once('exit', resolve));
    expect(code, `exit code; the server's last lines:\n${serverLog.slice(-3000)}`).toBe(0);
    const store = await openStore({ dataDir, databaseUrl }, newId);
    try {
      expect((await store.getVisitor('shop', visitorId))?.ip).toBe('127.0.0.1');
    } finally {
      await store.close();
    }
  });
});
