/**
 * The visitor's page context as it crosses the wire: which page, from where, which
 * campaign. Bounded and normalised on both sides; anything else is dropped.
 */
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

/** An http(s) URL without credentials or fragment, or undefined. */
export function cleanUrl(raw: unknown, max: number = CONTEXT_LIMITS.url): string | undefined {
  if (typeof raw !== 'string' || raw.length > max * 2) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.username = '';
    url.password = '';
    url.hash = '';
    return url.href.slice(0, max);
  } catch {
    return undefined;
  }
}

const text = (raw: unknown, max: number) =>
  // eslint-disable-next-line no-control-regex
  typeof raw === 'string' ? raw.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, max) || undefined : undefined;

/** Reads attribution parameters from a URL, first value of each, bounded. */
export function utmFromUrl(url: string): PageContext['utm'] {
  const utm: NonNullable<PageContext['utm']> = {};
  try {
    const params = new URL(url).searchParams;
    for (const key of UTM_KEYS) {
      const value = text(params.get(key), CONTEXT_LIMITS.utm);
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
  const title = text(input.title, CONTEXT_LIMITS.title);
  if (title) context.title = title;
  const referrer = cleanUrl(input.referrer, CONTEXT_LIMITS.referrer);
  if (referrer) context.referrer = referrer;
  if (typeof input.utm === 'object' && input.utm !== null) {
    const utm: NonNullable<PageContext['utm']> = {};
    for (const key of UTM_KEYS) {
      const value = text((input.utm as Record<string, unknown>)[key], CONTEXT_LIMITS.utm);
      if (value) utm[key] = value;
    }
    if (Object.keys(utm).length) context.utm = utm;
  }
  return context;
}
