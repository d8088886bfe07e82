/**
 * Signed download URLs: `<PUBLIC_URL>/api/files/<id>?e=<expiry>&s=<HMAC>`. Only the
 * server can make one, and it gives them only to those who may see the file (the
 * conversation's visitor, the site's operators); each works until its expiry. Expiries
 * are rounded up to a step so the same file keeps the same URL for a while, and the
 * browser's cache can serve it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const STEP_MS = 10 * 60_000;

export interface UrlSigner {
  /** An absolute URL for the file, valid for at least `ttlMs`. */
  url(id: string, ttlMs: number): { url: string; expiresAt: number };
  /** Whether `expiry` and `signature` were made by this server for `id` and still hold. */
  verify(id: string, expiry: string | undefined, signature: string | undefined): boolean;
}

/**
 * The signing key, kept in a file beside the files (0600), made on first start: every
 * node that shares the files (FILES_DIR) shares the key.
 */
export function loadSigningKey(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, randomBytes(32), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    // Another node made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file);
}

export function createUrlSigner(key: Buffer, publicUrl: string, now: () => number = Date.now): UrlSigner {
  const sign = (id: string, expiresAt: number) =>
    createHmac('sha256', key).update(`file:${id}:${expiresAt}`).digest('base64url');
  return {
    url(id, ttlMs) {
      const expiresAt = Math.ceil((now() + ttlMs) / STEP_MS) * STEP_MS;
      const url = new URL(`/api/files/${encodeURIComponent(id)}`, publicUrl);
      url.searchParams.set('e', String(expiresAt));
      url.searchParams.set('s', sign(id, expiresAt));
      return { url: url.href, expiresAt };
    },
    verify(id, expiry, signature) {
      if (!expiry || !signature || !/^\d{1,15}$/.test(expiry)) return false;
      const expiresAt = Number(expiry);
      if (expiresAt <= now()) return false;
      const expected = Buffer.from(sign(id, expiresAt));
      const actual = Buffer.from(signature);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
