/**
 * The server's settings: environment variables over an optional JSON config file
 * (CONFIG_FILE or `--config <file>`, keys spelled like the variables), checked in one
 * place so a bad value stops start-up with the setting's name and the fix.
 */
import type { S3Options } from './files/s3-file-store';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import * as v from 'valibot';
import { httpUrl, isRecord } from '../../src/protocol';
import { parseTrustProxy, type TrustProxy } from './client-ip';
import { paths } from './paths';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  host: string;
  /** Where browsers reach the server; unset only in development on a concrete host. */
  publicUrl: string | undefined;
  trustProxy: TrustProxy;
  dataDir: string;
  /** Uploaded files and their URL-signing key; DATA_DIR/files unless set. Nodes of one deployment share it. */
  filesDir: string;
  /** Uploaded files in an S3-compatible object store instead of FILES_DIR (FILES_S3_*); the signing key stays in FILES_DIR. */
  s3: S3Options | undefined;
  /** Handed to the store opener as it is: postgres://... selects PostgreSQL. */
  databaseUrl: string | undefined;
  /** redis://...: this process is one node of several (README, Scale out). */
  redisUrl: string | undefined;
  /** How long an operator whose last console closed still counts as present. */
  presenceGraceMs: number;
  logLevel: LogLevel;
  sitesFile: string;
  /** Serves the sample site and the designer (npm start); never by default. */
  demo: boolean;
  /** How long SIGTERM waits for acknowledgements in flight before it closes anyway. */
  shutdownTimeoutMs: number;
  /** Page views, IP addresses and expired sessions older than this many days are deleted; unset keeps them. */
  retentionDays: number | undefined;
  /** smtp(s)://…: e-mail follow-up (transcripts, missed replies) is on; unset, it is off. */
  smtpUrl: string | undefined;
  /** The From of follow-up e-mail. */
  mailFrom: string | undefined;
  production: boolean;
}

/** Every problem found, each naming its setting, so one start-up shows them all. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Confab cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SETTINGS = [
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'TRUST_PROXY',
  'DATA_DIR',
  'FILES_DIR',
  'DATABASE_URL',
  'REDIS_URL',
  'PRESENCE_GRACE_MS',
  'LOG_LEVEL',
  'SITES_FILE',
  'DEMO',
  'SHUTDOWN_TIMEOUT_MS',
  'RETENTION_DAYS',
  'SMTP_URL',
  'MAIL_FROM',
  'FILES_S3_ENDPOINT',
  'FILES_S3_BUCKET',
  'FILES_S3_REGION',
  'FILES_S3_PREFIX',
  'FILES_S3_ACCESS_KEY_ID',
  'FILES_S3_SECRET_ACCESS_KEY',
] as const;
type Setting = (typeof SETTINGS)[number];
type Raw = Partial<Record<Setting, string>>;

/** Settings arrive as text (environment) or JSON values (file): both become text first. */
const asText = v.pipe(
  v.union([v.string(), v.number(), v.boolean()]),
  v.transform((value) => String(value).trim()),
);

const wholeNumber = (min: number, max: number, fix: string) =>
  v.pipe(asText, v.regex(/^\d+$/, fix), v.transform(Number), v.minValue(min, fix), v.maxValue(max, fix));

const flag = (fix: string) =>
  v.pipe(
    asText,
    v.picklist(['true', 'false', '1', '0', 'yes', 'no', ''], fix),
    v.transform((value) => ['true', '1', 'yes'].includes(value)),
  );

/**
 * An origin alone, without path, query, fragment or credentials; any spelling of it
 * (capitals, a default port, an IDN host, one trailing slash) is normalised to the origin
 * after. What is no http(s) URL at all, another check says.
 */
function bareOrigin(value: string): boolean {
  const url = httpUrl(value);
  return !url || (url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password);
}

const schema = v.object({
  PORT: v.optional(wholeNumber(0, 65535, 'use a whole number from 0 to 65535 (8080 by default)'), '8080'),
  HOST: v.optional(
    v.pipe(
      asText,
      v.check(
        (value) => isIP(value) !== 0 || /^[a-z0-9.-]+$/i.test(value),
        'use an IP address such as 127.0.0.1 or 0.0.0.0, or a host name',
      ),
    ),
    '127.0.0.1',
  ),
  PUBLIC_URL: v.optional(
    v.pipe(
      asText,
      v.check(
        (value) => httpUrl(value) !== undefined,
        'use the bare origin browsers reach the server at, such as https://chat.example.com',
      ),
      // The widget's socket (/socket.io), the loader and its chunks, the console, the upload
      // and file links all live at the root of the server's origin; a reverse proxy that
      // serves it under a path would have to give every one of them the prefix.
      v.check(
        bareOrigin,
        'Confab answers at the root of an origin of its own, not under a path: give it a host name of its own, such as https://chat.example.com, proxied whole to the server (README, Deploy), and set PUBLIC_URL to that origin',
      ),
      v.transform((value) => new URL(value).origin),
    ),
  ),
  TRUST_PROXY: v.optional(
    v.pipe(
      asText,
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        const parsed = parseTrustProxy(dataset.value);
        if (typeof parsed === 'string') {
          addIssue({ message: `${parsed} (leave it unset when no proxy is in front)` });
          return NEVER;
        }
        return parsed;
      }),
    ),
    'false',
  ),
  DATA_DIR: v.optional(v.pipe(asText, v.minLength(1, 'name a folder the server may write to')), paths.data),
  FILES_DIR: v.optional(v.pipe(asText, v.minLength(1, 'name a folder the server may write files to'))),
  DATABASE_URL: v.optional(
    v.pipe(
      asText,
      v.regex(
        /^(postgres|postgresql|sqlite):/i,
        'use postgres://user:password@host:5432/confab, or leave it unset for the embedded store in DATA_DIR',
      ),
    ),
  ),
  REDIS_URL: v.optional(
    v.pipe(
      asText,
      v.regex(
        /^rediss?:\/\/[^\s]+$/i,
        'use redis://host:6379 (or rediss:// for TLS), or leave it unset for one process',
      ),
    ),
  ),
  PRESENCE_GRACE_MS: v.optional(
    wholeNumber(0, 3_600_000, 'use milliseconds from 0 to 3600000 (30000 by default)'),
    '30000',
  ),
  LOG_LEVEL: v.optional(v.picklist(LOG_LEVELS, `use one of ${LOG_LEVELS.join(', ')}`), 'info'),
  SITES_FILE: v.optional(v.pipe(asText, v.minLength(1, 'name the JSON file that lists the sites'))),
  DEMO: v.optional(flag('use true or false'), 'false'),
  SHUTDOWN_TIMEOUT_MS: v.optional(
    wholeNumber(100, 600_000, 'use milliseconds from 100 to 600000 (10000 by default)'),
    '10000',
  ),
  RETENTION_DAYS: v.optional(
    wholeNumber(1, 36_500, 'use a whole number of days from 1, or leave it unset to keep everything'),
  ),
  SMTP_URL: v.optional(
    v.pipe(
      asText,
      v.regex(
        /^smtps?:\/\/[^\s]+$/i,
        'use smtp://user:password@mail.example.com:587 (or smtps:// for TLS on connect), or leave it unset for no e-mail',
      ),
    ),
  ),
  MAIL_FROM: v.optional(
    v.pipe(asText, v.regex(/^[^\r\n]{3,200}$/, 'use one line such as "Confab <chat@example.com>"')),
  ),
  FILES_S3_ENDPOINT: v.optional(
    v.pipe(
      asText,
      v.regex(
        /^https?:\/\/[^\s/@]+(\/[^\s]*)?$/i,
        "use the store's address such as https://s3.eu-central-1.amazonaws.com",
      ),
    ),
  ),
  FILES_S3_BUCKET: v.optional(
    v.pipe(
      asText,
      v.regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        "use the bucket's name (3-63 lower-case letters, digits, dots, dashes)",
      ),
    ),
  ),
  FILES_S3_REGION: v.optional(
    v.pipe(asText, v.regex(/^[a-z0-9-]{1,40}$/, 'use a region such as eu-central-1')),
    'us-east-1',
  ),
  FILES_S3_PREFIX: v.optional(
    v.pipe(asText, v.regex(/^[A-Za-z0-9._/-]{0,200}$/, 'use letters, digits and . _ / - such as confab/')),
  ),
  FILES_S3_ACCESS_KEY_ID: v.optional(v.pipe(asText, v.regex(/^[\x21-\x7e]{1,128}$/, 'use the access key id'))),
  // Any text: a refused secret would be printed back in the error.
  FILES_S3_SECRET_ACCESS_KEY: v.optional(asText),
});

/** `--config <file>` and `--demo` from the command line; everything else is a setting. */
function fromArguments(argv: string[]): { configFile?: string; demo?: boolean } {
  const out: { configFile?: string; demo?: boolean } = {};
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--demo') out.demo = true;
    else if (argv[i] === '--config') out.configFile = argv[++i];
    else if (argv[i]?.startsWith('--config=')) out.configFile = argv[i]!.slice('--config='.length);
  }
  return out;
}

function readConfigFile(file: string, problems: string[]): Raw {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    problems.push(`CONFIG_FILE: cannot read ${file}: ${reason}. Point it at a JSON file of settings, or unset it.`);
    return {};
  }
  if (!isRecord(parsed)) {
    problems.push(`CONFIG_FILE: ${file} must hold one JSON object such as {"PORT": 8080}.`);
    return {};
  }
  const raw: Raw = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(SETTINGS as readonly string[]).includes(key)) {
      problems.push(`CONFIG_FILE: ${file} has "${key}", which is not a setting; use ${SETTINGS.join(', ')}.`);
    } else raw[key as Setting] = value as string;
  }
  return raw;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** Reads and checks the configuration; throws a ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): Config {
  const problems: string[] = [];
  const args = fromArguments(argv);
  const configFile = args.configFile ?? env.CONFIG_FILE;
  const raw: Raw = configFile ? readConfigFile(configFile, problems) : {};
  for (const key of SETTINGS) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  if (args.demo) raw.DEMO = 'true';

  const result = v.safeParse(schema, raw);
  if (!result.success) {
    for (const issue of result.issues) {
      const key = v.getDotPath(issue) ?? 'configuration';
      const received = raw[key as Setting];
      problems.push(`${key}: ${received === undefined ? '' : `"${String(received)}" is not valid; `}${issue.message}.`);
    }
    throw new ConfigError(problems);
  }
  const settings = result.output;
  const production = env.NODE_ENV === 'production';
  const demo = settings.DEMO;

  if (!settings.PUBLIC_URL && production) {
    problems.push(
      'PUBLIC_URL: not set. In production set it to the https origin browsers reach the server at, such as PUBLIC_URL=https://chat.example.com.',
    );
  } else if (!settings.PUBLIC_URL && WILDCARD_HOSTS.has(settings.HOST)) {
    problems.push(
      `PUBLIC_URL: not set while HOST=${settings.HOST} listens on every interface, so no address for links can be guessed. Set PUBLIC_URL to the origin browsers use, such as http://192.168.1.20:${settings.PORT}.`,
    );
  }
  if (!settings.SITES_FILE && !demo) {
    problems.push(
      'SITES_FILE: not set. Point it at your sites file (see README, Configuration), or run the demo with --demo.',
    );
  }
  if (settings.SMTP_URL && !settings.MAIL_FROM) {
    problems.push(
      'MAIL_FROM: not set while SMTP_URL is. Set the sender, such as MAIL_FROM="Shop chat <chat@shop.example>".',
    );
  }
  const s3Given = [
    'FILES_S3_ENDPOINT',
    'FILES_S3_BUCKET',
    'FILES_S3_ACCESS_KEY_ID',
    'FILES_S3_SECRET_ACCESS_KEY',
  ] as const;
  if (s3Given.some((key) => settings[key]) && !s3Given.every((key) => settings[key])) {
    const missing = s3Given.filter((key) => !settings[key]);
    problems.push(
      `${missing.join(', ')}: not set while other FILES_S3_* settings are. An S3-compatible store needs the endpoint, the bucket and the key pair; unset all four to keep files on disk.`,
    );
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    port: settings.PORT,
    host: settings.HOST,
    publicUrl: settings.PUBLIC_URL,
    trustProxy: settings.TRUST_PROXY,
    dataDir: resolve(settings.DATA_DIR),
    filesDir: resolve(settings.FILES_DIR ?? join(settings.DATA_DIR, 'files')),
    s3:
      settings.FILES_S3_ENDPOINT &&
      settings.FILES_S3_BUCKET &&
      settings.FILES_S3_ACCESS_KEY_ID &&
      settings.FILES_S3_SECRET_ACCESS_KEY
        ? {
            endpoint: settings.FILES_S3_ENDPOINT,
            bucket: settings.FILES_S3_BUCKET,
            region: settings.FILES_S3_REGION,
            prefix: settings.FILES_S3_PREFIX ?? '',
            accessKeyId: settings.FILES_S3_ACCESS_KEY_ID,
            secretAccessKey: settings.FILES_S3_SECRET_ACCESS_KEY,
          }
        : undefined,
    databaseUrl: settings.DATABASE_URL,
    redisUrl: settings.REDIS_URL,
    presenceGraceMs: settings.PRESENCE_GRACE_MS,
    logLevel: settings.LOG_LEVEL,
    sitesFile: resolve(settings.SITES_FILE ?? paths.demoSites),
    demo,
    shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
    retentionDays: settings.RETENTION_DAYS,
    smtpUrl: settings.SMTP_URL,
    mailFrom: settings.MAIL_FROM,
    production,
  };
}
