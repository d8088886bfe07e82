/**
 * Business hours: a weekly schedule in the site's time zone, with holidays. Outside
 * them the site is unavailable whatever the operators' statuses say.
 */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BusinessHours {
  /** IANA name, e.g. "Europe/Moscow". */
  timeZone: string;
  /** Open intervals per weekday, "HH:MM" to "HH:MM" (end exclusive; "24:00" allowed). */
  weekly: Partial<Record<Weekday, [string, string][]>>;
  /** Whole days closed, "YYYY-MM-DD" in the site's time zone. */
  holidays?: string[];
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Names the first mistake, or null when the schedule is valid. */
export function checkHours(hours: BusinessHours): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: hours.timeZone });
  } catch {
    return `timeZone "${hours.timeZone}" is not an IANA time zone like "Europe/Moscow"`;
  }
  if (typeof hours.weekly !== 'object' || hours.weekly === null) return 'weekly must be an object of weekdays';
  for (const [day, intervals] of Object.entries(hours.weekly)) {
    if (!WEEKDAYS.includes(day as Weekday)) return `weekly.${day}: use one of ${WEEKDAYS.join(', ')}`;
    if (!Array.isArray(intervals)) return `weekly.${day} must be a list of ["HH:MM", "HH:MM"]`;
    for (const interval of intervals) {
      const [start, end] = Array.isArray(interval) ? interval : [];
      if (!start || !end || !TIME.test(start) || !TIME.test(end) || minutes(start) >= minutes(end)) {
        return `weekly.${day}: ${JSON.stringify(interval)} is not ["HH:MM", "HH:MM"] with start before end`;
      }
    }
  }
  for (const day of hours.holidays ?? []) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return `holidays: "${day}" is not YYYY-MM-DD`;
  }
  return null;
}

/** The wall-clock date, weekday and minute of `now` in `timeZone`. */
export function localTime(now: Date, timeZone: string): { date: string; weekday: Weekday; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((part) => [part.type, part.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: parts.weekday!.toLowerCase().slice(0, 3) as Weekday,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** Open when no hours are set, or when `now` falls in one of today's intervals. */
export function isOpen(hours: BusinessHours | undefined, now: Date): boolean {
  if (!hours) return true;
  const { date, weekday, minute } = localTime(now, hours.timeZone);
  if (hours.holidays?.includes(date)) return false;
  return (hours.weekly[weekday] ?? []).some(([start, end]) => minute >= minutes(start) && minute < minutes(end));
}

/** Epoch ms of the wall-clock `minute` of `date` ("YYYY-MM-DD") in `timeZone` (DST-aware). */
function zonedTime(date: string, minute: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minute);
  let guess = wall;
  // The zone's offset at the guess, applied twice: right on both sides of a DST change.
  for (let i = 0; i < 2; i++) {
    const seen = localTime(new Date(guess), timeZone);
    const [sy, sm, sd] = seen.date.split('-').map(Number) as [number, number, number];
    guess += wall - Date.UTC(sy, sm - 1, sd, 0, seen.minute);
  }
  return guess;
}

/**
 * When the site next opens after `now` (epoch ms), looking up to two weeks ahead past
 * holidays; null when no hours are set (always open) or none come in that time.
 */
export function nextOpening(hours: BusinessHours | undefined, now: Date): number | null {
  if (!hours) return null;
  const today = localTime(now, hours.timeZone).date;
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  let best: number | null = null;
  for (let offset = 0; offset <= 14 && best === null; offset++) {
    const day = new Date(Date.UTC(y, m - 1, d + offset));
    const date = day.toISOString().slice(0, 10);
    if (hours.holidays?.includes(date)) continue;
    for (const [start] of hours.weekly[WEEKDAYS[day.getUTCDay()]!] ?? []) {
      const at = zonedTime(date, minutes(start), hours.timeZone);
      if (at > now.getTime() && isOpen(hours, new Date(at)) && (best === null || at < best)) best = at;
    }
  }
  return best;
}
