/**
 * Uploaded files in an S3-compatible object store: the same contract as the disk store
 * (put, whole and ranged get, missing, delete, server-chosen keys only), then a server
 * that keeps its files there: a visitor's upload is stored as an object, downloaded
 * through the signed URL with a byte range, and deleted with the visitor's erase.
 *
 * The store is s3rver, an S3-compatible server from npm, on 127.0.0.1 with its own
 * folder: MinIO and AWS cannot run here. s3rver answers the S3 REST API (paths, ranges,
 * error codes) but does not check Signature Version 4; the signing is checked against
 * AWS's published example in tests/unit/server/s3-signing.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type Attachment, type UploadGrantAck } from '../../src/protocol';
import { diskFileStore, type FileStore } from '../../server/src/files/file-store';
import { s3FileStore, type S3Options } from '../../server/src/files/s3-file-store';
import type { SiteConfig } from '../../server/src/sites';
import { pdf } from '../support/sample-files';
import { connectVisitor, socketTracker, startHarness, testSites, type Harness } from '../support/server';

const BUCKET = 'confab-files';
const folder = mkdtempSync(join(tmpdir(), 'confab-s3-'));
let s3: S3rver;
let options: S3Options;

beforeAll(async () => {
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(folder, 's3'),
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = await s3.run();
  options = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: BUCKET,
    region: 'us-east-1',
    prefix: 'uploads/',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
  };
});
afterAll(async () => {
  await s3?.close();
  rmSync(folder, { recursive: true, force: true });
});

const text = async (body: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
};

describe.each([
  ['on disk', () => diskFileStore(join(folder, 'disk'))],
  ['in an S3-compatible store', () => s3FileStore(options)],
])('the file store %s', (_name, open: () => FileStore) => {
  it('keeps bytes under a key, gives them back whole or by range, and deletes them', async () => {
    const store = open();
    const key = newId();
    const bytes = Buffer.from('Order 1234: the blue one, size M.');
    await store.put(key, Readable.from([bytes]), bytes.length);
    const whole = await store.get(key);
    expect(whole!.size).toBe(bytes.length);
    expect(await text(whole!.body)).toBe(bytes.toString());
    const part = await store.get(key, { start: 6, end: 9 });
    expect(part!.size).toBe(bytes.length);
    expect(await text(part!.body)).toBe('1234');
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
    // Deleting what is gone is not an error: sweeps may meet a file twice.
    await store.delete(key);
  });

  it('takes only server-chosen keys', async () => {
    const store = open();
    await expect(store.put('../../etc/passwd', Readable.from([Buffer.from('x')]), 1)).rejects.toThrow(
      'not a storage key',
    );
    await expect(store.get('a/b')).rejects.toThrow('not a storage key');
  });
});

describe('an S3-compatible store that refuses', () => {
  it('fails the put with the store’s error code, not silently', async () => {
    const store = s3FileStore({ ...options, bucket: 'no-such-bucket' });
    await expect(store.put(newId(), Readable.from([Buffer.from('x')]), 1)).rejects.toThrow(
      /S3 PUT answered 404 \(NoSuchBucket\)/,
    );
  });
});

describe('a server keeping its files in the S3-compatible store', () => {
  const API_TOKEN = 'owner-token-s3-0123456789abcdef';
  const sockets = socketTracker();
  let harness: Harness;
  let files: FileStore;
  beforeAll(async () => {
    const [shop] = testSites();
    const sites: SiteConfig[] = [{ ...shop!, apiTokenSha256: createHash('sha256').update(API_TOKEN).digest('hex') }];
    files = s3FileStore(options);
    harness = await startHarness({ sites, server: { fileStore: files } });
  });
  afterAll(async () => {
    sockets.closeAll();
    await harness?.cleanup();
  });

  it('stores an upload as an object, serves it by its signed URL, and erases it with the visitor', async () => {
    const { socket, visitorId } = await connectVisitor(harness.server.url);
    sockets.track(socket);
    const body = pdf('kept in S3');
    const granted = (await socket.timeout(5000).emitWithAck('upload:grant', {
      key: newId(),
      name: 'terms.pdf',
      size: body.length,
      mime: 'application/pdf',
    })) as UploadGrantAck;
    if (!granted.ok || !('grant' in granted)) throw new Error(JSON.stringify(granted));
    const uploaded = await fetch(granted.grant.url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${granted.grant.token}` },
      body: new Uint8Array(body),
    });
    expect(uploaded.status).toBe(201);
    const { attachment } = (await uploaded.json()) as { attachment: Attachment };

    const download = await fetch(attachment.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(body);
    const range = await fetch(attachment.url, { headers: { Range: 'bytes=0-7' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 0-7/${body.length}`);
    expect(await range.text()).toBe('%PDF-1.4');

    // The one object in the bucket is this file, under a server-chosen key.
    const stored = await harness.server.store.getAttachment(attachment.id);
    expect((await files.get(stored!.storageKey!))?.size).toBe(body.length);

    socket.disconnect();
    const erased = await fetch(`${harness.server.url}/api/sites/shop/visitors/erase`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${API_TOKEN}` },
      body: JSON.stringify({ visitorId }),
    });
    expect(erased.status).toBe(200);
    expect(await files.get(stored!.storageKey!)).toBeUndefined();
    expect((await fetch(attachment.url)).status).toBe(404);
  });
});
