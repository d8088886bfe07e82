/**
 * Visitors leaving in numbers: the consoles hear every one of them, in a few events
 * rather than one per visitor, their page views end in a few statements rather than
 * one write each, and a visitor who is back within the moment is not reported gone.
 * (Per-visitor events and writes were most of a mass disconnect's own cost.)
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/protocol';
import { connectOperator, connectVisitor, socketTracker, startHarness, type Harness } from '../support/server';
import { until } from '../support/until';

let harness: Harness;
const sockets = socketTracker();
const url = () => harness.server.url;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  harness = await startHarness();
});
afterEach(() => sockets.closeAll());
afterAll(() => harness.cleanup());

/** How many times the store has ended page views so far (each call is one statement or a few). */
async function pageViewEndCalls(): Promise<number> {
  const text = await (await fetch(`${url()}/metrics`)).text();
  return Number(/^confab_store_seconds_count\{operation="endPageViews"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

/** Every "left" event a console hears, as the list of visitors each one names. */
async function listeningConsole() {
  const { socket } = await connectOperator(url(), 'anna');
  sockets.track(socket);
  const events: string[][] = [];
  socket.on('visitor:offline', ({ visitorId }) => events.push([visitorId]));
  socket.on('visitors:offline', ({ visitorIds }) => events.push(visitorIds));
  return { events, gone: () => events.flat() };
}

describe('visitors leaving together', () => {
  it('200 who leave at once reach the console in a few events, each of them once; their page views end together', async () => {
    const console = await listeningConsole();
    const visitors = [];
    const page = { url: 'https://shop.example/sofas' };
    for (let i = 0; i < 200; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => connectVisitor(url(), { page })));
      for (const visitor of batch) sockets.track(visitor.socket);
      visitors.push(...batch);
    }
    const ids = visitors.map((v) => v.visitorId);
    const endsBefore = await pageViewEndCalls();

    for (const visitor of visitors) visitor.socket.disconnect();
    await until(() => console.gone().length >= ids.length, 10_000, 'every visitor reported gone');
    await sleep(300);

    expect(console.gone().sort()).toEqual([...ids].sort());
    expect(console.events.length).toBeLessThanOrEqual(5);

    const { store } = harness.server;
    const views = (await Promise.all(ids.map((id) => store.pageViews('shop', id)))).flat();
    expect(views).toHaveLength(ids.length);
    expect(views.filter((view) => view.endedAt === null)).toEqual([]);
    expect((await pageViewEndCalls()) - endsBefore).toBeLessThanOrEqual(20);
  }, 30_000);

  it('one who leaves alone is told as before, with visitor:offline', async () => {
    const console = await listeningConsole();
    const visitor = await connectVisitor(url());
    visitor.socket.disconnect();
    await until(() => console.events.length > 0, 5_000, 'the visitor reported gone');
    expect(console.events).toEqual([[visitor.visitorId]]);
  });

  it('a visitor whose tab reconnects at once is not reported gone; one whose last tab closes is', async () => {
    const console = await listeningConsole();
    const visitorId = newId();
    const first = await connectVisitor(url(), { visitorId });
    // A reload: the old connection closes and the new one opens within the moment.
    first.socket.disconnect();
    const again = sockets.track((await connectVisitor(url(), { visitorId })).socket);
    await sleep(500);
    expect(console.gone()).not.toContain(visitorId);

    again.disconnect();
    await until(() => console.gone().includes(visitorId), 5_000, 'the visitor reported gone');
    expect(console.gone()).toEqual([visitorId]);
  });
});
