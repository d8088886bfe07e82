/**
 * What a search word is, for every side that matches one: the console's filter over what
 * it loaded, the server's search (both engines' indexes fold text as this does: see
 * server/src/store/search-folding.ts) and the snippet that marks the matched words.
 * Written once so that a word one side finds, the others find too.
 *
 * The rule: lower case; a Latin letter loses its accents (café → cafe, Łódź keeps its ł as
 * SQLite's index does: ł has no accent to drop); Russian ё is е. Every other letter keeps
 * its identity: й is not и (мой and мои are different words), and Ukrainian ї, і, є, ґ
 * and Kazakh ә, қ, ү stay what they are: each is its own key on the keyboard that writes
 * the language, while ё is left out of most Russian print and typing, so a visitor's
 * "еще" must find an operator's "ещё" and back.
 */

/** A Latin letter and the accents after it once decomposed. */
const LATIN_ACCENTS = /(\p{Script=Latin})\p{M}+/gu;
/** ё decomposed: е and a diaeresis. */
const YO = /\u0435\u0308/g;

/** `text` as search compares it. */
export const foldForSearch = (text: string): string =>
  text.toLowerCase().normalize('NFD').replace(LATIN_ACCENTS, '$1').replace(YO, '\u0435').normalize('NFC');

/** The words of `text`: runs of letters and digits, folded. */
export const searchWordsOf = (text: string): string[] => foldForSearch(text).match(/[\p{L}\p{N}]+/gu) ?? [];
