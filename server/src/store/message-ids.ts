/**
 * Message ids that sort by the time they were stored: the first 8 characters are the
 * millisecond of storing, written in an alphabet whose byte order is its numeric order;
 * the other 14 are the last 14 of a random id (84 random bits). Still 22 characters of the
 * URL-safe base64 alphabet, the format every id has (src/protocol/ids.ts).
 *
 * Why: the message table's unique index on `id` took every new message at a random place,
 * so each commit rewrote as many of its pages as it held messages; ids in time order land
 * at its end, where one page takes a whole commit's messages (bench/store-throughput.ts,
 * the store's CPU per message). Nothing reads meaning into the order: messages are ordered
 * by their numbers, and when a message was sent is no secret (its `createdAt` is shown).
 */
const SORTED_ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const TIME_CHARACTERS = 8;
const RANDOM_CHARACTERS = 22 - TIME_CHARACTERS;

/** `random` is an id of 22 characters; `at` is the storing time in ms (48 bits: until the year 10889). */
export function timeOrderedMessageId(at: number, random: string): string {
  let time = '';
  let rest = Math.max(0, Math.floor(at));
  for (let i = 0; i < TIME_CHARACTERS; i++) {
    time = SORTED_ALPHABET[rest % 64]! + time;
    rest = Math.floor(rest / 64);
  }
  return time + random.slice(-RANDOM_CHARACTERS);
}
