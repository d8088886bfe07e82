/**
 * A search hit's message as the list row shows it: the words that begin with a word of
 * the search marked, and the start cut off when the first of them would fall past the
 * row's single line. Pieces of plain text only: the view renders them as text nodes (a
 * matched word in <mark>), so a message holding markup stays text.
 */
import { foldForSearch, searchWordsOf } from '../../src/protocol';

export interface SnippetPiece {
  text: string;
  /** A word the search matched (it begins with one of the search's words). */
  hit: boolean;
}

/** How many characters may stand before the first hit before the start is cut. */
const LEAD = 24;

export function snippet(text: string, query: string): SnippetPiece[] {
  const wanted = searchWordsOf(query);
  const pieces: SnippetPiece[] = [];
  let from = 0;
  for (const word of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    const folded = foldForSearch(word[0]);
    if (!wanted.some((prefix) => folded.startsWith(prefix))) continue;
    if (word.index > from) pieces.push({ text: text.slice(from, word.index), hit: false });
    pieces.push({ text: word[0], hit: true });
    from = word.index + word[0].length;
  }
  if (from < text.length) pieces.push({ text: text.slice(from), hit: false });
  const first = pieces[0];
  if (first && !first.hit && pieces.length > 1 && first.text.length > LEAD) {
    // Cut after a space, so no word is shown in part.
    const cut = first.text.length - LEAD;
    const space = first.text.indexOf(' ', cut - 1);
    first.text = `…${first.text.slice(space >= 0 ? space + 1 : cut)}`;
  }
  return pieces;
}

/** A letter of a script written right to left. */
const RIGHT_TO_LEFT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

/**
 * The direction a hit's one-line preview is laid out in: that of its first matched word,
 * so the word stands at the line's start and the cut (the ellipsis) falls after it. By the
 * message's own first letter ("auto") an English word in a Hebrew or Arabic message was
 * laid out at the line's far end and cut off.
 */
export function previewDirection(text: string, query: string): 'ltr' | 'rtl' | 'auto' {
  const hit = snippet(text, query).find((piece) => piece.hit);
  if (!hit) return 'auto';
  return RIGHT_TO_LEFT.test(hit.text) ? 'rtl' : 'ltr';
}
