/**
 * Files in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, Cloudflare R2, …)
 * instead of on disk: the same three operations as the disk store, over HTTP(S) with
 * path-style addresses (<endpoint>/<bucket>/<prefix><key>) and Signature Version 4.
 * Uploads stream from the checked temporary file with their length known, so nothing
 * is held in memory; downloads stream back, byte ranges included, for media players.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileStore } from './file-store';
import { signRequest, uriEncode, type S3Credentials } from './sigv4';

export interface S3Options extends S3Credentials {
  /** http(s)://host[:port][/path]: where the store answers (AWS: https://s3.<region>.amazonaws.com). */
  endpoint: string;
  bucket: string;
  /** Put before every key, e.g. "confab/" to share a bucket. */
  prefix?: string;
}

const KEY = /^[A-Za-z0-9_-]{16,64}$/;
/** A stuck store must not hold an upload or a download forever. */
const TIMEOUT_MS = 30_000;

/** Reads an error answer's S3 code (<Code>NoSuchBucket</Code>) for the log; the body is small. */
async function errorCode(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) {
    if (text.length < 2000) text += chunk;
  }
  return /<Code>([^<]{1,64})<\/Code>/.exec(text)?.[1] ?? 'no error code';
}

export function s3FileStore(options: S3Options): FileStore {
  const endpoint = new URL(options.endpoint);
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new Error('S3 endpoint: use http(s)://');
  const send = endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
  const basePath = endpoint.pathname.replace(/\/+$/, '');
  const prefix = options.prefix ?? '';

  /** Sends one signed request; resolves with the response (its body not read yet). */
  function call(
    method: 'PUT' | 'GET' | 'DELETE',
    key: string,
    headers: Record<string, string> = {},
    body?: Readable,
  ): Promise<IncomingMessage> {
    if (!KEY.test(key)) throw new Error('not a storage key');
    const path = `${basePath}/${options.bucket}/${prefix}${key}`;
    const signed = signRequest({ method, host: endpoint.host, path, headers }, options);
    return new Promise((resolve, reject) => {
      const req = send(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port || undefined,
          method,
          // The path exactly as signed: percent-encoded once.
          path: uriEncode(path, true),
          headers: signed,
          timeout: TIMEOUT_MS,
        },
        resolve,
      );
      req.on('timeout', () => req.destroy(new Error(`S3 ${method}: no answer in ${TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      if (body) pipeline(body, req).catch(reject);
      else req.end();
    });
  }

  const failed = async (method: string, res: IncomingMessage) =>
    new Error(`S3 ${method} answered ${res.statusCode} (${await errorCode(res)})`);

  return {
    async put(key, body, size) {
      const res = await call(
        'PUT',
        key,
        { 'content-length': String(size), 'content-type': 'application/octet-stream' },
        body,
      );
      if (res.statusCode !== 200) throw await failed('PUT', res);
      res.resume();
    },
    async get(key, range) {
      const res = await call('GET', key, range ? { range: `bytes=${range.start}-${range.end}` } : {});
      if (res.statusCode === 404) {
        res.resume();
        return undefined;
      }
      if (res.statusCode !== 200 && res.statusCode !== 206) throw await failed('GET', res);
      // A range answer names the whole size after the slash; a full one is its length.
      const whole = /\/(\d+)$/.exec(res.headers['content-range'] ?? '')?.[1] ?? res.headers['content-length'];
      return { body: res, size: Number(whole) };
    },
    async delete(key) {
      const res = await call('DELETE', key);
      res.resume();
      if (res.statusCode !== 204 && res.statusCode !== 200 && res.statusCode !== 404) {
        throw new Error(`S3 DELETE answered ${res.statusCode}`);
      }
    },
  };
}
