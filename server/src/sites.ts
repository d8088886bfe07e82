/**
 * Site settings from a JSON file: who may embed the widget (origins), who answers
 * (operators, with salted password hashes) and what visitors see first.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  UPLOAD_DEFAULTS,
  DEFAULT_LEAD_FORM,
  LEAD_FIELDS,
  LIMITS,
  type CannedReply,
  checkFormConfig,
  httpUrl,
  type FieldMode,
  type LeadFormConfig,
  type OperatorProfile,
  type SiteInfo,
  type UploadSettings,
} from '../../src/protocol';
import { readTheme } from '../../src/themes/validate';
import { NEVER_ALLOWED } from './files/sniff';
import { checkHours, type BusinessHours } from './hours';
import { isPasswordHash } from './passwords';
import { resolveSecrets } from './secrets';

export interface OperatorConfig extends OperatorProfile {
  login: string;
  /** From `confab-server hash-password`: scrypt$ln=15,r=8,p=1$<salt>$<hash> (or the first release's scrypt$<salt>$<hash>). */
  passwordHash: string;
  /** Routing groups the operator answers for; none means every group. */
  groups?: string[];
  /** Posted in the operator's name when they pick a chat up (seed 002). */
  greeting?: string;
}

/** Pages whose path starts with `pathPrefix` are answered by `group` (first match wins). */
export interface RoutingRule {
  pathPrefix: string;
  group: string;
}

export interface SiteConfig extends SiteInfo {
  allowedOrigins: string[];
  operators: OperatorConfig[];
  hours?: BusinessHours;
  routing?: RoutingRule[];
  /** Each new lead is POSTed here as JSON. */
  webhookUrl?: string;
  /** Signs webhook posts (HMAC-SHA256 in Confab-Signature). */
  webhookSecret?: string;
  /** SHA-256 (hex) of the token that reads GET /api/sites/:site/leads. */
  apiTokenSha256?: string;
  /** One avatar for every operator instead of their own photos (seed 001). */
  departmentAvatar?: string;
  /** Open chats with no message for this long close themselves (seed 004). */
  inactivityTimeoutMinutes?: number;
  /** The HS256 secret the site's backend signs identity tokens with. */
  identitySecret?: string;
  /** When set, identity tokens must carry this issuer (`iss`) ... */
  identityIssuer?: string;
  /** ... and this audience (`aud`). */
  identityAudience?: string;
  /** The team's shared canned replies (read-only in the console). */
  cannedReplies?: CannedReply[];
  /** Bytes one visitor may have uploaded in all (UPLOAD_DEFAULTS.visitorQuotaBytes unless set). */
  uploadQuotaBytes?: number;
}

/** What a site's `uploads` may say; `false` turns uploads off. */
interface UploadsConfig {
  maxBytes?: number;
  types?: string[];
  voiceMaxMs?: number;
  visitorQuotaBytes?: number;
}

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

function parseUploads(raw: unknown, at: string): { uploads: UploadSettings | null; quota?: number } {
  if (raw === false || raw === null) return { uploads: null };
  const config = (raw ?? {}) as UploadsConfig;
  if (typeof config !== 'object' || Array.isArray(config)) fail(at, 'must be false or an object');
  const positive = (value: unknown, where: string) => {
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value > 0))
      fail(`${at}.${where}`, 'must be a positive whole number');
    return value as number | undefined;
  };
  const maxBytes = positive(config.maxBytes, 'maxBytes') ?? UPLOAD_DEFAULTS.maxBytes;
  const voiceMaxMs = positive(config.voiceMaxMs, 'voiceMaxMs') ?? UPLOAD_DEFAULTS.voiceMaxMs;
  const quota = positive(config.visitorQuotaBytes, 'visitorQuotaBytes');
  let types = [...UPLOAD_DEFAULTS.types];
  if (config.types !== undefined) {
    if (!Array.isArray(config.types)) fail(`${at}.types`, 'must be a list of MIME types such as "image/png"');
    types = config.types.map((type, i) => {
      const mime = typeof type === 'string' ? type.trim().toLowerCase() : '';
      if (!MIME_TYPE.test(mime)) fail(`${at}.types[${i}]`, `"${String(type)}" is not a MIME type such as "image/png"`);
      if (NEVER_ALLOWED.has(mime))
        fail(`${at}.types[${i}]`, `${mime} can run as a page in a browser; it is never accepted`);
      return mime;
    });
  }
  return { uploads: { maxBytes, types, voiceMaxMs }, ...(quota ? { quota } : {}) };
}

/** `greetings`: the greeting by widget language code, e.g. { "de": "Hallo!" }. */
function parseGreetings(raw: unknown, at: string): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(at, 'must be an object such as { "de": "Hallo!" }');
  const greetings: Record<string, string> = {};
  for (const [code, greeting] of Object.entries(raw)) {
    // The widget looks greetings up by its language code: "de", "pt", never "de-AT".
    if (!/^[a-z]{2,3}$/.test(code)) fail(`${at}.${code}`, 'must be a language code such as "de"');
    greetings[code] = text(greeting, `${at}.${code}`)!;
  }
  return greetings;
}

export interface SitesFile {
  sites: SiteConfig[];
}

function fail(where: string, message: string): never {
  throw new Error(`sites config: ${where}: ${message}`);
}

function text(value: unknown, where: string, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || !value.trim()) fail(where, 'must be a non-empty string');
  return value;
}

/** Checks the whole file up front, so a typo stops the server with the path to it. */
export function parseSites(raw: unknown): SiteConfig[] {
  const sites = (raw as SitesFile | null)?.sites;
  if (!Array.isArray(sites) || sites.length === 0) fail('sites', 'must be a non-empty array');
  const ids = new Set<string>();
  const logins = new Set<string>();
  return sites.map((site, i) => {
    const at = `sites[${i}]`;
    const id = text(site.id, `${at}.id`)!;
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(id)) fail(`${at}.id`, 'letters, digits, "-" and "_" only');
    if (ids.has(id)) fail(`${at}.id`, `"${id}" appears twice`);
    ids.add(id);
    if (!Array.isArray(site.allowedOrigins)) fail(`${at}.allowedOrigins`, 'must be an array of origins');
    const allowedOrigins = site.allowedOrigins.map((origin, j) => {
      const where = `${at}.allowedOrigins[${j}]`;
      try {
        const url = new URL(text(origin, where)!);
        if (url.origin !== origin) fail(where, `write the bare origin "${url.origin}"`);
        return url.origin;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('sites config')) throw error;
        fail(where, `"${String(origin)}" is not an origin like "https://example.com"`);
      }
    });
    if (!Array.isArray(site.operators)) fail(`${at}.operators`, 'must be an array');
    const operators = site.operators.map((op, j) => {
      const where = `${at}.operators[${j}]`;
      const passwordHash = text(op.passwordHash, `${where}.passwordHash`)!;
      if (!isPasswordHash(passwordHash))
        fail(`${where}.passwordHash`, 'make one with confab-server hash-password (npm run hash-password)');
      const login = text(op.login, `${where}.login`)!;
      // One login names one operator: the login form does not ask for the site.
      if (logins.has(login.toLowerCase())) fail(`${where}.login`, `"${login}" is already taken by another operator`);
      logins.add(login.toLowerCase());
      if (op.groups !== undefined && !(Array.isArray(op.groups) && op.groups.every((g) => typeof g === 'string'))) {
        fail(`${where}.groups`, 'must be a list of group names');
      }
      return {
        id: text(op.id, `${where}.id`)!,
        login,
        name: text(op.name, `${where}.name`)!,
        title: text(op.title, `${where}.title`, true),
        avatar: text(op.avatar, `${where}.avatar`, true),
        passwordHash,
        ...(op.groups ? { groups: op.groups } : {}),
        ...(text(op.greeting, `${where}.greeting`, true) ? { greeting: op.greeting } : {}),
      };
    });
    if (site.hours !== undefined) {
      const problem = checkHours(site.hours);
      if (problem) fail(`${at}.hours`, problem);
    }
    if (site.routing !== undefined) {
      if (!Array.isArray(site.routing)) fail(`${at}.routing`, 'must be a list of { pathPrefix, group }');
      site.routing.forEach((rule, j) => {
        if (typeof rule?.pathPrefix !== 'string' || !rule.pathPrefix.startsWith('/')) {
          fail(`${at}.routing[${j}].pathPrefix`, 'must be a path starting with "/"');
        }
        text(rule.group, `${at}.routing[${j}].group`);
      });
    }
    const webhookUrl = text(site.webhookUrl, `${at}.webhookUrl`, true);
    if (webhookUrl && !httpUrl(webhookUrl)) fail(`${at}.webhookUrl`, 'must be an http(s) URL');
    const webhookSecret = text(site.webhookSecret, `${at}.webhookSecret`, true);
    if (webhookSecret && webhookSecret.length < 32) fail(`${at}.webhookSecret`, 'use at least 32 random characters');
    const timeout = site.inactivityTimeoutMinutes;
    if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0)) {
      fail(`${at}.inactivityTimeoutMinutes`, 'must be a positive number of minutes');
    }
    const identitySecret = text(site.identitySecret, `${at}.identitySecret`, true);
    if (identitySecret && identitySecret.length < 32) fail(`${at}.identitySecret`, 'use at least 32 random characters');
    const identityIssuer = text(site.identityIssuer, `${at}.identityIssuer`, true);
    const identityAudience = text(site.identityAudience, `${at}.identityAudience`, true);
    const departmentAvatar = text(site.departmentAvatar, `${at}.departmentAvatar`, true);
    if (typeof site.sound !== 'undefined' && typeof site.sound !== 'boolean')
      fail(`${at}.sound`, 'must be true or false');
    if (typeof site.titleAlert !== 'undefined' && typeof site.titleAlert !== 'boolean')
      fail(`${at}.titleAlert`, 'must be true or false');
    for (const flag of ['notifications', 'faviconBadge'] as const)
      if (typeof site[flag] !== 'undefined' && typeof site[flag] !== 'boolean')
        fail(`${at}.${flag}`, 'must be true or false');
    const apiTokenSha256 = text(site.apiTokenSha256, `${at}.apiTokenSha256`, true);
    if (apiTokenSha256 && !/^[0-9a-f]{64}$/.test(apiTokenSha256)) {
      fail(`${at}.apiTokenSha256`, 'must be 64 hex digits: the SHA-256 of the token');
    }
    const cannedReplies = parseCannedReplies(site.cannedReplies, `${at}.cannedReplies`);
    const theme =
      site.theme === undefined
        ? undefined
        : readTheme(
            site.theme as Record<string, unknown>,
            (message) => fail(`${at}.theme`, message.replace(/^Confab: /, '')),
            'theme',
          );
    const { uploads, quota } = parseUploads(site.uploads, `${at}.uploads`);
    return {
      id,
      name: text(site.name, `${at}.name`)!,
      uploads,
      ...(quota ? { uploadQuotaBytes: quota } : {}),
      greeting: text(site.greeting, `${at}.greeting`, true) ?? '',
      ...(site.greetings !== undefined ? { greetings: parseGreetings(site.greetings, `${at}.greetings`) } : {}),
      allowedOrigins,
      operators,
      leadForm: parseLeadForm(site.leadForm, `${at}.leadForm`),
      ...(site.hours ? { hours: site.hours } : {}),
      ...(site.routing ? { routing: site.routing } : {}),
      ...(webhookUrl ? { webhookUrl } : {}),
      ...(webhookSecret ? { webhookSecret } : {}),
      ...(apiTokenSha256 ? { apiTokenSha256 } : {}),
      ...(timeout ? { inactivityTimeoutMinutes: timeout } : {}),
      ...(identitySecret ? { identitySecret } : {}),
      ...(identityIssuer ? { identityIssuer } : {}),
      ...(identityAudience ? { identityAudience } : {}),
      ...(departmentAvatar ? { departmentAvatar } : {}),
      ...(site.sound ? { sound: true } : {}),
      ...(site.titleAlert === false ? { titleAlert: false as const } : {}),
      ...(site.notifications ? { notifications: true as const } : {}),
      ...(site.faviconBadge ? { faviconBadge: true as const } : {}),
      ...(theme ? { theme } : {}),
      ...(cannedReplies ? { cannedReplies } : {}),
    };
  });
}

/** Titles up to 60 characters, texts that fit one message; ids given or numbered. */
function parseCannedReplies(raw: unknown, at: string): CannedReply[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) fail(at, 'must be a list of { "title": "...", "text": "..." }');
  const ids = new Set<string>();
  return raw.map((reply: Partial<CannedReply> | null, i) => {
    const where = `${at}[${i}]`;
    const title = text(reply?.title, `${where}.title`)!.trim();
    const body = text(reply?.text, `${where}.text`)!.trim();
    if (title.length > 60) fail(`${where}.title`, 'at most 60 characters');
    if (body.length > LIMITS.messageText) fail(`${where}.text`, `at most ${LIMITS.messageText} characters`);
    const id = text(reply?.id, `${where}.id`, true) ?? `config-${i + 1}`;
    if (ids.has(id)) fail(`${where}.id`, `"${id}" appears twice`);
    ids.add(id);
    return { id, title, text: body };
  });
}

const MODES: readonly FieldMode[] = ['required', 'optional', 'hidden'];

function parseLeadForm(raw: Partial<LeadFormConfig> | undefined, at: string): LeadFormConfig {
  const fields = { ...DEFAULT_LEAD_FORM.fields, ...raw?.fields };
  for (const field of Object.keys(fields)) {
    if (!LEAD_FIELDS.includes(field as never))
      fail(`${at}.fields.${field}`, `not a field; use ${LEAD_FIELDS.join(', ')}`);
    if (!MODES.includes(fields[field as keyof typeof fields])) fail(`${at}.fields.${field}`, `use ${MODES.join(', ')}`);
  }
  const config: LeadFormConfig = { fields };
  const problem = checkFormConfig(config);
  if (problem) fail(`${at}.fields`, problem);
  const policy = text(raw?.privacyPolicyUrl, `${at}.privacyPolicyUrl`, true);
  if (policy) {
    if (!httpUrl(policy)) fail(`${at}.privacyPolicyUrl`, 'must be an http(s) URL');
    config.privacyPolicyUrl = policy;
  }
  return config;
}

/** What visitors may see of a site's settings. */
export function publicSiteInfo(site: SiteConfig): SiteInfo {
  return {
    id: site.id,
    name: site.name,
    greeting: site.greeting,
    ...(site.greetings !== undefined ? { greetings: site.greetings } : {}),
    leadForm: site.leadForm,
    uploads: uploadSettings(site),
    ...(site.sound ? { sound: true } : {}),
    ...(site.titleAlert === false ? { titleAlert: false as const } : {}),
    ...(site.notifications ? { notifications: true as const } : {}),
    ...(site.faviconBadge ? { faviconBadge: true as const } : {}),
    ...(site.theme ? { theme: site.theme } : {}),
  };
}

/**
 * What a site accepts: its own settings, the defaults when its config does not mention
 * uploads (sites built in code, as the tests do, included), null when they are off.
 */
export function uploadSettings(site: SiteConfig): UploadSettings | null {
  if (site.uploads === null) return null;
  return (
    site.uploads ?? {
      maxBytes: UPLOAD_DEFAULTS.maxBytes,
      types: [...UPLOAD_DEFAULTS.types],
      voiceMaxMs: UPLOAD_DEFAULTS.voiceMaxMs,
    }
  );
}

/** Reads, resolves secret references (relative files from the sites file's folder) and checks. */
export function loadSites(file: string, env: NodeJS.ProcessEnv = process.env): SiteConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `sites config: ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file; set SITES_FILE to your sites file' : (error as Error).message}`,
    );
  }
  return parseSites(resolveSecrets(raw, env, dirname(file)));
}

/**
 * What visitors may see of an operator: never the login or the hash. A site with a
 * department avatar shows it instead of every operator's own photo.
 */
export function publicProfile(op: OperatorConfig, publicUrl: string, site?: SiteConfig): OperatorProfile {
  const avatar = site?.departmentAvatar ?? op.avatar;
  return {
    id: op.id,
    name: op.name,
    ...(op.title ? { title: op.title } : {}),
    ...(avatar ? { avatar: new URL(avatar, publicUrl).href } : {}),
  };
}
