/**
 * Turns the script tag's `data-*` attributes (or the options of `createConfab`) into a
 * typed config.
 *
 * Two passes share one set of validators. The loader (`parseConfig`) keeps what is
 * valid and falls back to defaults for the rest without a word, which keeps it small;
 * the widget (`reportConfig`) runs when it mounts, reports each bad value once with the
 * attribute and the fix, and checks the visitor hints. Only a missing site id stops
 * the widget, and the loader says so at once.
 */
import { httpUrl, isEmail, isHexColor, isLanguageTag } from '../protocol/rules';

export type Position = 'right' | 'left';

/** The attributes a site owner may write, in their `data-*` spelling without the prefix. */
export interface ConfigInput {
  site?: string;
  server?: string;
  lang?: string;
  name?: string;
  email?: string;
  position?: string;
  color?: string;
  /** data-user-token: a signed identity token from the site's backend. */
  userToken?: string;
  /** data-consent="required": nothing stored or sent before the visitor's consent. */
  consent?: string;
  /** data-title-alert="off": no unread count in the page title while the tab is hidden. */
  titleAlert?: string;
  /** data-notifications="on"|"off": system notifications of replies; the page's word beats the site's. */
  notifications?: string;
  /** data-favicon-badge="on"|"off": an unread count on the favicon; the page's word beats the site's. */
  faviconBadge?: string;
}

export interface WidgetConfig {
  site: string;
  /** Origin of the Confab server, without a trailing slash. */
  server: string;
  /** URL the widget bundle is imported from, ending in a slash. */
  base: string;
  position: Position;
  color?: string;
  /** Set by `reportConfig` once checked. */
  lang?: string;
  name?: string;
  email?: string;
  /** Nonce for the `<style>` fallback where constructed stylesheets are missing. */
  nonce?: string;
  /** The attributes as written, for `reportConfig`. */
  input: ConfigInput;
}

type Warn = (message: string) => void;

// Each validator returns the normalised value, or undefined when the value is not valid.
// Separate functions, not an object, so the loader bundles only the ones it calls.
export const validSite = (value: string) => (/^[\w-]{1,64}$/.test(value) ? value : undefined);
export const validPosition = (value: string) =>
  value === 'left' || value === 'right' ? (value as Position) : undefined;
export const validColor = (value: string) => (isHexColor(value) ? value : undefined);
export const validLang = (value: string) => (isLanguageTag(value) ? value.toLowerCase() : undefined);
export const validEmail = (value: string) => (isEmail(value) ? value : undefined);
export function validServer(value: string): string | undefined {
  return httpUrl(value, location.href)?.origin;
}

/** Each attribute's validator and how to write it, for the warning about a bad value. */
const CHECKS: [attr: keyof ConfigInput, valid: (value: string) => string | undefined, expected: string][] = [
  ['server', validServer, 'the http(s) URL of your Confab server'],
  ['position', validPosition, '"right" or "left"'],
  ['color', validColor, 'a hex colour like "#0b6bcb"'],
  ['lang', validLang, 'a language code like "en" or "pt-BR"'],
  ['email', validEmail, 'an e-mail address like "ann@example.com"'],
  ['consent', (value) => (value === 'required' ? value : undefined), '"required" (or leave it out)'],
];

/**
 * @param input  attribute values as written
 * @param src    URL of the loader script: the default server and the bundle base
 */
export function parseConfig(input: ConfigInput, src: string, warn: Warn): WidgetConfig | null {
  const site = validSite(input.site?.trim() ?? '');
  if (!site) {
    warn('Confab: no widget; add data-site="your-site-id" to the script tag.');
    return null;
  }
  const scriptUrl = new URL(src, location.href);
  return {
    site,
    server: (input.server && validServer(input.server)) || scriptUrl.origin,
    base: new URL('./', scriptUrl).href,
    position: (input.position && validPosition(input.position)) || 'right',
    color: input.color && validColor(input.color),
    input,
  };
}

/** How a setting was written, for the warning; null: not written there, so not reported. */
type Written = (attr: string, value: string) => string | null;
const attribute: Written = (attr, value) => `data-${attr}="${value}"`;

/** Reports every bad attribute once, and sets the checked visitor hints. */
export function reportConfig(config: WidgetConfig, warn: Warn, written: Written = attribute): void {
  const { input } = config;
  for (const [attr, valid, expected] of CHECKS) {
    const value = input[attr]?.trim();
    const where = value && !valid(value) && written(attr, value);
    if (where) warn(`Confab: ${where} is invalid, so the default is used; write ${expected}.`);
  }
  config.lang = input.lang && validLang(input.lang.trim());
  config.email = input.email && validEmail(input.email.trim());
  config.name = input.name?.trim().slice(0, 100) || undefined;
}
