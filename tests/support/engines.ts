/**
 * The policy every real-engine test helper follows (PostgreSQL, Redis): when the
 * engine's binaries are missing, its tests are skipped with the install command, except
 * under CI=true, where CI installs them (.ci/run) and a skipped engine must not pass.
 * Also the free-port lookup the helpers share. Plain Node only: vitest.config.ts loads it.
 */
import { createServer, type AddressInfo } from 'node:net';

/** Why an engine's tests cannot run here (its install hint), or undefined when they can. */
export function engineSkipReason(found: boolean, installHint: string, engine: string): string | undefined {
  if (found) return undefined;
  if (process.env.CI === 'true') throw new Error(`${installHint} (CI=true: the ${engine} tests must run)`);
  return installHint;
}

/** A port nobody listens on at this moment on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
