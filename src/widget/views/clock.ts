/**
 * "10:42" the way the reader's locale writes the time of a message, without `Intl`: the
 * first `Intl` object in a fresh renderer loads ICU's locale data, ~80–120 ms on a phone,
 * which made opening a returning visitor's chat one long task. For the languages the
 * widget speaks the rule is short (CLDR's hour:minute pattern): English and Arabic count
 * the hours to twelve with a day-half mark after them, the others to twenty-four; hours
 * without a leading zero, minutes with one, Latin digits in every language. That is the
 * text CLDR 46 (current Chrome, Node) writes, whatever ICU the visitor's browser has: one
 * older than CLDR 46 writes Arabic-Indic digits for Arabic through `Intl` ("٩:٠٧ م"), the
 * widget does not. A unit test states the strings and holds this to `Intl`'s output (CLDR
 * 46+) for every supported locale and hour, so a new locale with another rule fails there.
 */

/** The day-half marks, before and after noon, of the locales with a twelve-hour clock. */
const HALVES: Record<string, string> = { en: 'AM PM', ar: 'ص م' };

export function clockTime(date: Date, code: string): string {
  const hours = date.getHours();
  const minutes = date.getMinutes();
  const halves = HALVES[code]?.split(' ');
  const time = `${halves ? hours % 12 || 12 : hours}:${minutes < 10 ? 0 : ''}${minutes}`;
  return halves ? `${time} ${halves[+(hours > 11)]}` : time;
}
