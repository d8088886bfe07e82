/// <reference types="vite/client" />
import { describe, expect, it, vi } from 'vitest';
import { locale, resolveLocale, setLocale, SUPPORTED_LOCALES, t } from '../../../src/i18n';
import core, { type Dictionary } from '../../../src/i18n/locales/en';
import views from '../../../src/i18n/locales/en-views';
import attach from '../../../src/i18n/locales/en-attach';
import attention from '../../../src/i18n/locales/en-attention';
import tools from '../../../src/i18n/locales/en-tools';

/** English is split between the bundle and the lazy views' chunks; together they are every key. */
const en: Dictionary = { ...core, ...views, ...attach, ...attention, ...tools };
const modules = import.meta.glob<{ default: Dictionary }>('../../../src/i18n/locales/*.ts', { eager: true });
const locales = Object.entries(modules)
  .map(([path, mod]) => [path.match(/([\w-]+)\.ts$/)![1]!, mod.default] as const)
  .filter(([code]) => !['en-views', 'en-attach', 'en-attention', 'en-tools'].includes(code))
  .map(([code, dictionary]) => [code, code === 'en' ? en : dictionary] as const);

it('English core and view strings do not overlap', () => {
  const split = [core, views, attach, attention, tools];
  split.forEach((part, i) =>
    expect(Object.keys(part).filter((key) => split.some((other, j) => j !== i && key in other))).toEqual([]),
  );
});

const placeholders = (value: string | object) => [...new Set(JSON.stringify(value).match(/\{\w+\}/g) ?? [])].sort();

describe('locales', () => {
  it('every locale file is registered, and every registered locale has a file', () => {
    expect(locales.map(([code]) => code).sort()).toEqual([...SUPPORTED_LOCALES].sort());
  });

  it.each(locales)('%s has exactly the keys of en, with the same placeholders', (_, dictionary) => {
    expect(Object.keys(dictionary).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof Dictionary)[]) {
      expect(placeholders(dictionary[key]), key).toEqual(placeholders(en[key]));
      const plural = typeof en[key] !== 'string';
      expect(typeof dictionary[key] !== 'string', `${key} plural forms`).toBe(plural);
    }
  });
});

describe('t()', () => {
  it('fills placeholders and picks Russian plural forms', async () => {
    await setLocale('ru');
    expect(t('composer.tooLong', { count: 1 })).toBe('На 1 символ больше допустимого');
    expect(t('composer.tooLong', { count: 3 })).toBe('На 3 символа больше допустимого');
    expect(t('composer.tooLong', { count: 11 })).toBe('На 11 символов больше допустимого');
    expect(t('typing.operator', { name: 'Анна' })).toBe('Анна печатает…');
    await setLocale('en');
    expect(t('composer.tooLong', { count: 1 })).toBe('1 character over the limit');
  });

  it('falls back to English for an unknown language, with one warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await setLocale('xx');
    expect(locale.value.code).toBe('en');
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('resolves regional tags to their language', () => {
    expect(resolveLocale(['ru-RU'])).toBe('ru');
    expect(resolveLocale([undefined, 'zz', 'en-GB'])).toBe('en');
    expect(resolveLocale([])).toBe('en');
  });
});

describe("a chunk's English strings", () => {
  it('are there for its views without telling every view that reads the locale', async () => {
    const { addEnglish } = await import('../../../src/i18n');
    await setLocale('en');
    const before = locale.value;
    let told = 0;
    const stop = locale.subscribe(() => told++);
    addEnglish(views);
    stop();
    // Told once: the subscription's first call. A change would re-render the whole panel.
    expect(told).toBe(1);
    expect(locale.value).toBe(before);
    expect(t('end.button')).toBe(views['end.button']);
  });
});
