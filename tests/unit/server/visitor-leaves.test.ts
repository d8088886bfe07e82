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

  it('drops, in one lookup per window, the visitors connected again on another node', async () => {
    const told: [string, string[]][] = [];
    const lookups: string[][] = [];
    const leaves = createVisitorLeaves(
      (site, ids) => told.push([site, ids]),
      LEAVE_WINDOW_MS,
      async (keys) => {
        lookups.push(keys);
        return new Set(['shop/a', 'blog/x']);
      },
    );
    leaves.left('shop', 'a');
    leaves.left('shop', 'b');
    leaves.left('blog', 'x');
    await vi.advanceTimersByTimeAsync(LEAVE_WINDOW_MS);
    expect(lookups).toEqual([['shop/a', 'shop/b', 'blog/x']]);
    expect(told).toEqual([['shop', ['b']]]);
  });

  it('drops a visitor who returns here while the lookup is under way, and tells all when it fails', async () => {
    const told: [string, string[]][] = [];
    let answer!: (here: Set<string>) => void;
    let fail = false;
    const leaves = createVisitorLeaves(
      (site, ids) => told.push([site, ids]),
      LEAVE_WINDOW_MS,
      (keys) =>
        fail
          ? Promise.reject(new Error(`redis away for ${keys.length}`))
          : new Promise((resolve) => (answer = resolve)),
    );
    leaves.left('shop', 'a');
    leaves.left('shop', 'b');
    vi.advanceTimersByTime(LEAVE_WINDOW_MS);
    leaves.returned('shop', 'a');
    answer(new Set());
    await vi.advanceTimersByTimeAsync(0);
    expect(told).toEqual([['shop', ['b']]]);
    fail = true;
    leaves.left('shop', 'c');
    await vi.advanceTimersByTimeAsync(LEAVE_WINDOW_MS);
    expect(told.at(-1)).toEqual(['shop', ['c']]);
  });
});
