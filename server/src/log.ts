/**
 * Structured JSON logs (pino), one line per event. What a log line may carry is decided
 * here: never a token, a password or message text at `info`, and a visitor id only as a
 * short hash — the id unlocks that visitor's history, so it is a credential.
 */
import { createHash } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/** Field names whose values are replaced wherever they appear one or two levels deep. */
const REDACTED = [
  'token',
  'password',
  'passwordHash',
  'authorization',
  'cookie',
  'text',
  'visitorId',
  'identitySecret',
  'secret',
];

export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const paths = REDACTED.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
  return pino(
    {
      level,
      base: { service: 'confab' },
      redact: { paths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** A short, stable stand-in for a visitor id in logs: enough to follow one visitor, useless to impersonate them. */
export function visitorTag(visitorId: string): string {
  return createHash('sha256').update(visitorId).digest('base64url').slice(0, 10);
}
