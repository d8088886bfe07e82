/**
 * Identity tokens for logged-in users: a JWT signed with HS256 by the site's backend
 * with the site's `identitySecret`, carrying `{ userId, name?, email?, exp }`. A valid
 * token makes the visitor that user on any device; nothing else ever does.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface VerifiedUser {
  userId: string;
  name?: string;
  email?: string;
}

export type IdentityResult = { ok: true; user: VerifiedUser } | { ok: false; reason: string };

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const sign = (data: string, secret: string) => createHmac('sha256', secret).update(data).digest();

/** What a site's backend does (shown here for tests and for the README's example). */
export function signIdentity(claims: VerifiedUser & { exp: number }, secret: string): string {
  const head = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${head}.${sign(head, secret).toString('base64url')}`;
}

export function verifyIdentity(token: unknown, secret: string | undefined, nowMs = Date.now()): IdentityResult {
  if (!secret) return { ok: false, reason: 'this site does not accept identity tokens (no identitySecret)' };
  if (typeof token !== 'string' || token.length > 4096) return { ok: false, reason: 'not a token' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a JWT (header.payload.signature)' };
  const [header, payload, signature] = parts as [string, string, string];
  let head: { alg?: unknown };
  let claims: { userId?: unknown; name?: unknown; email?: unknown; exp?: unknown };
  try {
    head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'the header or payload is not base64url JSON' };
  }
  // Only HS256: "none" or an asymmetric algorithm must never be accepted here.
  if (head.alg !== 'HS256') return { ok: false, reason: 'alg must be HS256' };
  const expected = sign(`${header}.${payload}`, secret);
  const actual = Buffer.from(signature, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { ok: false, reason: 'the signature does not match' };
  }
  if (typeof claims.exp !== 'number') return { ok: false, reason: 'exp (seconds since epoch) is missing' };
  if (claims.exp * 1000 <= nowMs) return { ok: false, reason: 'the token has expired' };
  if (typeof claims.userId !== 'string' || !claims.userId || claims.userId.length > 128) {
    return { ok: false, reason: 'userId is missing' };
  }
  const text = (value: unknown, max: number) => (typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : undefined);
  const name = text(claims.name, 100);
  const email = text(claims.email, 254);
  return { ok: true, user: { userId: claims.userId, ...(name ? { name } : {}), ...(email ? { email } : {}) } };
}
