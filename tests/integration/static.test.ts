import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../server/src/static-files';
import { startHarness, type Harness } from '../support/server';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.cleanup());

const built = (path: string) => fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));

/** fetch() decompresses by itself and hides 304s; this asks the raw way. */
function raw(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | undefined>; body: Buffer }>(
    (resolve, reject) => {
      request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers as Record<string, string | undefined>,
            body: Buffer.concat(chunks),
          }),
        );
      })
        .on('error', reject)
        .end();
    },
  );
}

describe('static files', () => {
  it('are sent precompressed as the browser allows, the same bytes when decompressed', async () => {
    const url = `${harness.server.url}/loader.js`;
    const original = readFileSync(built('loader.js'));
    const br = await raw(url, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    // The build's file is sent as it is: compressed once, not per request.
    expect(br.body).toEqual(readFileSync(built('loader.js.br')));
    expect(brotliDecompressSync(br.body)).toEqual(original);
    const gz = await raw(url, { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body)).toEqual(original);
    const plain = await raw(url, { 'Accept-Encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toEqual(original);
    expect(br.headers.vary).toBe('Accept-Encoding');
    // "br;q=0" refuses brotli.
    expect((await raw(url, { 'Accept-Encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');
  });

  it('answer 304 to a matching ETag, one ETag per encoding', async () => {
    const url = `${harness.server.url}/loader.js`;
    const first = await raw(url, { 'Accept-Encoding': 'br' });
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^".+-br"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    const again = await raw(url, { 'Accept-Encoding': 'br', 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const gzip = await raw(url, { 'Accept-Encoding': 'gzip', 'If-None-Match': etag });
    expect(gzip.status).toBe(200);
    expect(gzip.headers.etag).not.toBe(etag);
  });

  it('let browsers keep hashed widget chunks for a year', async () => {
    const chunk = readdirSync(built('widget')).find((name) => /-[\w-]{8}\.js$/.test(name));
    expect(chunk).toBeDefined();
    const res = await raw(`${harness.server.url}/widget/${chunk}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await raw(`${harness.server.url}/widget/widget.js`)).headers['cache-control']).toContain('must-revalidate');
  });

  it('never leave their folder', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/operator/../../package.json']) {
      const res = await fetch(`${harness.server.url}${path}`);
      expect(res.status, path).toBe(404);
    }
  });
});

describe('the build step that compresses', () => {
  let folder: string;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'confab-static-'));
    writeFileSync(join(folder, 'app.js'), 'console.log("hello");\n'.repeat(200));
    writeFileSync(join(folder, 'tiny.css'), 'a{}');
    writeFileSync(join(folder, 'logo.png'), Buffer.alloc(500, 7));
    execFileSync(process.execPath, [fileURLToPath(new URL('../../server/precompress.mjs', import.meta.url)), folder]);
    server = createServer((req, res) => {
      if (!serveStatic([{ prefix: '/', root: folder }], req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(folder, { recursive: true, force: true });
  });

  it('writes brotli and gzip beside text files only, and only where smaller', () => {
    const names = readdirSync(folder).sort();
    expect(names).toEqual(['app.js', 'app.js.br', 'app.js.gz', 'logo.png', 'tiny.css']);
  });

  it('sends the file itself once the variant is older than it (a stale build)', async () => {
    expect((await raw(`${base}/app.js`, { 'Accept-Encoding': 'br' })).headers['content-encoding']).toBe('br');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(folder, 'app.js'), later, later);
    const res = await raw(`${base}/app.js`, { 'Accept-Encoding': 'br' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toContain('hello');
  });
});

describe('the demo pages', () => {
  it('are served only when asked for (npm start), never by a production server', async () => {
    const production = await startHarness({ demoPages: false });
    try {
      const status = async (path: string) => (await fetch(`${production.server.url}${path}`)).status;
      expect(await status('/')).toBe(404);
      expect(await status('/designer/')).toBe(404);
      expect(await status('/loader.js')).toBe(200);
      expect(await status('/operator/')).toBe(200);
      expect((await fetch(`${harness.server.url}/designer/`)).status).toBe(200);
    } finally {
      await production.cleanup();
    }
  });
});
