/**
 * Site settings from a JSON file: who may embed the widget (origins), who answers
 * (operators, with salted password hashes) and what visitors see first.
 */
import { readFileSync } from 'node:fs';
import type { OperatorProfile, SiteInfo } from '../../src/protocol';

export interface OperatorConfig extends OperatorProfile {
  login: string;
  /** From `npm run hash-password`: scrypt$<salt>$<hash>. */
  passwordHash: string;
}

export interface SiteConfig extends SiteInfo {
  allowedOrigins: string[];
  operators: OperatorConfig[];
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
      if (!passwordHash.startsWith('scrypt$')) fail(`${where}.passwordHash`, 'make one with npm run hash-password');
      return {
        id: text(op.id, `${where}.id`)!,
        login: text(op.login, `${where}.login`)!,
        name: text(op.name, `${where}.name`)!,
        title: text(op.title, `${where}.title`, true),
        avatar: text(op.avatar, `${where}.avatar`, true),
        passwordHash,
      };
    });
    return {
      id,
      name: text(site.name, `${at}.name`)!,
      greeting: text(site.greeting, `${at}.greeting`, true) ?? '',
      allowedOrigins,
      operators,
    };
  });
}

export function loadSites(file: string): SiteConfig[] {
  return parseSites(JSON.parse(readFileSync(file, 'utf8')));
}

/** What visitors may see of an operator: never the login or the hash. */
export function publicProfile(op: OperatorConfig, publicUrl: string): OperatorProfile {
  return {
    id: op.id,
    name: op.name,
    ...(op.title ? { title: op.title } : {}),
    ...(op.avatar ? { avatar: new URL(op.avatar, publicUrl).href } : {}),
  };
}
