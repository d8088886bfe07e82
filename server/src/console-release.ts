/**
 * Which operator console the server serves, as a short fingerprint of its build. Consoles
 * stay open for a working day: one loaded before an upgrade keeps running the old code
 * against the new server, and may not understand what the new server sends. The server
 * names its console's release in every `hello`; a console that hears a different one than
 * it first heard offers to reload (console/session.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files a console is made of: a change in any of them is a new release. */
const CONSOLE_FILES = ['console.js', 'console.css', 'index.html'];

/** The fingerprint of the console build in `dir`, or undefined when there is no build there. */
export function consoleRelease(dir: string): string | undefined {
  const hash = createHash('sha256');
  try {
    for (const file of CONSOLE_FILES) hash.update(readFileSync(join(dir, file)));
  } catch {
    return undefined;
  }
  return hash.digest('base64url').slice(0, 12);
}
