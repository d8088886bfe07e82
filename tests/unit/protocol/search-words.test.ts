import { describe, expect, it } from 'vitest';
import { foldForSearch, searchWordsOf } from '../../../src/protocol';
import { POSTGRES_FOLD_FROM, POSTGRES_FOLD_TO } from '../../../server/src/store/search-folding';

describe('search words', () => {
  it('drop the accents of Latin letters and lower every letter', () => {
    expect(foldForSearch('Café ÉCOLE Zoë Straße İstanbul ŞEKER Việt')).toBe(
      'cafe ecole zoe straße istanbul seker viet',
    );
    // Letters with no accent to drop stay, as in SQLite's index.
    expect(foldForSearch('Łódź Ærø')).toBe('łodz ærø');
  });

  it('fold Russian ё into е, and keep й, Ukrainian ї, і, є, ґ and Kazakh letters as they are', () => {
    expect(foldForSearch('Ёлка ещё')).toBe('елка еще');
    expect(foldForSearch('Мой Їжак Ґанок Європа')).toBe('мой їжак ґанок європа');
    expect(foldForSearch('ҚАЗАҚ ӘЛЕМ')).toBe('қазақ әлем');
    expect(foldForSearch('й')).toHaveLength(1);
  });

  it('are runs of letters and digits', () => {
    expect(searchWordsOf('DELIV, Sofa! №42 ещё-раз')).toEqual(['deliv', 'sofa', '42', 'еще', 'раз']);
  });

  it('fold on PostgreSQL by a table that agrees with the rule letter for letter', () => {
    const from = [...POSTGRES_FOLD_FROM];
    const to = [...POSTGRES_FOLD_TO];
    expect(to).toHaveLength(from.length);
    from.forEach((letter, i) => expect(`${letter} ${to[i]}`).toBe(`${letter} ${foldForSearch(letter)}`));
    // Every letter of the blocks the table covers that the rule changes into one letter is in it.
    const blocks = [
      [0x41, 0x5a],
      [0xc0, 0x24f],
      [0x400, 0x4ff],
      [0x1e00, 0x1eff],
    ] as const;
    const missing: string[] = [];
    for (const [first, last] of blocks) {
      for (let code = first; code <= last; code++) {
        const letter = String.fromCodePoint(code);
        const folded = foldForSearch(letter);
        if (/\p{L}/u.test(letter) && folded !== letter && [...folded].length === 1 && !from.includes(letter)) {
          missing.push(letter);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
