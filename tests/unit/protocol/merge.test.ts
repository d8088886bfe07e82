import { describe, expect, it } from 'vitest';
import { mergeByChange } from '../../../src/protocol';

type Row = { id: string; changeSeq: number; seq: number; text: string };
const row = (id: string, seq: number, changeSeq: number, text = id): Row => ({ id, seq, changeSeq, text });
const bySeq = (a: Row, b: Row) => a.seq - b.seq;

describe('mergeByChange (the widget and the console keep messages by it)', () => {
  it('adds new messages in order', () => {
    const merged = mergeByChange([row('b', 2, 2)], [row('c', 3, 3), row('a', 1, 1)], bySeq);
    expect(merged.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('applies an edit with a higher change number', () => {
    const merged = mergeByChange([row('a', 1, 1, 'hello')], [row('a', 1, 4, 'hello, edited')], bySeq);
    expect(merged[0]?.text).toBe('hello, edited');
  });

  it('ignores a late or replayed older version, so an edit or delete is never undone', () => {
    const known = [row('a', 1, 4, '')];
    expect(mergeByChange(known, [row('a', 1, 1, 'original'), row('a', 1, 4, 'replay')], bySeq)).toBe(known);
  });

  it('returns the same array when nothing is newer, so a signal holding it stays quiet', () => {
    const known = [row('a', 1, 1)];
    expect(mergeByChange(known, [], bySeq)).toBe(known);
    expect(mergeByChange(known, [row('a', 1, 2)], bySeq)).not.toBe(known);
  });
});
