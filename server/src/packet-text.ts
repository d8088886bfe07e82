/**
 * U+0000 taken out of every string a client sends over the socket. Nobody types it, and
 * PostgreSQL's text cannot hold it: a message, comment or name carrying one would fail
 * its write there, and only there. One pass at the socket's edge covers every event.
 */

/** Payloads are a few levels deep; anything deeper is left to the event's own checks. */
const MAX_DEPTH = 8;

export function withoutNul(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.includes('\0') ? value.replaceAll('\0', '') : value;
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
  // Files arrive as binary: their bytes are not text.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = withoutNul(record[key], depth + 1);
  return value;
}
