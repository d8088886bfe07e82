/**
 * Identity tokens for logged-in users: a JWT signed with HS256 by the site's backend
 * with the site's `identitySecret`, carrying `{ userId, name?, email?, exp }` and, where
 * the site asks for them, `iss` and `aud`; `nbf` is honoured when present. A valid token
 * makes the visitor that user on any device; nothing else ever does. Verification is
 * jose's (only HS256 accepted, so "none" and algorithm swaps are refused).
 */
import { createHmac } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload } from 'jose';

export interface VerifiedUser {
  userId: string;
  name?: string;
  email?: string;
}

export type IdentityResult = { ok: true; user: VerifiedUser } | { ok: false; reason: string };

export interface IdentityRules {
  secret: string | undefined;
  /** When set, tokens must carry this `iss`. */
  issuer?: string;
  /** When set, tokens must carry this `aud`. */
  audience?: string;
}

/** Clocks of the site's backend and this server may differ by this much. */
export const CLOCK_TOLERANCE_SECONDS = 5;

const b64 = (value: string) => Buffer.from(value).toString('base64url');

/**
 * What a site's backend does, in a few lines (used by the tests and shown in the README;
 * a backend would normally use its JWT library). Synchronous, which jose's signer is not.
 */
export function signIdentity(
  claims: VerifiedUser & { exp: number; nbf?: number; iss?: string; aud?: string },
  secret: string,
): string {
  const head = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** jose's error codes, in the words the widget's developer reads in `connect_error`. */
function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet (nbf)';
    if (error.reason === 'missing') return `${error.claim} is missing`;
    return `the ${error.claim} claim does not match`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'alg must be HS256';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not match';
  if (error instanceof errors.JWTInvalid) return 'the payload is not a JSON object of claims';
  return 'not a JWT (header.payload.signature)';
}

export async function verifyIdentity(
  token: unknown,
  rules: IdentityRules,
  nowMs = Date.now(),
): Promise<IdentityResult> {
  if (!rules.secret) return { ok: false, reason: 'this site does not accept identity tokens (no identitySecret)' };
  if (typeof token !== 'string' || token.length > 4096) return { ok: false, reason: 'not a token' };
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, new TextEncoder().encode(rules.secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(nowMs),
      ...(rules.issuer ? { issuer: rules.issuer } : {}),
      ...(rules.audience ? { audience: rules.audience } : {}),
    }));
  } catch (error) {
    return { ok: false, reason: reasonFor(error) };
  }
  const { userId } = claims as { userId?: unknown };
  if (typeof userId !== 'string' || !userId || userId.length > 128) return { ok: false, reason: 'userId is missing' };
  const text = (value: unknown, max: number) =>
    typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : undefined;
  const name = text(claims.name, 100);
  const email = text(claims.email, 254);
  return { ok: true, user: { userId, ...(name ? { name } : {}), ...(email ? { email } : {}) } };
}
