import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createVisitorLeaves, LEAVE_WINDOW_MS } from '../../../server/src/visitor-leaves';

describe('visitor leaves, gathered per site and window', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tells each site once per window, with everyone who left in it', () => {
    const told: [string, string[]][] = [];
    const leaves = createVisitorLeaves((site, ids) => told.push([site, ids]));
    leaves.left('shop', 'a');
    leaves.left('blog', 'x');
    leaves.left('shop', 'b');
    expect(told).toEqual([]);
    vi.advanceTimersByTime(LEAVE_WINDOW_MS);
    expect(told).toEqual([
      ['shop', ['a', 'b']],
      ['blog', ['x']],
    ]);
    leaves.left('shop', 'c');
    vi.advanceTimersByTime(LEAVE_WINDOW_MS);
    expect(told.at(-1)).toEqual(['shop', ['c']]);
    expect(told).toHaveLength(3);
  });

  it('drops the leave of a visitor back within the window, and tells nothing for a site left empty', () => {
    const told: [string, string[]][] = [];
    const leaves = createVisitorLeaves((site, ids) => told.push([site, ids]));
    leaves.left('shop', 'a');
    leaves.left('blog', 'x');
    leaves.returned('shop', 'a');
    leaves.returned('other', 'y');
    vi.advanceTimersByTime(LEAVE_WINDOW_MS);
    expect(told).toEqual([['blog', ['x']]]);
  });

  it('tells what is pending at once when closed, and nothing after', () => {
    const told: [string, string[]][] = [];
    const leaves = createVisitorLeaves((site, ids) => told.push([site, ids]));
    leaves.left('shop', 'a');
    leaves.close();
    expect(told).toEqual([['shop', ['a']]]);
    leaves.left('shop', 'b');
    vi.advanceTimersByTime(LEAVE_WINDOW_MS);
    expect(told).toHaveLength(1);
  });
});
