import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId, type ChatMessage } from '../../src/protocol';
import { connectOperator, startHarness, type Harness } from '../support/server';
import { describeInBrowser, launchBrowser, newContext, openWidget, visitorSays, widget } from '../support/browser';

const DEMO_SITES = fileURLToPath(new URL('../../demo/sites.json', import.meta.url));

let browser: Browser;
/** Playwright turns the back/forward cache off by default; the visitor's Chromium has it on. */
let bfcacheBrowser: Browser;
let harness: Harness;
/** An operator on duty for the whole file: visitors get the chat, and we see what arrives. */
let onDuty: Awaited<ReturnType<typeof connectOperator>>;
const arrived: ChatMessage[] = [];
const url = () => harness.server.url;
const arrivals = (text: string) => arrived.filter((message) => message.text === text).length;
const online = (page: Page) =>
  widget(page)
    .locator('.banner')
    .count()
    .then((n) => n === 0);

/** The visitor writes `text`; resolves with the conversation it went to, once the operator has it. */
async function visitorWrites(page: Page, text: string): Promise<string> {
  await visitorSays(page, text);
  await expect.poll(() => arrivals(text)).toBe(1);
  return arrived.find((message) => message.text === text)!.conversationId;
}
async function operatorReplies(conversationId: string, text: string) {
  const ack = await onDuty.socket
    .timeout(3000)
    .emitWithAck('message:send', { conversationId, clientId: newId(), text });
  expect(ack.ok).toBe(true);
}
/** Chromium keeps a background tab "visible" for an automated page: say it is hidden, or visible again. */
const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate((next) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => next });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => next === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);

describeInBrowser('a visitor in several tabs, offline or looking elsewhere', () => {
  beforeAll(async () => {
    harness = await startHarness({ sites: DEMO_SITES });
    onDuty = await connectOperator(harness.server.url, 'max', 'demo');
    onDuty.socket.on('message:new', (message) => arrived.push(message));
    browser = await launchBrowser();
    bfcacheBrowser = await launchBrowser({ ignoreDefaultArgs: ['--disable-back-forward-cache'] });
  });
  afterAll(async () => {
    onDuty?.socket.disconnect();
    await browser?.close();
    await bfcacheBrowser?.close();
    await harness?.cleanup();
  });

  it('two tabs writing offline, one closed: both messages reach the operator exactly once', async () => {
    const { context, errors } = await newContext(browser);
    const tabA = await context.newPage();
    await tabA.goto(`${url()}/`);
    await openWidget(tabA);
    await visitorWrites(tabA, 'Hello from the first tab');
    const tabB = await context.newPage();
    await tabB.goto(`${url()}/`);
    await openWidget(tabB);
    await expect.poll(() => online(tabB)).toBe(true);

    await context.setOffline(true);
    await widget(tabA).locator('.banner').waitFor();
    await widget(tabB).locator('.banner').waitFor();
    await visitorSays(tabA, 'Written offline in tab A');
    await widget(tabA).locator('.msg.visitor', { hasText: 'Written offline in tab A' }).waitFor();
    await visitorSays(tabB, 'Written offline in tab B');
    await widget(tabB).locator('.msg.visitor', { hasText: 'Written offline in tab B' }).waitFor();
    // Tab B shows tab A's waiting message too: one outbox for the visitor.
    await widget(tabB).locator('.msg.visitor', { hasText: 'Written offline in tab A' }).waitFor();
    await tabA.close();

    await context.setOffline(false);
    await widget(tabB).locator('.msg.visitor[data-state=sent]', { hasText: 'Written offline in tab A' }).waitFor();
    await widget(tabB).locator('.msg.visitor[data-state=sent]', { hasText: 'Written offline in tab B' }).waitFor();
    await expect.poll(() => arrivals('Written offline in tab A') + arrivals('Written offline in tab B')).toBe(2);
    // Give a double the time to show before counting again.
    await tabB.waitForTimeout(1000);
    expect(arrivals('Written offline in tab A')).toBe(1);
    expect(arrivals('Written offline in tab B')).toBe(1);
    const outboxes = await tabB.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.endsWith(':outbox'))
        .map((k) => localStorage.getItem(k)),
    );
    expect(outboxes).toEqual(['[]']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reconnects within about a second of the network coming back, not after the backoff', async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${url()}/`);
    await openWidget(page);
    await expect.poll(() => online(page)).toBe(true);
    await context.setOffline(true);
    await widget(page).locator('.banner').waitFor();
    // Long enough for socket.io's backoff to reach several seconds (1, 2, 4 s ±50 %).
    await page.waitForTimeout(7000);
    const back = Date.now();
    await context.setOffline(false);
    await widget(page).locator('.banner').waitFor({ state: 'detached' });
    const tookMs = Date.now() - back;
    console.info(`reconnected ${tookMs} ms after the network came back`);
    expect(tookMs).toBeLessThan(1500);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a reply to a hidden tab shows in the title, alternating, and the host's own title comes back", async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${url()}/`);
    const hostTitle = await page.title();
    await openWidget(page);
    const conversationId = await visitorWrites(page, 'Is the blue one in stock?');

    await setVisibility(page, 'hidden');
    await operatorReplies(conversationId, 'Let me check.');
    await expect.poll(() => page.title()).toMatch(/^\(1\) /);
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      seen.add(await page.title());
      await page.waitForTimeout(400);
    }
    expect(seen).toEqual(new Set(['(1) Max', `(1) ${hostTitle}`]));

    // The host page changes its title meanwhile: the count follows it, and it is what comes back.
    await page.evaluate(() => (document.title = 'Checkout'));
    await operatorReplies(conversationId, 'Yes, two left.');
    await expect.poll(() => page.title(), { timeout: 4000 }).toBe('(2) Checkout');
    await setVisibility(page, 'visible');
    expect(await page.title()).toBe('Checkout');
    await page.waitForTimeout(2000);
    expect(await page.title()).toBe('Checkout');

    // Returning right after the host set a title of its own: the host's title stays.
    await setVisibility(page, 'hidden');
    await operatorReplies(conversationId, 'Anything else?');
    await expect.poll(() => page.title()).toMatch(/^\(\d\) /);
    await page.evaluate(() => (document.title = 'Paid'));
    await setVisibility(page, 'visible');
    expect(await page.title()).toBe('Paid');

    // Turned off by the page: a hidden tab's title is left alone.
    await page.evaluate(() => window.Confab!('update', { titleAlert: 'off' }));
    await setVisibility(page, 'hidden');
    await operatorReplies(conversationId, 'Quiet reply');
    await widget(page).locator('.msg.operator', { hasText: 'Quiet reply' }).waitFor();
    await page.waitForTimeout(2000);
    expect(await page.title()).toBe('Paid');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the page eligible, and on return reconnects and shows what the operator sent meanwhile', async () => {
    const { context, errors } = await newContext(bfcacheBrowser);
    const page = await context.newPage();
    await page.goto(`${url()}/`);
    await openWidget(page);
    const conversationId = await visitorWrites(page, 'I will be right back');
    await page.evaluate(() =>
      addEventListener(
        'pageshow',
        (event) => ((window as unknown as { restored: boolean }).restored = event.persisted),
      ),
    );

    await page.goto(`${url()}/operator/`);
    await operatorReplies(conversationId, 'Sent while you were away');
    // A page restored from the cache fires no load event: wait for the commit only.
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForFunction(
      () =>
        'restored' in window ||
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.type ===
          'back_forward',
    );

    const navigation = await page.evaluate(() => {
      const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming & {
        notRestoredReasons?: unknown;
      };
      return {
        type: entry.type,
        notRestoredReasons: entry.notRestoredReasons ?? null,
        restored: (window as unknown as { restored?: boolean }).restored,
      };
    });
    console.info('after going back:', JSON.stringify(navigation));
    expect(navigation.restored, JSON.stringify(navigation.notRestoredReasons)).toBe(true);
    await widget(page).locator('.msg.operator', { hasText: 'Sent while you were away' }).waitFor();
    await expect.poll(() => online(page)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
