import { afterAll, describe, expect, it } from 'vitest';
import { isRtl, locale, setLocale, t } from '../../../src/i18n';

afterAll(() => setLocale('en'));

describe('plural forms', () => {
  it.each([
    [
      'ru',
      [1, 2, 5, 21, 11],
      [
        '1 непрочитанное',
        '2 непрочитанных сообщения',
        '5 непрочитанных сообщений',
        '21 непрочитанное',
        '11 непрочитанных сообщений',
      ],
    ],
    ['uk', [1, 3, 7, 22], ['1 непрочитане', '3 непрочитані', '7 непрочитаних', '22 непрочитані']],
    ['pl', [1, 2, 5, 22], ['1 nieprzeczytana', '2 nieprzeczytane', '5 nieprzeczytanych', '22 nieprzeczytane']],
    ['ar', [0, 1, 2, 3, 11, 100], ['لا رسائل', 'رسالة واحدة', 'رسالتان', '3 رسائل', '11 رسالة', '100 رسالة']],
  ])('%s chooses the form by Intl.PluralRules', async (code, counts, expected) => {
    await setLocale(code);
    counts.forEach((count, i) => expect(t('launcher.unread', { count })).toContain(expected[i]));
  });
});

describe('right-to-left', () => {
  it('is the direction of Arabic and Hebrew only', async () => {
    expect(isRtl('ar')).toBe(true);
    expect(isRtl('he')).toBe(true);
    expect(isRtl('en')).toBe(false);
    expect(isRtl('kk')).toBe(false);
    await setLocale('he');
    expect(locale.value.code).toBe('he');
    expect(isRtl()).toBe(true);
  });
});
