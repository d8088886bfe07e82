/**
 * The letters the search folding (src/protocol/search-words.ts) is checked over, letter by
 * letter, on every side that folds: ASCII, Latin-1 to Latin Extended-B, Cyrillic and Latin
 * Extended Additional, the scripts the widget's languages write.
 */
const BLOCKS = [
  [0x41, 0x5a],
  [0x61, 0x7a],
  [0xc0, 0x24f],
  [0x400, 0x4ff],
  [0x1e00, 0x1eff],
] as const;

/** Every letter of the blocks, in code point order. */
export const SEARCH_LETTERS: readonly string[] = BLOCKS.flatMap(([first, last]) =>
  Array.from({ length: last - first + 1 }, (_, i) => String.fromCodePoint(first + i)),
).filter((c) => /\p{L}/u.test(c));
