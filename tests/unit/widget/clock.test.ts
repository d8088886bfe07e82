import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../../../src/i18n';
import { clockTime } from '../../../src/widget/views/clock';

describe('the time of a message', () => {
  it.each(SUPPORTED_LOCALES)('in %s reads as Intl writes hour and minute', (code) => {
    const intl = new Intl.DateTimeFormat(code, { hour: 'numeric', minute: '2-digit' });
    for (let hour = 0; hour < 24; hour++) {
      for (const minute of [0, 5, 42]) {
        const at = new Date(2026, 10, 22, hour, minute, 30);
        expect(clockTime(at, code)).toBe(intl.format(at));
      }
    }
  });

  it('keeps twelve-hour locales apart from twenty-four-hour ones', () => {
    const evening = new Date(2026, 10, 22, 21, 7);
    expect(clockTime(evening, 'en')).toBe('9:07 PM');
    expect(clockTime(evening, 'de')).toBe('21:07');
  });

  // Stated here, not only compared with this machine's Intl: the text is CLDR 46's, whatever
  // ICU the visitor's browser has (an older one writes Arabic-Indic digits, "٩:٠٧ م").
  it('writes the times CLDR 46 writes: Latin digits in Arabic too', () => {
    const morning = new Date(2026, 10, 22, 0, 5);
    const noon = new Date(2026, 10, 22, 12, 42);
    const evening = new Date(2026, 10, 22, 21, 7);
    expect([morning, noon, evening].map((at) => clockTime(at, 'en'))).toEqual(['12:05 AM', '12:42 PM', '9:07 PM']);
    expect([morning, noon, evening].map((at) => clockTime(at, 'ar'))).toEqual(['12:05 ص', '12:42 م', '9:07 م']);
    expect([morning, noon, evening].map((at) => clockTime(at, 'ru'))).toEqual(['0:05', '12:42', '21:07']);
  });
});
