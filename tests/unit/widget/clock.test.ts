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
});
