import { describe, expect, it } from 'vitest';
import { checkHours, isOpen, localTime, nextOpening, type BusinessHours } from '../../../server/src/hours';

const moscow: BusinessHours = {
  timeZone: 'Europe/Moscow',
  weekly: {
    mon: [
      ['09:00', '13:00'],
      ['14:00', '18:00'],
    ],
    sat: [['10:00', '24:00']],
  },
  holidays: ['2026-12-31'],
};

describe('business hours', () => {
  it('reads the wall clock in the site’s time zone', () => {
    // 2026-11-23 is a Monday; 06:30 UTC is 09:30 in Moscow (UTC+3).
    expect(localTime(new Date('2026-11-23T06:30:00Z'), 'Europe/Moscow')).toEqual({
      date: '2026-11-23',
      weekday: 'mon',
      minute: 9 * 60 + 30,
    });
  });

  it.each([
    ['2026-11-23T05:59:00Z', false, 'Monday 08:59, before opening'],
    ['2026-11-23T06:00:00Z', true, 'Monday 09:00, opening minute'],
    ['2026-11-23T10:30:00Z', false, 'Monday 13:30, lunch'],
    ['2026-11-23T14:59:00Z', true, 'Monday 17:59'],
    ['2026-11-23T15:00:00Z', false, 'Monday 18:00, closed (end is exclusive)'],
    ['2026-11-24T08:00:00Z', false, 'Tuesday: no hours'],
    ['2026-11-28T20:59:00Z', true, 'Saturday 23:59, open to midnight'],
    ['2026-12-31T08:00:00Z', false, 'a holiday (a Thursday with no hours anyway)'],
  ])('%s → %s (%s)', (iso, open) => {
    expect(isOpen(moscow, new Date(iso))).toBe(open);
  });

  it('a holiday closes a day that has hours', () => {
    expect(isOpen({ ...moscow, holidays: ['2026-11-23'] }, new Date('2026-11-23T07:00:00Z'))).toBe(false);
  });

  it('no hours means always open', () => {
    expect(isOpen(undefined, new Date())).toBe(true);
  });

  it('names the mistake in a schedule', () => {
    expect(checkHours({ ...moscow, timeZone: 'Mars/Olympus' })).toMatch(/IANA/);
    expect(checkHours({ ...moscow, weekly: { mon: [['18:00', '09:00']] } })).toMatch(/start before end/);
    expect(checkHours({ ...moscow, weekly: { monday: [] } as never })).toMatch(/weekly.monday/);
    expect(checkHours({ ...moscow, holidays: ['31.12.2026'] })).toMatch(/YYYY-MM-DD/);
    expect(checkHours(moscow)).toBeNull();
  });
});

describe('the next opening', () => {
  it.each([
    ['2026-11-23T05:00:00Z', '2026-11-23T06:00:00Z', 'Monday 08:00 → 09:00 the same day'],
    ['2026-11-23T10:30:00Z', '2026-11-23T11:00:00Z', 'Monday lunch → 14:00'],
    ['2026-11-23T16:00:00Z', '2026-11-28T07:00:00Z', 'Monday evening → Saturday 10:00'],
    [
      '2026-12-30T12:00:00Z',
      '2027-01-02T07:00:00Z',
      'Wednesday, past the 31 December holiday → Saturday 2 January 10:00',
    ],
  ])('from %s is %s (%s)', (now, expected) => {
    expect(new Date(nextOpening(moscow, new Date(now))!).toISOString()).toBe(new Date(expected).toISOString());
  });

  it('skips holidays and follows a daylight-saving change', () => {
    // Saturday 2026-12-26 is open from 10:00; make it a holiday: the next is Monday 28th 09:00.
    const withHoliday = { ...moscow, holidays: ['2026-12-26'] };
    expect(new Date(nextOpening(withHoliday, new Date('2026-12-25T12:00:00Z'))!).toISOString()).toBe(
      '2026-12-28T06:00:00.000Z',
    );
    // Berlin leaves summer time on 2026-10-25: 09:00 on Monday 26th is 08:00 UTC, not 07:00.
    const berlin: BusinessHours = { timeZone: 'Europe/Berlin', weekly: { mon: [['09:00', '17:00']] } };
    expect(new Date(nextOpening(berlin, new Date('2026-10-24T12:00:00Z'))!).toISOString()).toBe(
      '2026-10-26T08:00:00.000Z',
    );
  });

  it('is null without hours, or with none in the next two weeks', () => {
    expect(nextOpening(undefined, new Date())).toBeNull();
    expect(nextOpening({ timeZone: 'UTC', weekly: {} }, new Date())).toBeNull();
  });
});
