import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/server';
import {
  DEMO_SITES,
  describeInBrowser,
  launchBrowser,
  newContext,
  openWidget,
  setVisibility,
  visitorSays,
  widget,
} from '../support/browser';
import { operatorOnDuty } from '../support/on-duty';

let browser: Browser;
/** Playwright turns the back/forward cache off by default; the visitor's Chromium has it on. */
let bfcacheBrowser: Browser;
let harness: Harness;
/** An operator on duty for the whole file: visitors get the chat, and we see what arrives. */
let onDuty: Awaited<ReturnType<typeof operatorOnDuty>>;
const url = () => harness.server.url;
const arrivals = (text: string) => onDuty.arrived.filter((message) => message.text === text).length;
const online = (page: Page) =>
  widget(page)
    .locator('.banner')
    .count()
    .then((n) => n === 0);

/** Counts the chimes a page rings: one chime is one Web Audio start() (the real path runs). */
const COUNT_CHIMES = () => {
  const w = window as unknown as { __chimes: number };
  w.__chimes = 0;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: Parameters<typeof start>) {
    w.__chimes++;
    return start.apply(this, args);
  };
};
const chimes = (page: Page) => page.evaluate(() => (window as unknown as { __chimes: number }).__chimes);

/** Opens `count` tabs of the demo site in one context, counting the widget's websockets across them. */
async function openTabs(count: number) {
  const { context, errors } = await newContext(browser);
  await context.addInitScript(COUNT_CHIMES);
  const sockets: string[] = [];
  const tabs: Page[] = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    page.on('websocket', (socket) => {
      if (socket.url().includes('/socket.io/')) sockets.push(page.url());
    });
    await page.goto(`${url()}/`);
    // The widget loads when the page is idle; it is there once the launcher has its label.
    await widget(page).locator('button.launcher[aria-expanded]').waitFor();
    tabs.push(page);
  }
  return { context, errors, sockets, tabs };
}
const badge = (page: Page) =>
  widget(page)
    .locator('button.launcher .badge')
    .evaluate((el) => ((el as HTMLElement).hidden ? '' : el.textContent));
const shown = (page: Page, text: string) => widget(page).locator('.msg.operator', { hasText: text }).count();
const visitorIdOf = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('confab:demo:visitor')!) as string);

describeInBrowser('a visitor in several tabs, offline or looking elsewhere', () => {
  beforeAll(async () => {
    harness = await startHarness({ sites: DEMO_SITES });
    onDuty = await operatorOnDuty(harness.server.url);
    browser = await launchBrowser();
    bfcacheBrowser = await launchBrowser({ ignoreDefaultArgs: ['--disable-back-forward-cache'] });
  });
  afterAll(async () => {
    onDuty?.disconnect();
    await browser?.close();
    await bfcacheBrowser?.close();
    await harness?.cleanup();
  });

  it('two tabs writing offline, one closed: both messages reach the operator exactly once', async () => {
    const { context, errors } = await newContext(browser);
    const tabA = await context.newPage();
    await tabA.goto(`${url()}/`);
    await openWidget(tabA);
    await onDuty.visitorWrites(tabA, 'Hello from the first tab');
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

  it('three tabs share one websocket; unread and read follow the visitor across them', async () => {
    const { context, errors, sockets, tabs } = await openTabs(3);
    const [first, second, third] = tabs as [Page, Page, Page];
    await openWidget(second);
    const conversationId = await onDuty.visitorWrites(second, 'Three tabs, one chat');
    await second.locator('confab-widget button.launcher').click();
    // Every tab shows the visitor's message: the others heard of it from the tab that sent it.
    for (const tab of tabs)
      await openWidget(tab).then(() =>
        widget(tab).locator('.msg.visitor', { hasText: 'Three tabs, one chat' }).waitFor(),
      );
    for (const tab of tabs) await widget(tab).locator('button.launcher').click();
    expect(sockets).toHaveLength(1);

    await onDuty.operatorReplies(conversationId, 'Hello to all your tabs');
    for (const tab of tabs) await expect.poll(() => badge(tab)).toBe('1');
    // Read in one tab: read in all, within a second.
    const readAt = Date.now();
    await openWidget(third);
    await widget(third).locator('.msg.operator', { hasText: 'Hello to all your tabs' }).waitFor();
    await expect.poll(() => badge(first), { interval: 50, timeout: 1000 }).toBe('');
    await expect.poll(() => badge(second), { interval: 50, timeout: 1000 }).toBe('');
    console.info(`read in the other tabs ${Date.now() - readAt} ms after opening one`);

    // The draft follows the visitor too.
    await widget(third).locator('textarea').fill('Half a thought');
    await openWidget(first);
    await expect.poll(() => widget(first).locator('textarea').inputValue(), { timeout: 1000 }).toBe('Half a thought');
    expect(sockets).toHaveLength(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the leading tab closes while the operator writes: another takes over, each tab shows the message once', async () => {
    const { context, errors, sockets, tabs } = await openTabs(3);
    const [leader, ...others] = tabs as [Page, Page, Page];
    await openWidget(others[0]!);
    const conversationId = await onDuty.visitorWrites(others[0]!, 'Who leads?');
    await openWidget(others[1]!);
    expect(sockets).toEqual([leader.url()]);

    const closedAt = Date.now();
    const closed = leader.close();
    await onDuty.operatorReplies(conversationId, 'Sent during the takeover');
    await closed;
    for (const tab of others) {
      await widget(tab).locator('.msg.operator', { hasText: 'Sent during the takeover' }).waitFor({ timeout: 2000 });
      await expect.poll(() => online(tab)).toBe(true);
    }
    console.info(`takeover: every tab had the message ${Date.now() - closedAt} ms after the leader closed`);
    await onDuty.operatorReplies(conversationId, 'Sent after the takeover');
    for (const tab of others)
      await widget(tab).locator('.msg.operator', { hasText: 'Sent after the takeover' }).waitFor();
    // Time for a double to show.
    await others[0]!.waitForTimeout(1000);
    for (const tab of others) {
      expect(await shown(tab, 'Sent during the takeover')).toBe(1);
      expect(await shown(tab, 'Sent after the takeover')).toBe(1);
    }
    // One new connection: the tab that took over.
    expect(sockets).toHaveLength(2);
    // The new leader relays the visitor's messages as before.
    await onDuty.visitorWrites(others[1]!, 'After the takeover');
    expect(arrivals('After the takeover')).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an operator writing first rings once, in one tab of three', async () => {
    const { context, errors, tabs } = await openTabs(3);
    // Web Audio plays only after a gesture on the page: a click in each tab, as a visitor's.
    for (const tab of tabs) await tab.mouse.click(5, 5);
    const visitorId = await visitorIdOf(tabs[0]!);
    const started = await onDuty.socket.timeout(3000).emitWithAck('conversation:start', { visitorId });
    if (!started.ok) throw new Error(`could not start: ${started.error.message}`);
    await onDuty.operatorReplies(started.conversation.id, 'Can I help you choose?');
    for (const tab of tabs) await widget(tab).locator('.teaser', { hasText: 'Can I help you choose?' }).waitFor();
    await tabs[0]!.waitForTimeout(1000);
    const rung = await Promise.all(tabs.map(chimes));
    // One chime is two notes.
    expect(rung.reduce((a, b) => a + b, 0)).toBe(2);
    // Dismissed in one tab: gone from all.
    await widget(tabs[1]!).locator('.teaser .icon-button').click();
    for (const tab of tabs) await widget(tab).locator('.teaser').waitFor({ state: 'detached', timeout: 1000 });
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
    const conversationId = await onDuty.visitorWrites(page, 'Is the blue one in stock?');

    await setVisibility(page, 'hidden');
    await onDuty.operatorReplies(conversationId, 'Let me check.');
    await expect.poll(() => page.title()).toMatch(/^\(1\) /);
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      seen.add(await page.title());
      await page.waitForTimeout(400);
    }
    expect(seen).toEqual(new Set(['(1) Max', `(1) ${hostTitle}`]));

    // The host page changes its title meanwhile: the count follows it, and it is what comes back.
    await page.evaluate(() => (document.title = 'Checkout'));
    await onDuty.operatorReplies(conversationId, 'Yes, two left.');
    await expect.poll(() => page.title(), { timeout: 4000 }).toBe('(2) Checkout');
    await setVisibility(page, 'visible');
    expect(await page.title()).toBe('Checkout');
    await page.waitForTimeout(2000);
    expect(await page.title()).toBe('Checkout');

    // Returning right after the host set a title of its own: the host's title stays.
    await setVisibility(page, 'hidden');
    await onDuty.operatorReplies(conversationId, 'Anything else?');
    await expect.poll(() => page.title()).toMatch(/^\(\d\) /);
    await page.evaluate(() => (document.title = 'Paid'));
    await setVisibility(page, 'visible');
    expect(await page.title()).toBe('Paid');

    // Turned off by the page: a hidden tab's title is left alone.
    await page.evaluate(() => window.Confab!('update', { titleAlert: 'off' }));
    await setVisibility(page, 'hidden');
    await onDuty.operatorReplies(conversationId, 'Quiet reply');
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
    const conversationId = await onDuty.visitorWrites(page, 'I will be right back');
    await page.evaluate(() =>
      addEventListener(
        'pageshow',
        (event) => ((window as unknown as { restored: boolean }).restored = event.persisted),
      ),
    );

    await page.goto(`${url()}/operator/`);
    await onDuty.operatorReplies(conversationId, 'Sent while you were away');
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
