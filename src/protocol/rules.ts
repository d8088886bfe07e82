/**
 * The small rules every part of Confab agrees on: the loader, the widget, the protocol's
 * validators (and so the server), the console. Each is its own pure export, so a bundle
 * takes only the rules it imports (the loader needs three of them).
 */

/** A plain object (not null, not an array): what a JSON payload's record must be. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An e-mail address as a person would write it: no spaces, brackets or quotes; at most 254 characters. */
export const isEmail = (value: string): boolean =>
  value.length <= 254 && /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/.test(value);

/** A BCP 47 language tag as browsers report it: "de", "pt-BR", "zh-Hant-TW"; at most 35 characters. */
export const isLanguageTag = (value: string): boolean =>
  value.length <= 35 && /^[a-z]{2,3}(-[a-z\d]{1,8})*$/i.test(value);

/** A hex colour: "#abc" or "#aabbcc". */
export const isHexColor = (value: string): boolean => /^#([\da-f]{3}|[\da-f]{6})$/i.test(value);

/** An http(s) URL (resolved against `base` when given), or undefined. */
export function httpUrl(raw: string, base?: string): URL | undefined {
  try {
    const url = new URL(raw, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A link a visitor may follow: http(s), mailto or tel; anything else (javascript:, data:) is refused. */
export function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return ['http:', 'https:', 'mailto:', 'tel:'].includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Text with control characters (line breaks included) turned into spaces. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are replaced
export const withoutControls = (text: string): string => text.replace(/[\u0000-\u001f\u007f]/g, ' ');
