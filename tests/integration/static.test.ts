import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/server';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.cleanup());

const sample = fileURLToPath(new URL('../../demo/site/index.html', import.meta.url));

describe('static files', () => {
  it('are compressed as the browser allows, and the same bytes when decompressed', async () => {
    const url = `${harness.server.url}/index.html`;
    const original = readFileSync(sample);
    const get = (encoding?: string) => fetch(url, { headers: encoding ? { 'Accept-Encoding': encoding } : {} }).then(async (res) => ({
      encoding: res.headers.get('content-encoding'),
      vary: res.headers.get('vary'),
      body: Buffer.from(await res.arrayBuffer()),
    }));
    // fetch() decompresses by itself; ask the raw way for the encoded bytes.
    const raw = async (encoding: string) => {
      const { request } = await import('node:http');
      return new Promise<{ encoding: string | undefined; body: Buffer }>((resolve) => {
        request(url, { headers: { 'Accept-Encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }).end();
      });
    };
    const br = await raw('gzip, deflate, br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body)).toEqual(original);
    const gz = await raw('gzip');
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body)).toEqual(original);
    const plain = await raw('identity');
    expect(plain.encoding).toBeUndefined();
    expect(plain.body).toEqual(original);
    expect((await get('br')).vary).toBe('Accept-Encoding');
  });

  it('never leave their folder', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/operator/../../package.json']) {
      const res = await fetch(`${harness.server.url}${path}`);
      expect(res.status, path).toBe(404);
    }
  });
});
