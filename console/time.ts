/**
 * Message times and day separators in the operator's locale and time zone (Intl; the
 * browser's defaults unless a test passes others).
 */
import type { ChatMessage } from '../src/protocol';

export interface TimeOptions {
  locale?: string;
  timeZone?: string;
}

/** The calendar day of `ms` in the time zone, as YYYY-MM-DD (for comparing days). */
export function dayKey(ms: number, { timeZone }: TimeOptions = {}): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function formatTime(ms: number, { locale, timeZone }: TimeOptions = {}): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone }).format(ms);
}

/** Date and time, for a tooltip. */
export function formatDateTime(ms: number, { locale, timeZone }: TimeOptions = {}): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(ms);
}

const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

/** "Today", "Yesterday" (in the locale's words), or the full date. */
export function formatDay(ms: number, now: number, options: TimeOptions = {}): string {
  const diff = daysBetween(dayKey(ms, options), dayKey(now, options));
  if (diff === 0 || diff === 1) {
    const word = new Intl.RelativeTimeFormat(options.locale, { numeric: 'auto' }).format(-diff, 'day');
    return word.charAt(0).toLocaleUpperCase(options.locale) + word.slice(1);
  }
  return new Intl.DateTimeFormat(options.locale, { dateStyle: 'full', timeZone: options.timeZone }).format(ms);
}

export type LogItem = { kind: 'day'; key: string; at: number } | { kind: 'message'; message: ChatMessage };

/** Messages with a day separator before the first message of each calendar day. */
export function withDaySeparators(messages: readonly ChatMessage[], options: TimeOptions = {}): LogItem[] {
  const items: LogItem[] = [];
  let day = '';
  for (const message of messages) {
    const key = dayKey(message.createdAt, options);
    if (key !== day) items.push({ kind: 'day', key, at: message.createdAt });
    day = key;
    items.push({ kind: 'message', message });
  }
  return items;
}
