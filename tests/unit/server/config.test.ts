// @vitest-environment node
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientIp, parseTrustProxy } from '../../../server/src/client-ip';
import { ConfigError, loadConfig } from '../../../server/src/config';
import { resolveSecrets } from '../../../server/src/secrets';
import { loadSites } from '../../../server/src/sites';

const folder = mkdtempSync(join(tmpdir(), 'confab-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The problems loadConfig reports for these settings (none: an empty list). */
function problems(env: Record<string, string>, argv: string[] = []): string[] {
  try {
    loadConfig({ SITES_FILE: 'sites.json', ...env }, argv);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

describe('configuration', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({}, ['--demo']);
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: undefined,
      logLevel: 'info',
      demo: true,
      shutdownTimeoutMs: 10_000,
    });
    expect(config.trustProxy).toEqual({ kind: 'off' });
    expect(config.sitesFile).toMatch(/demo\/sites\.json$/);
  });

  it('keeps files in DATA_DIR/files unless FILES_DIR names a (shared) folder', () => {
    expect(loadConfig({ DATA_DIR: '/srv/confab' }, ['--demo']).filesDir).toBe('/srv/confab/files');
    expect(loadConfig({ DATA_DIR: '/srv/confab', FILES_DIR: '/shared/files' }, ['--demo']).filesDir).toBe(
      '/shared/files',
    );
  });

  it('does not serve the demo unless asked', () => {
    expect(loadConfig({ SITES_FILE: 'x.json' }, []).demo).toBe(false);
    expect(loadConfig({ SITES_FILE: 'x.json', DEMO: 'true' }, []).demo).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT: "eighty" is not valid; use a whole number from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT: "70000" is not valid'],
    [{ HOST: 'not a host!' }, 'HOST: "not a host!" is not valid; use an IP address'],
    [{ PUBLIC_URL: 'chat.example.com' }, 'PUBLIC_URL: "chat.example.com" is not valid; use the bare origin'],
    [
      { PUBLIC_URL: 'https://example.com/chat/' },
      'PUBLIC_URL: "https://example.com/chat/" is not valid; Confab answers at the root of an origin of its own, not under a path: give it a host name of its own, such as https://chat.example.com',
    ],
    [{ PUBLIC_URL: 'ftp://chat.example.com' }, 'PUBLIC_URL'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY: "true" is not valid; say which proxies to trust'],
    [{ TRUST_PROXY: '10.0.0.300' }, 'TRUST_PROXY: "10.0.0.300" is not valid; "10.0.0.300" is not an IP address'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'has no valid prefix length'],
    [{ DATABASE_URL: 'mysql://db/confab' }, 'DATABASE_URL: "mysql://db/confab" is not valid; use postgres://'],
    [
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL: "verbose" is not valid; use one of fatal, error, warn, info, debug, trace, silent',
    ],
    [{ DEMO: 'maybe' }, 'DEMO: "maybe" is not valid; use true or false'],
    [{ SHUTDOWN_TIMEOUT_MS: '5' }, 'SHUTDOWN_TIMEOUT_MS'],
    [{ NODE_ENV: 'production' }, 'PUBLIC_URL: not set. In production set it to the https origin'],
    [{ HOST: '0.0.0.0' }, 'PUBLIC_URL: not set while HOST=0.0.0.0'],
    [{ SITES_FILE: '' }, 'SITES_FILE: not set. Point it at your sites file'],
    [{ CONFIG_FILE: '/nonexistent/confab.json' }, 'CONFIG_FILE: cannot read /nonexistent/confab.json: no such file'],
  ])('names the setting and the fix: %j', (env, message) => {
    const found = problems(env as Record<string, string>);
    expect(found.join('\n')).toContain(message);
  });

  it('reports every problem at once', () => {
    expect(problems({ PORT: 'x', LOG_LEVEL: 'loud' })).toHaveLength(2);
  });

  it('reads a config file, with the environment over it', () => {
    const file = join(folder, 'confab.json');
    writeFileSync(
      file,
      JSON.stringify({ PORT: 9000, PUBLIC_URL: 'https://chat.example.com/', TRUST_PROXY: 1, LOG_LEVEL: 'warn' }),
    );
    const config = loadConfig({ SITES_FILE: 's.json', LOG_LEVEL: 'debug' }, ['--config', file]);
    expect(config).toMatchObject({ port: 9000, publicUrl: 'https://chat.example.com', logLevel: 'debug' });
    expect(config.trustProxy).toEqual({ kind: 'hops', hops: 1 });
    // Any spelling of an origin is one, normalised; only a path, a query or credentials are refused.
    for (const spelling of ['HTTPS://Chat.Example.com', 'https://chat.example.com:443', 'https://chat.example.com/']) {
      expect(loadConfig({ SITES_FILE: 's.json', PUBLIC_URL: spelling }).publicUrl).toBe('https://chat.example.com');
    }
    for (const refused of ['https://chat.example.com/?x=1', 'https://user:pw@chat.example.com']) {
      expect(problems({ SITES_FILE: 's.json', PUBLIC_URL: refused }).join()).toContain('not under a path');
    }
    writeFileSync(file, JSON.stringify({ PROT: 9000 }));
    expect(problems({ CONFIG_FILE: file }).join()).toContain('has "PROT", which is not a setting');
  });

  it('lets production run with a public URL on every interface', () => {
    const config = loadConfig(
      { NODE_ENV: 'production', HOST: '0.0.0.0', PUBLIC_URL: 'https://chat.example.com', SITES_FILE: 's.json' },
      [],
    );
    expect(config).toMatchObject({ production: true, publicUrl: 'https://chat.example.com', demo: false });
  });
});

describe('client IP through proxies', () => {
  const trust = (value: string) => {
    const parsed = parseTrustProxy(value);
    if (typeof parsed === 'string') throw new Error(parsed);
    return parsed;
  };

  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientIp(trust('false'), '::ffff:10.0.0.5', '203.0.113.9')).toBe('10.0.0.5');
  });

  it('takes the address a trusted proxy saw, not what the client claims', () => {
    // The client forged "1.1.1.1"; the proxy at 127.0.0.1 appended the real peer.
    expect(clientIp(trust('loopback'), '127.0.0.1', '1.1.1.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(clientIp(trust('1'), '127.0.0.1', '1.1.1.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(clientIp(trust('2'), '127.0.0.1', '1.1.1.1, 203.0.113.9, 10.0.0.2')).toBe('203.0.113.9');
    expect(clientIp(trust('10.0.0.0/8, loopback'), '127.0.0.1', '1.1.1.1, 203.0.113.9, 10.0.0.2')).toBe('203.0.113.9');
  });

  it('does not believe a header from a peer it does not trust', () => {
    expect(clientIp(trust('10.0.0.0/8'), '198.51.100.7', '1.1.1.1')).toBe('198.51.100.7');
  });

  it('falls back to the peer when a trusted proxy passed no address', () => {
    expect(clientIp(trust('1'), '127.0.0.1', 'garbage')).toBe('127.0.0.1');
  });
});

describe('secrets in the sites file', () => {
  const site = (operator: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    sites: [
      {
        id: 'shop',
        name: 'Shop',
        allowedOrigins: [],
        operators: [{ id: 'a', login: 'a', name: 'A', ...operator }],
        ...extra,
      },
    ],
  });
  const hash = 'scrypt$Jy8gJDFCA0IMtMlHAfBHrg$1k7vMoO60UPtW8OaSG6ZWElP0dJuCH-Mg35I1OvsfWk';

  it('come from the environment or from files, never only inline', () => {
    const secretFile = join(folder, 'identity-secret');
    writeFileSync(secretFile, `${'x'.repeat(40)}\n`);
    const sitesFile = join(folder, 'sites.json');
    writeFileSync(
      sitesFile,
      JSON.stringify(site({ passwordHash: { env: 'A_HASH' } }, { identitySecret: { file: 'identity-secret' } })),
    );
    const [loaded] = loadSites(sitesFile, { A_HASH: hash });
    expect(loaded!.operators[0]!.passwordHash).toBe(hash);
    expect(loaded!.identitySecret).toBe('x'.repeat(40));
  });

  it('name the place and the missing variable or file', () => {
    expect(() => resolveSecrets(site({ passwordHash: { env: 'NOPE' } }), {})).toThrow(
      'sites config: sites[0].operators[0].passwordHash: the environment variable NOPE is not set',
    );
    expect(() => resolveSecrets(site({ passwordHash: { file: '/nonexistent/secret' } }), {})).toThrow(
      'cannot read the secret file /nonexistent/secret (ENOENT)',
    );
    expect(() => resolveSecrets(site({ passwordHash: { vault: 'x' } }), {})).toThrow(
      '{"env": "VARIABLE"} or {"file": "/path/to/file"}',
    );
  });
});
