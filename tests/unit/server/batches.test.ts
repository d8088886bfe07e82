import { describe, expect, it } from 'vitest';
import { batches } from '../../../server/src/store/batches';

/** A `run` that records each batch and answers when the test lets it. */
function recorder() {
  const seen: number[][] = [];
  const pending: (() => void)[] = [];
  const run = (items: number[]) => {
    seen.push(items);
    return new Promise<(number | Error)[]>((resolve) =>
      pending.push(() => resolve(items.map((n) => (n < 0 ? new Error(`refused ${n}`) : n * 10)))),
    );
  };
  const finishNext = async () => {
    while (pending.length === 0) await new Promise((resolve) => setImmediate(resolve));
    pending.shift()!();
  };
  return { seen, run, finishNext };
}

describe('batches', () => {
  it('sends the calls of one turn together, and those made while it runs as the next batch, in order', async () => {
    const { seen, run, finishNext } = recorder();
    const queue = batches(run, 100);
    const first = [1, 2, 3].map((n) => queue.add(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([[1, 2, 3]]);
    // In flight: these wait, whatever turn they come in.
    const later = [queue.add(4)];
    await new Promise((resolve) => setImmediate(resolve));
    later.push(queue.add(5));
    expect(seen).toHaveLength(1);
    await finishNext();
    expect(await Promise.all(first)).toEqual([10, 20, 30]);
    await finishNext();
    expect(await Promise.all(later)).toEqual([40, 50]);
    expect(seen).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('fails only the item answered with an error, and every item of a batch whose run throws', async () => {
    const { run, finishNext } = recorder();
    const queue = batches(run, 100);
    const answers = Promise.allSettled([1, -2, 3].map((n) => queue.add(n)));
    await finishNext();
    expect((await answers).map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);

    let calls = 0;
    const flaky = batches<number, number>(async (items) => {
      if (++calls === 1) throw new Error('database away');
      return items.map((n) => n * 10);
    }, 100);
    const failed = await Promise.allSettled([1, 2].map((n) => flaky.add(n)));
    expect(failed.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    // The batch after it still runs.
    expect(await flaky.add(7)).toBe(70);
  });

  it('keeps each batch within its size, and drained() waits for every item added', async () => {
    const { seen, run, finishNext } = recorder();
    const queue = batches(run, 2);
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => queue.add(n)));
    let drained = false;
    const draining = queue.drained().then(() => {
      drained = true;
    });
    await finishNext();
    await finishNext();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    await finishNext();
    await draining;
    expect(drained).toBe(true);
    expect(await all).toEqual([10, 20, 30, 40, 50]);
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
  });
});
