import { describe, expect, it } from 'vitest';
import { createConsoleMessages } from '../../../server/src/console-messages';

/** Lets every queued task and microtask run (the feed tells at the end of the turn). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("the consoles' message feed", () => {
  it("tells each site's messages of one turn together, in the order they were added", async () => {
    const told: [string, string[]][] = [];
    const feed = createConsoleMessages<string>((site, messages) => told.push([site, messages]));
    const acks = [feed.add('shop', 'a'), feed.add('blog', 'x'), feed.add('shop', 'b')];
    expect(told).toEqual([]);
    await Promise.all(acks);
    expect(told).toEqual([
      ['shop', ['a', 'b']],
      ['blog', ['x']],
    ]);
    await feed.add('shop', 'c');
    expect(told.at(-1)).toEqual(['shop', ['c']]);
  });

  it('holds the acks until what was told has been delivered (Redis took it), not just handed on', async () => {
    const told: string[][] = [];
    let deliver = () => {};
    const deliveries: string[] = [];
    const feed = createConsoleMessages<string>(
      (_site, messages) => told.push(messages),
      () =>
        new Promise<void>((resolve) => {
          deliveries.push(`after ${told.length} told`);
          deliver = resolve;
        }),
    );
    let acked = false;
    const ack = feed.add('shop', 'a').then(() => (acked = true));
    await nextTurn();
    // Told, and the delivery asked for after the telling, but not answered yet.
    expect(told).toEqual([['a']]);
    expect(deliveries).toEqual(['after 1 told']);
    await nextTurn();
    expect(acked).toBe(false);
    deliver();
    await ack;
    expect(acked).toBe(true);
  });

  it('acks when the delivery fails: Redis gone never holds a sender', async () => {
    const feed = createConsoleMessages<string>(
      () => {},
      () => Promise.reject(new Error('Redis gone')),
    );
    await expect(feed.add('shop', 'a')).resolves.toBeUndefined();
  });
});
