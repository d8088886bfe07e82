/**
 * Locale state and `t()`. English ships with the widget; other locales are separate
 * chunks fetched when chosen, so they never weigh on the default bundle.
 */
import { signal } from '@preact/signals';
import en, { type Dictionary, type MessageKey, type PluralForms } from './locales/en';

export type { MessageKey };

/** Every locale the widget speaks, each loaded on demand. */
const LOADERS: Record<string, () => Promise<{ default: Dictionary }>> = {
  ar: () => import('./locales/ar'),
  de: () => import('./locales/de'),
  es: () => import('./locales/es'),
  fr: () => import('./locales/fr'),
  he: () => import('./locales/he'),
  kk: () => import('./locales/kk'),
  pl: () => import('./locales/pl'),
  pt: () => import('./locales/pt'),
  ru: () => import('./locales/ru'),
  tr: () => import('./locales/tr'),
  uk: () => import('./locales/uk'),
};

export const SUPPORTED_LOCALES = ['en', ...Object.keys(LOADERS)];

interface LocaleState {
  code: string;
  /** English has only its core keys until a lazy view registers its own. */
  dictionary: Partial<Dictionary>;
}

/** English, the fallback for every key; grows as lazily loaded views add their strings. */
const english: Partial<Dictionary> = { ...en };

export const locale = signal<LocaleState>({ code: 'en', dictionary: english });

/**
 * Called by a lazily loaded view's chunk with the English strings it brings, as the chunk
 * is evaluated: before any of its views render, so nothing rendered reads them yet and
 * nothing is told. (Telling the locale's readers re-rendered the whole panel each time a
 * chunk arrived, ~50 ms on a phone, right after `load` and again on open.)
 */
export function addEnglish(messages: Partial<Dictionary>): void {
  Object.assign(english, messages);
}

/** Picks the first supported locale among the candidates, by full tag and then language. */
export function resolveLocale(candidates: readonly (string | undefined | null)[]): string {
  for (const candidate of candidates) {
    if (!candidate) continue;
    const tag = candidate.toLowerCase();
    if (SUPPORTED_LOCALES.includes(tag)) return tag;
    const language = tag.split('-')[0]!;
    if (SUPPORTED_LOCALES.includes(language)) return language;
  }
  return 'en';
}

/** Loads and switches to `code`; an unsupported code is reported and leaves English. */
export async function setLocale(code: string): Promise<void> {
  const resolved = resolveLocale([code]);
  if (resolved !== code.toLowerCase() && resolved !== code.toLowerCase().split('-')[0]) {
    console.warn(`Confab: language "${code}" is not available (${SUPPORTED_LOCALES.join(', ')}); using English.`);
  }
  const load = LOADERS[resolved];
  const dictionary = load ? (await load()).default : english;
  locale.value = { code: resolved, dictionary };
}

const pluralRules = new Map<string, Intl.PluralRules>();

function pluralForm(forms: PluralForms, code: string, count: number): string {
  let rules = pluralRules.get(code);
  if (!rules) {
    rules = new Intl.PluralRules(code);
    pluralRules.set(code, rules);
  }
  return forms[rules.select(count)] ?? forms.other;
}

/** Translates `key`, filling `{name}` placeholders; `count` also picks the plural form. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const { code, dictionary } = locale.value;
  const entry = dictionary[key] ?? english[key];
  if (entry === undefined) return key;
  const text = typeof entry === 'string' ? entry : pluralForm(entry, code, Number(params.count ?? 0));
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

/** Whether the current locale is written right to left. */
export function isRtl(code: string = locale.value.code): boolean {
  return ['ar', 'he', 'fa', 'ur'].includes(code.split('-')[0]!);
}
