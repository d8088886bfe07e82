import { describe, expect, it } from 'vitest';
import { foldForSearch, LATIN_WITHOUT_ACCENT, searchWordsOf } from '../../../src/protocol';
import {
  POSTGRES_FOLD_FROM,
  POSTGRES_FOLD_TO,
  POSTGRES_TWO_LETTER_FOLDS,
} from '../../../server/src/store/search-folding';
import { SEARCH_LETTERS } from '../../support/search-letters';

describe('search words', () => {
  it('drop the accents of Latin letters and lower every letter', () => {
    expect(foldForSearch('Café ÉCOLE Zoë İstanbul ŞEKER Việt')).toBe('cafe ecole zoe istanbul seker viet');
  });

  it('write a Latin letter with a stroke, a ligature or no dot as a keyboard without it does', () => {
    expect(foldForSearch('Łódź Straße STRAẞE Ærø œuvre Đakovo Þórður Ħamrun')).toBe(
      'lodz strasse strasse aero oeuvre dakovo thordur hamrun',
    );
    // Turkish dotless ı and dotted İ: an upper-case I is either, so all four meet at i.
    expect(foldForSearch('ısı ISI İZMİR izmir')).toBe('isi isi izmir izmir');
    // A letter built on one of them folds to the same.
    expect(foldForSearch('Ǽ ǿ ẛ')).toBe('ae o s');
    for (const [letter, typed] of Object.entries(LATIN_WITHOUT_ACCENT)) expect(foldForSearch(letter)).toBe(typed);
  });

  it('fold Russian ё into е, and keep й, Ukrainian ї, і, є, ґ and Kazakh letters as they are', () => {
    expect(foldForSearch('Ёлка ещё')).toBe('елка еще');
    expect(foldForSearch('Мой Їжак Ґанок Європа')).toBe('мой їжак ґанок європа');
    expect(foldForSearch('ҚАЗАҚ ӘЛЕМ')).toBe('қазақ әлем');
    expect(foldForSearch('й')).toHaveLength(1);
  });

  it('are runs of letters and digits', () => {
    expect(searchWordsOf('DELIV, Sofa! №42 ещё-раз')).toEqual(['deliv', 'sofa', '42', 'еще', 'раз']);
    expect(searchWordsOf('Łukasz.Weiß@Example.COM')).toEqual(['lukasz', 'weiss', 'example', 'com']);
  });

  it('fold on PostgreSQL by a table and two-letter replacements that agree with the rule letter for letter', () => {
    const from = [...POSTGRES_FOLD_FROM];
    const to = [...POSTGRES_FOLD_TO];
    expect(to).toHaveLength(from.length);
    // What translate() and the replace() calls after it make of a text, as SQL does it.
    const postgresFold = (text: string) =>
      POSTGRES_TWO_LETTER_FOLDS.reduce(
        (folded, [letter, letters]) => folded.replaceAll(letter, letters),
        [...text].map((c) => (from.includes(c) ? to[from.indexOf(c)] : c)).join(''),
      );
    expect(SEARCH_LETTERS).toEqual(expect.arrayContaining(['A', 'z', 'Ł', 'ǿ', 'Ё', 'ї', 'ẞ']));
    const disagreeing = SEARCH_LETTERS.filter((letter) => postgresFold(letter) !== foldForSearch(letter)).map(
      (letter) => `${letter} ${postgresFold(letter)} ${foldForSearch(letter)}`,
    );
    expect(disagreeing).toEqual([]);
    // Punctuation becomes a space: the words of an e-mail are words, as the rule splits them.
    expect(postgresFold('Ann.Weiß@Example.COM').split(' ')).toEqual(searchWordsOf('Ann.Weiß@Example.COM'));
  });
});
