/**
 * The visitor's page context as it crosses the wire: which page, from where, which
 * campaign. Bounded and normalised on both sides; anything else is dropped.
 */
import { httpUrl, isLanguageTag, isRecord, withoutControls } from './rules';

export interface PageContext {
  url: string;
  title?: string;
  referrer?: string;
  utm?: Partial<Record<UtmKey, string>>;
}

export const UTM_KEYS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'gclid',
  'yclid',
  'fbclid',
] as const;
export type UtmKey = (typeof UTM_KEYS)[number];

export const CONTEXT_LIMITS = { url: 2048, title: 200, referrer: 2048, utm: 200 } as const;

/**
 * An http(s) URL without credentials or fragment, or undefined. A fragment that is a
 * route of a hash-routed app (`#/pricing`, `#!/pricing`) is kept: it names the page.
 */
export function cleanUrl(raw: unknown, max: number = CONTEXT_LIMITS.url): string | undefined {
  // Empty (no referrer: a typed address, a bookmark) is answered without parsing: `new URL('')`
  // throws, and a page's first exception costs 2–10 ms on a phone.
  if (typeof raw !== 'string' || !raw || raw.length > max * 2) return undefined;
  const url = httpUrl(raw);
  if (!url) return undefined;
  url.username = '';
  url.password = '';
  if (!/^#!?\//.test(url.hash)) url.hash = '';
  return url.href.slice(0, max);
}

/** Text without control characters, trimmed and bounded; undefined when empty. */
export const cleanText = (raw: unknown, max: number) =>
  typeof raw === 'string' ? withoutControls(raw).trim().slice(0, max) || undefined : undefined;

/** Reads attribution parameters from a URL, first value of each, bounded. */
export function utmFromUrl(url: string): PageContext['utm'] {
  const utm: NonNullable<PageContext['utm']> = {};
  try {
    const params = new URL(url).searchParams;
    for (const key of UTM_KEYS) {
      const value = cleanText(params.get(key), CONTEXT_LIMITS.utm);
      if (value) utm[key] = value;
    }
  } catch {
    // Not a URL: no attribution.
  }
  return Object.keys(utm).length ? utm : undefined;
}

/** Keeps only known keys with bounded, normalised values; null when there is no valid URL. */
export function cleanContext(raw: unknown): PageContext | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const input = raw as Record<string, unknown>;
  const url = cleanUrl(input.url);
  if (!url) return null;
  const context: PageContext = { url };
  const title = cleanText(input.title, CONTEXT_LIMITS.title);
  if (title) context.title = title;
  const referrer = cleanUrl(input.referrer, CONTEXT_LIMITS.referrer);
  if (referrer) context.referrer = referrer;
  if (typeof input.utm === 'object' && input.utm !== null) {
    const utm: NonNullable<PageContext['utm']> = {};
    for (const key of UTM_KEYS) {
      const value = cleanText((input.utm as Record<string, unknown>)[key], CONTEXT_LIMITS.utm);
      if (value) utm[key] = value;
    }
    if (Object.keys(utm).length) context.utm = utm;
  }
  return context;
}

/** Where a visit came from: its landing page, referrer and campaign. */
export interface Touch {
  landing: string;
  referrer?: string;
  utm?: PageContext['utm'];
  at: number;
}

/** The visitor's device and settings, as the browser reports them. */
export interface Environment {
  language?: string;
  /** IANA name, e.g. "Europe/Moscow". */
  timeZone?: string;
  /** Minutes east of UTC. */
  utcOffset?: number;
  screen?: { width: number; height: number };
  viewport?: { width: number; height: number };
  device?: 'mobile' | 'desktop';
}

/** What the widget reports on connect: the page now, first and last touch, environment. */
export interface VisitorContext {
  page?: PageContext;
  firstTouch?: Touch;
  lastTouch?: Touch;
  env?: Environment;
}

const size = (raw: unknown) => {
  if (!isRecord(raw)) return undefined;
  const { width, height } = raw;
  return Number.isInteger(width) &&
    Number.isInteger(height) &&
    (width as number) > 0 &&
    (height as number) > 0 &&
    (width as number) < 100_000 &&
    (height as number) < 100_000
    ? { width: width as number, height: height as number }
    : undefined;
};

export function cleanTouch(raw: unknown): Touch | undefined {
  if (!isRecord(raw)) return undefined;
  const landing = cleanUrl(raw.landing);
  if (!landing || typeof raw.at !== 'number' || !Number.isFinite(raw.at)) return undefined;
  const page = cleanContext({ url: landing, referrer: raw.referrer, utm: raw.utm });
  return {
    landing,
    ...(page?.referrer ? { referrer: page.referrer } : {}),
    ...(page?.utm ? { utm: page.utm } : {}),
    at: raw.at,
  };
}

export function cleanEnvironment(raw: unknown): Environment | undefined {
  if (!isRecord(raw)) return undefined;
  const env: Environment = {};
  const language = cleanText(raw.language, 35);
  if (language && isLanguageTag(language)) env.language = language;
  const timeZone = cleanText(raw.timeZone, 64);
  if (timeZone && /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/.test(timeZone)) env.timeZone = timeZone;
  if (Number.isInteger(raw.utcOffset) && Math.abs(raw.utcOffset as number) <= 14 * 60)
    env.utcOffset = raw.utcOffset as number;
  const screen = size(raw.screen);
  if (screen) env.screen = screen;
  const viewport = size(raw.viewport);
  if (viewport) env.viewport = viewport;
  if (raw.device === 'mobile' || raw.device === 'desktop') env.device = raw.device;
  return Object.keys(env).length ? env : undefined;
}

export function cleanVisitorContext(raw: unknown): VisitorContext {
  if (!isRecord(raw)) return {};
  const context: VisitorContext = {};
  const page = cleanContext(raw.page);
  if (page) context.page = page;
  const firstTouch = cleanTouch(raw.firstTouch);
  if (firstTouch) context.firstTouch = firstTouch;
  const lastTouch = cleanTouch(raw.lastTouch);
  if (lastTouch) context.lastTouch = lastTouch;
  const env = cleanEnvironment(raw.env);
  if (env) context.env = env;
  return context;
}
