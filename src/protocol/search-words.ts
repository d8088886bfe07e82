/**
 * What a search word is, for every side that matches one: the console's filter over what
 * it loaded, the server's search (both engines' indexes fold text as this does: see
 * server/src/store/search-folding.ts) and the snippet that marks the matched words.
 * Written once so that a word one side finds, the others find too.
 *
 * The rule: lower case; a Latin letter loses its accents (café → cafe); a Latin letter no
 * accent-dropping reaches (a stroke, a ligature, a missing dot) is written as a keyboard
 * without it writes it (Łódź → lodz, Straße → strasse, Ærø → aero, Turkish ı → i); Russian
 * ё is е. Every other letter keeps its identity: й is not и (мой and мои are different
 * words), and Ukrainian ї, і, є, ґ and Kazakh ә, қ, ү stay what they are: each is its own
 * key on the keyboard that writes the language, while ё is left out of most Russian print
 * and typing, so a visitor's "еще" must find an operator's "ещё" and back. Latin letters
 * fold the other way because Latin text is so often typed on a keyboard of another
 * language: a visitor in Berlin types "strasse" as often as "straße", and a Turkish "IŞIK"
 * lowers to "işik" outside Turkey, so ı, i, I and İ can only meet as one letter.
 */

/** A Latin letter and the accents after it once decomposed. */
const LATIN_ACCENTS = /(\p{Script=Latin})\p{M}+/gu;
/** ё decomposed: е and a diaeresis. */
const YO = /\u0435\u0308/g;

/**
 * Lower-case Latin letters that keep their stroke, ligature or missing dot once accents
 * are gone, and the letters that stand for them on a keyboard without them. ß and the
 * ligatures take two: translate() cannot write them on PostgreSQL (search-folding.ts).
 */
export const LATIN_WITHOUT_ACCENT: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ĳ: 'ij',
  þ: 'th',
  ð: 'd',
  đ: 'd',
  ħ: 'h',
  ı: 'i',
  ł: 'l',
  ŀ: 'l',
  ø: 'o',
  ŧ: 't',
  ſ: 's',
};
/**
 * The keys above, written out: a literal, where a RegExp built from them at load would be
 * a call the widget's bundler must keep though the widget never folds (a test checks the two agree).
 */
const LATIN_WITHOUT_ACCENT_LETTER = /[ßæœĳþðđħıłŀøŧſ]/g;

/** `text` as search compares it. */
export const foldForSearch = (text: string): string =>
  text
    .toLowerCase()
    .normalize('NFD')
    .replace(LATIN_ACCENTS, '$1')
    .replace(LATIN_WITHOUT_ACCENT_LETTER, (letter) => LATIN_WITHOUT_ACCENT[letter]!)
    .replace(YO, '\u0435')
    .normalize('NFC');

/** The words of `text`: runs of letters and digits, folded. */
export const searchWordsOf = (text: string): string[] => foldForSearch(text).match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Whether `prefix`, a word of a search, begins one of `words` (both as `searchWordsOf`
 * makes them): a search word matches the start of a word, never its inside, on every side.
 */
export const beginsAWord = (prefix: string, words: readonly string[]): boolean =>
  words.some((word) => word.startsWith(prefix));
