import { describe, expect, it } from 'vitest';
import { MIN_SAMPLES, expectedWait, median, responseTimes, typical } from '../../../server/src/expectations';
import type { MessageTiming } from '../../../server/src/store';

const row = (conversationId: string, seq: number, author: MessageTiming['author'], createdAt: number) => ({
  conversationId,
  seq,
  author,
  createdAt,
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones, and null for nothing', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
  });
});

describe('pick-up and reply times', () => {
  it('measure from the message that opened a turn to the next operator message', () => {
    const { pickups, replies } = responseTimes([
      // Visitor writes twice, operator answers 90 s after the first: one pick-up of 90 s.
      row('a', 1, 'visitor', 0),
      row('a', 2, 'visitor', 30_000),
      row('a', 3, 'operator', 90_000),
      // A later turn: a reply of 20 s, not a pick-up.
      row('a', 4, 'visitor', 100_000),
      row('a', 5, 'system', 105_000),
      row('a', 6, 'operator', 120_000),
      // An operator who wrote first: no pick-up; the visitor's answer and the reply: 5 s.
      row('b', 1, 'operator', 0),
      row('b', 2, 'visitor', 10_000),
      row('b', 3, 'operator', 15_000),
      // Never answered: no sample.
      row('c', 1, 'visitor', 0),
    ]);
    expect(pickups).toEqual([90_000]);
    expect(replies).toEqual([90_000, 20_000, 5_000]);
  });
});

describe('expected wait', () => {
  it('is median pick-up × position ÷ operators available', () => {
    expect(expectedWait(60_000, 1, 1)).toBe(60_000);
    expect(expectedWait(60_000, 3, 2)).toBe(90_000);
    expect(expectedWait(45_000, 2, 3)).toBe(30_000);
  });

  it('promises nothing without data, without anyone available, or outside the line', () => {
    expect(expectedWait(null, 2, 1)).toBeNull();
    expect(expectedWait(60_000, 2, 0)).toBeNull();
    expect(expectedWait(60_000, 0, 1)).toBeNull();
  });

  it('needs enough samples for a typical time', () => {
    const few = Array.from({ length: MIN_SAMPLES - 1 }, (_, i) => (i + 1) * 1000);
    expect(typical(few)).toBeNull();
    expect(typical([...few, 100_000])).toBe(3000);
  });
});
