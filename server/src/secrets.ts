/**
 * Secrets in the sites file may stand there inline (the demo does) or be references:
 * `{"env": "ANNA_PASSWORD_HASH"}` reads an environment variable, `{"file": "/run/secrets/x"}`
 * reads a file (Docker and Kubernetes secrets), so the file itself can be kept in git.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isRecord } from '../../src/protocol';

/** The fields that hold secrets, wherever they sit in the file. */
export const SECRET_FIELDS = new Set(['passwordHash', 'identitySecret', 'apiTokenSha256', 'webhookSecret']);

export type SecretReference = { env: string } | { file: string };

function readSecret(
  reference: Record<string, unknown>,
  where: string,
  env: NodeJS.ProcessEnv,
  baseDir: string,
): string {
  const keys = Object.keys(reference);
  if (keys.length === 1 && typeof reference.env === 'string') {
    const value = env[reference.env];
    if (value === undefined || value.trim() === '') {
      throw new Error(
        `sites config: ${where}: the environment variable ${reference.env} is not set; set it or write the value inline`,
      );
    }
    return value.trim();
  }
  if (keys.length === 1 && typeof reference.file === 'string') {
    const path = isAbsolute(reference.file) ? reference.file : resolve(baseDir, reference.file);
    try {
      // Secret files usually end in a newline that is not part of the secret.
      return readFileSync(path, 'utf8').trim();
    } catch (error) {
      throw new Error(
        `sites config: ${where}: cannot read the secret file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  throw new Error(
    `sites config: ${where}: write the secret inline, or as {"env": "VARIABLE"} or {"file": "/path/to/file"}`,
  );
}

/** Returns a copy of the parsed sites file with every secret reference replaced by its value. */
export function resolveSecrets(
  raw: unknown,
  env: NodeJS.ProcessEnv = process.env,
  baseDir = process.cwd(),
  where = '',
): unknown {
  if (Array.isArray(raw)) return raw.map((item, i) => resolveSecrets(item, env, baseDir, `${where}[${i}]`));
  if (typeof raw !== 'object' || raw === null) return raw;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const at = where ? `${where}.${key}` : key;
    out[key] =
      SECRET_FIELDS.has(key) && isRecord(value)
        ? readSecret(value, at, env, baseDir)
        : resolveSecrets(value, env, baseDir, at);
  }
  return out;
}
