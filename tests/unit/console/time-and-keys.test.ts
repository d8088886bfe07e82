import { describe, expect, it } from 'vitest';
import { alertFor } from '../../../console/notify/alerts';
import { SHORTCUTS, actionFor } from '../../../console/shortcuts';
import { dayKey, formatDay, formatTime, withDaySeparators } from '../../../console/time';
import { messageOf } from './summaries';

const press = (key: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...mods,
});

describe('message times', () => {
  const evening = Date.UTC(2026, 10, 21, 22, 30); // 21 Nov 22:30 UTC

  it('uses the time zone for the day: late evening in UTC is the next morning in Almaty', () => {
    expect(dayKey(evening, { timeZone: 'UTC' })).toBe('2026-11-21');
    expect(dayKey(evening, { timeZone: 'Asia/Almaty' })).toBe('2026-11-22');
    expect(formatTime(evening, { locale: 'en-GB', timeZone: 'UTC' })).toBe('22:30');
    expect(formatTime(evening, { locale: 'en-US', timeZone: 'UTC' })).toBe('10:30 PM');
  });

  it('names today and yesterday in the locale, older days in full', () => {
    const now = Date.UTC(2026, 10, 22, 12, 0);
    const utc = { locale: 'en-GB', timeZone: 'UTC' };
    expect(formatDay(now - 60_000, now, utc)).toBe('Today');
    expect(formatDay(evening, now, utc)).toBe('Yesterday');
    expect(formatDay(evening, now, { locale: 'de-DE', timeZone: 'UTC' })).toBe('Gestern');
    expect(formatDay(Date.UTC(2026, 10, 2, 9), now, utc)).toMatch(/^Monday,? 2 November 2026$/);
  });

  it('puts a separator before the first message of each day', () => {
    const at = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);
    const items = withDaySeparators(
      [
        messageOf({ seq: 1, createdAt: at(20, 9) }),
        messageOf({ seq: 2, createdAt: at(20, 18) }),
        messageOf({ seq: 3, createdAt: at(21, 8) }),
      ],
      { timeZone: 'UTC' },
    );
    expect(items.map((i) => (i.kind === 'day' ? i.key : i.message.seq))).toEqual(['2026-11-20', 1, 2, '2026-11-21', 3]);
  });
});

describe('keyboard shortcuts', () => {
  it('takes single keys only outside text fields', () => {
    expect(actionFor(press('j'), false)).toBe('next');
    expect(actionFor(press('j'), true)).toBeNull();
    expect(actionFor(press('e'), false)).toBe('end');
    expect(actionFor(press('/'), false)).toBe('search');
    expect(actionFor(press('?'), false)).toBe('help');
    expect(actionFor(press('x'), false)).toBeNull();
  });

  it('moves with Alt+arrows anywhere, leaves a field with Escape, and leaves Ctrl/Cmd to the browser', () => {
    expect(actionFor(press('ArrowDown', { altKey: true }), true)).toBe('next');
    expect(actionFor(press('ArrowUp', { altKey: true }), false)).toBe('previous');
    expect(actionFor(press('Escape'), true)).toBe('leave-field');
    expect(actionFor(press('k', { ctrlKey: true }), false)).toBeNull();
    expect(actionFor(press('e', { metaKey: true }), false)).toBeNull();
  });

  it('documents every single key it acts on', () => {
    const documented = new Set(SHORTCUTS.flatMap((s) => s.keys));
    for (const key of 'jkres/?123456') {
      expect(actionFor(press(key), false)).not.toBeNull();
      expect(documented.has(key)).toBe(true);
    }
  });
});

describe('which messages alert the operator', () => {
  const state = { me: 'anna', selectedId: null, visible: false };
  const visitorSays = { author: 'visitor' as const, conversationId: 'c1' };

  it('alerts for a chat nobody took and for one of mine, not for a colleague’s', () => {
    expect(alertFor(visitorSays, undefined, state)).toBe('new-chat');
    expect(alertFor(visitorSays, { status: 'open', operatorId: null }, state)).toBe('new-chat');
    expect(alertFor(visitorSays, { status: 'open', operatorId: 'anna' }, state)).toBe('message');
    expect(alertFor(visitorSays, { status: 'open', operatorId: 'max' }, state)).toBeNull();
    expect(alertFor(visitorSays, { status: 'closed', operatorId: 'anna' }, state)).toBeNull();
  });

  it('stays quiet for operators’ messages and for the chat on screen in a visible tab', () => {
    expect(alertFor({ ...visitorSays, author: 'operator' }, { status: 'open', operatorId: 'anna' }, state)).toBeNull();
    expect(
      alertFor(visitorSays, { status: 'open', operatorId: 'anna' }, { ...state, selectedId: 'c1', visible: true }),
    ).toBeNull();
    // On screen but the tab is hidden: the operator is not looking.
    expect(
      alertFor(visitorSays, { status: 'open', operatorId: 'anna' }, { ...state, selectedId: 'c1', visible: false }),
    ).toBe('message');
  });
});
