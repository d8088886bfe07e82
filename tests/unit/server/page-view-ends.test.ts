import { describe, expect, it } from 'vitest';
import { createPageViewEnds } from '../../../server/src/page-view-ends';

describe('page view ends', () => {
  it('writes the ends of one turn together, and refuses an end asked for after settled (the store closes)', async () => {
    const statements: number[][] = [];
    let storeClosed = false;
    const ends = createPageViewEnds({
      endPageViews: async (ids: number[]) => {
        if (storeClosed) throw new Error('the store is closed');
        statements.push(ids);
      },
    });
    const first = [ends.end(1), ends.end(2)];
    await ends.settled();
    await Promise.all(first);
    storeClosed = true;
    expect(statements).toEqual([[1, 2]]);

    // A page view a slow start stored after the shutdown began ends too late.
    await expect(ends.end(3)).rejects.toThrow('shutting down');
    await new Promise((resolve) => setImmediate(resolve));
    expect(statements).toEqual([[1, 2]]);
  });
});
