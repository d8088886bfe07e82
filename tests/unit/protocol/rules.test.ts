import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  httpUrl,
  isEmail,
  isHexColor,
  isLanguageTag,
  isRecord,
  safeHref,
  withoutControls,
} from '../../../src/protocol/rules';

describe('shared rules', () => {
  it('isRecord: plain objects only', () => {
    expect(isRecord({})).toBe(true);
    expect([null, [], 'x', 1, undefined].map(isRecord)).toEqual([false, false, false, false, false]);
  });

  it('isEmail', () => {
    expect(['ann@example.com', 'a.b+c@sub.example.co'].every(isEmail)).toBe(true);
    expect(
      ['ann', 'ann@', 'ann@example', 'a b@example.com', '<a>@example.com', `${'a'.repeat(250)}@example.com`].some(
        isEmail,
      ),
    ).toBe(false);
  });

  it('isLanguageTag: what browsers report and sites write', () => {
    expect(['de', 'pt-BR', 'zh-Hant-TW', 'es-419', 'kk'].every(isLanguageTag)).toBe(true);
    expect(['d', 'german', 'de_DE', 'de-', '', `en-${'x'.repeat(40)}`].some(isLanguageTag)).toBe(false);
  });

  it('isHexColor', () => {
    expect(['#abc', '#0B6BCB'].every(isHexColor)).toBe(true);
    expect(['abc', '#abcd', 'red', '#ggg'].some(isHexColor)).toBe(false);
  });

  it('httpUrl and safeHref refuse other schemes', () => {
    expect(httpUrl('https://chat.example.com/x')?.origin).toBe('https://chat.example.com');
    expect(httpUrl('/x', 'http://h.example')?.href).toBe('http://h.example/x');
    expect(httpUrl('javascript:alert(1)')).toBeUndefined();
    expect(httpUrl('not a url')).toBeUndefined();
    expect(safeHref('mailto:ann@example.com')).toBe('mailto:ann@example.com');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,x')).toBeUndefined();
  });

  it('withoutControls', () => {
    expect(withoutControls('a\u0000b\nc\u007fd')).toBe('a b c d');
  });

  it('the loader takes only the rules it needs (no e-mail rule, no safe links)', () => {
    const loader = resolve(dirname(fileURLToPath(import.meta.url)), '../../../dist/loader.js');
    if (!existsSync(loader)) return; // npm test builds before it runs the tests
    const code = readFileSync(loader, 'utf8');
    expect(code).not.toContain('mailto');
    expect(code).not.toContain('@<>');
  });
});
