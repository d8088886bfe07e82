/**
 * A node between opening its port and having its gateways in place (Redis, presence and
 * the gateways take a while on a loaded machine, or long when Redis does not answer):
 * every request is answered at once, 503, so a client or a load balancer tries again or
 * elsewhere, rather than waiting on a request nobody will answer. Here the node waits on
 * a "Redis" that accepts connections and never answers, which keeps it starting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServerBuild, startNode, writeSitesFile, type ServerNode } from '../support/nodes';
import { testSites } from '../support/server';
import { until } from '../support/until';

describe('a node that is still starting', () => {
  const silent = new Set<Socket>();
  const silentRedis = createServer((socket) => {
    silent.add(socket);
    socket.on('error', () => {});
  });
  let dir: string;
  let node: ServerNode;

  beforeAll(async () => {
    ensureServerBuild();
    await new Promise<void>((resolve) => silentRedis.listen(0, '127.0.0.1', resolve));
    const { port } = silentRedis.address() as { port: number };
    dir = mkdtempSync(join(tmpdir(), 'confab-start-'));
    node = await startNode({
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, SITES_FILE: writeSitesFile(dir, testSites()), DATA_DIR: dir },
      waitUntilReady: false,
    });
  }, 60_000);

  afterAll(async () => {
    await node?.kill();
    silent.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silentRedis.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers every request at once with 503 until its gateways are in place', async () => {
    // The port opens once the store is open; then the node waits on Redis for good.
    let answer: Response | undefined;
    await until(
      async () => {
        answer = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch((error: Error) => {
          // Refused: not listening yet. Anything else (no answer within 5 s) is the failure.
          if (!String(error.cause ?? '').includes('ECONNREFUSED')) throw error;
          return undefined;
        });
        return answer !== undefined;
      },
      30_000,
      () => `the node listening:\n${node.output()}`,
    );
    expect(answer!.status).toBe(503);
    expect(answer!.headers.get('retry-after')).toBe('1');
    const login = await fetch(`${node.url}/api/operator/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: 'anna', password: 'whatever' }),
      signal: AbortSignal.timeout(5_000),
    });
    expect(login.status).toBe(503);
    // The socket.io probe the load balancer and the tests' readiness check use: refused too.
    const probe = await fetch(`${node.url}/socket.io/?EIO=4&transport=polling`, { signal: AbortSignal.timeout(5_000) });
    expect(probe.ok).toBe(false);
  });
});
