/**
 * Random ids for visitors, messages and leads.
 *
 * `crypto.randomUUID` exists only in secure contexts, and a host page may be plain
 * http://, so ids come from `getRandomValues`, which works everywhere.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** 22 characters of a 64-letter alphabet: 132 random bits. */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte & 63];
  return id;
}
