/**
 * Ids for what the server stores, in the widget's format (src/protocol/ids.ts): 22
 * characters of the URL-safe base64 alphabet, 132 random bits. Their bytes are cut from
 * a pool filled a few kilobytes at a time: one `crypto.getRandomValues` call per id was
 * a measurable part of storing a message (bench/store-throughput.ts, profiled). Each id
 * still has bytes of its own; knowing one says nothing about another.
 */
import { randomFillSync } from 'node:crypto';

/** 17 bytes make 23 characters, of which an id keeps 22 (132 bits). */
const ID_BYTES = 17;
const ID_LENGTH = 22;
const POOL = Buffer.alloc(ID_BYTES * 256);
let offset = POOL.length;

export function newServerId(): string {
  if (offset + ID_BYTES > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  // Encoded per id, not cut from one long text of the pool: a stored id keeps no pool text alive.
  const id = POOL.toString('base64url', offset, offset + ID_BYTES).slice(0, ID_LENGTH);
  offset += ID_BYTES;
  return id;
}
