/**
 * Salted scrypt password hashes that carry their own cost:
 * `scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64url). Hashes of the first release,
 * `scrypt$<salt>$<hash>`, were made with Node's defaults (N=2^14, r=8, p=1) and still verify.
 * Hashing runs on libuv's thread pool, so a login never stalls the chats on the event loop.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;

export interface ScryptCost {
  /** log2 of N, the CPU and memory cost. */
  ln: number;
  r: number;
  p: number;
}

/** 2^15 × 8 × 128 bytes = 32 MiB per hash, twice the first release's cost: slow to guess, fine for a login. */
export const DEFAULT_COST: ScryptCost = { ln: 15, r: 8, p: 1 };
const LEGACY_COST: ScryptCost = { ln: 14, r: 8, p: 1 };

function derive(password: string, salt: Buffer, length: number, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** cost.ln, r: cost.r, p: cost.p, maxmem: 2 ** cost.ln * cost.r * 128 * 2 };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, KEY_LENGTH, cost);
  return `scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return null;
  if (parts.length === 3) {
    return { cost: LEGACY_COST, salt: Buffer.from(parts[1]!, 'base64url'), key: Buffer.from(parts[2]!, 'base64url') };
  }
  const params = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/.exec(parts[1] ?? '');
  if (parts.length !== 4 || !params) return null;
  const cost = { ln: Number(params[1]), r: Number(params[2]), p: Number(params[3]) };
  // Bounds keep a hostile or mistyped hash from asking for gigabytes.
  if (cost.ln < 10 || cost.ln > 20 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) return null;
  return { cost, salt: Buffer.from(parts[2]!, 'base64url'), key: Buffer.from(parts[3]!, 'base64url') };
}

/** Whether `stored` is a hash this module can check: the sites file is checked with it at start-up. */
export function isPasswordHash(stored: string): boolean {
  const parsed = parseHash(stored);
  return parsed !== null && parsed.key.length === KEY_LENGTH && parsed.salt.length >= 8;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || parsed.key.length !== KEY_LENGTH) return false;
  const actual = await derive(password, parsed.salt, KEY_LENGTH, parsed.cost);
  return timingSafeEqual(actual, parsed.key);
}

/** The cost a stored hash was made with, or null for a hash this module cannot check. */
export function costOf(stored: string): ScryptCost | null {
  return parseHash(stored)?.cost ?? null;
}

/**
 * A hash of a random password, one per cost. Logins that name no operator are checked
 * against the one of the operators' usual cost, so they take as long as a wrong password
 * for a real login.
 */
const dummies = new Map<string, Promise<string>>();
export function dummyHash(cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const key = `${cost.ln},${cost.r},${cost.p}`;
  let dummy = dummies.get(key);
  if (!dummy) {
    dummy = hashPassword(randomBytes(16).toString('base64url'), cost);
    dummies.set(key, dummy);
  }
  return dummy;
}
