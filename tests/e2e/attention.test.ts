/**
 * Getting a visitor's attention, in Chromium against the real server: a system
 * notification for a hidden tab (Chromium's own `Notification`, observed by an init script
 * that wraps the constructor and still calls it), the favicon badge and its restore, and on
 * a phone the composer and the newest message kept in view when the keyboard takes space.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/server';
import {
  DEMO_SITES,
  describeInBrowser,
  launchBrowser,
  newContext,
  returningVisitorContext,
  openWidget,
  setVisibility,
  widget,
} from '../support/browser';
import { operatorOnDuty } from '../support/on-duty';
import { seedReturningVisitor } from '../support/seed';

/** A phone's screen, as the phone tests open the widget on it. */
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let browser: Browser;
let harness: Harness;
let sitesDir: string;
let onDuty: Awaited<ReturnType<typeof operatorOnDuty>>;
const url = () => harness.server.url;

/**
 * Installs `window.belowNewest(root)` in every page of `context`: from the call on, every frame
 * with messages, how many pixels of the list lie below what it shows, as painted: taken in the
 * frame's callback, and again after the widget's own resize observers (ours is made after
 * theirs, so it is told after them) when the list's size changed in that frame — a change the
 * widget puts right before paint must not count as a cut-off frame. Resolves 1.5 s after the
 * call, once the open panel's phone rules and the composer's buttons are in.
 */
function recordBelowNewest(context: BrowserContext) {
  return context.addInitScript(() => {
    (window as unknown as { belowNewest: (root: ShadowRoot) => Promise<number[]> }).belowNewest = (root) =>
      new Promise<number[]>((resolve) => {
        const below: number[] = [];
        const start = performance.now();
        const hidden = (log: Element) => Math.round(log.scrollHeight - log.scrollTop - log.clientHeight);
        let watched: Element | null = null;
        let resized: ResizeObserver | undefined;
        const frame = () => {
          const log = root.querySelector('.log');
          const settled = root.querySelector('.attend') && root.querySelector('.composer .icon-button');
          if (log && log !== watched) {
            // Made once the list is there: after the widget's own observer of it.
            resized ??= new ResizeObserver(() => {
              if (watched?.querySelector('.msg') && below.length) below[below.length - 1] = hidden(watched);
            });
            watched = log;
            resized.observe(log);
          }
          if (log?.querySelector('.msg')) below.push(hidden(log));
          if (performance.now() - start < 1500 || !settled) requestAnimationFrame(frame);
          else resolve(below);
        };
        requestAnimationFrame(frame);
      });
  });
}

/** The demo site with both optional kinds of attention turned on, as a site owner would. */
function sitesWithAttention(): string {
  const config = JSON.parse(readFileSync(DEMO_SITES, 'utf8')) as { sites: Record<string, unknown>[] };
  for (const site of config.sites) Object.assign(site, { notifications: true, faviconBadge: true });
  sitesDir = mkdtempSync(join(tmpdir(), 'confab-attention-'));
  const file = join(sitesDir, 'sites.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** Wraps Chromium's `Notification`: each construction and permission request is recorded, and the real one still runs. */
function observeNotifications(context: BrowserContext) {
  return context.addInitScript(() => {
    const Real = window.Notification;
    const seen = {
      shown: [] as { title: string; body?: string; tag?: string }[],
      asked: 0,
      last: null as Notification | null,
    };
    (window as unknown as { notes: typeof seen }).notes = seen;
    class Observed extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        seen.shown.push({ title, body: options?.body, tag: options?.tag });
        seen.last = this;
      }
      static override requestPermission(...args: Parameters<typeof Real.requestPermission>) {
        seen.asked++;
        return Real.requestPermission(...args);
      }
    }
    window.Notification = Observed;
  });
}
type Notes = { shown: { title: string; body?: string; tag?: string }[]; asked: number };
const notes = (page: Page) =>
  page.evaluate(() => {
    const { shown, asked } = (window as unknown as { notes: Notes }).notes;
    return { shown, asked };
  });

describeInBrowser('a visitor looking elsewhere', () => {
  beforeAll(async () => {
    harness = await startHarness({ sites: sitesWithAttention() });
    onDuty = await operatorOnDuty(harness.server.url);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    onDuty?.disconnect();
    await browser?.close();
    await harness?.cleanup();
    if (sitesDir) rmSync(sitesDir, { recursive: true, force: true });
  });

  it("shows a reply to a hidden tab as a notification with the operator's name; its click opens the panel", async () => {
    const { context, errors } = await newContext(browser);
    await context.grantPermissions(['notifications'], { origin: url() });
    await observeNotifications(context);
    const page = await context.newPage();
    await page.goto(`${url()}/`);
    await openWidget(page);
    const conversationId = await onDuty.visitorWrites(page, 'Is the blue one in stock?');
    // Allowed already: nothing to offer, nothing asked.
    await widget(page).locator('.attend').waitFor({ state: 'attached' });
    expect(await widget(page).locator('.attend button').count()).toBe(0);

    // Seen in a visible tab: no notification.
    await onDuty.operatorReplies(conversationId, 'Let me check.');
    await widget(page).locator('.msg.operator', { hasText: 'Let me check.' }).waitFor();

    await widget(page).locator('.header button').click();
    await expect.poll(() => widget(page).getAttribute('data-open')).toBeNull();
    await setVisibility(page, 'hidden');
    await onDuty.operatorReplies(conversationId, 'Yes, <b>two</b> left.');
    await expect.poll(async () => (await notes(page)).shown.length).toBe(1);
    const { shown, asked } = await notes(page);
    expect(shown[0]).toMatchObject({ title: 'Max', body: 'Yes, <b>two</b> left.' });
    expect(shown[0]!.tag).toMatch(/^confab-/);
    expect(asked).toBe(0);

    // The visitor clicks it: the panel opens (the tab is focused by the browser).
    await page.evaluate(() => {
      const last = (window as unknown as { notes: { last: Notification } }).notes.last;
      last.dispatchEvent(new Event('click'));
    });
    await expect.poll(() => widget(page).getAttribute('data-open')).toBe('');
    await widget(page).locator('.msg.operator', { hasText: 'Yes, <b>two</b> left.' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('three tabs, two hidden: each hidden tab shows the reply in its title and favicon, the notifications are one', async () => {
    const { context, errors } = await newContext(browser);
    await context.grantPermissions(['notifications'], { origin: url() });
    await observeNotifications(context);
    const [looking, away, farAway] = [await context.newPage(), await context.newPage(), await context.newPage()];
    for (const page of [looking, away, farAway]) await page.goto(`${url()}/`);
    const hostTitle = await looking.title();
    await openWidget(looking);
    const conversationId = await onDuty.visitorWrites(looking, 'Three tabs open, one question');
    // The other tabs know the conversation (the visitor's own message is in each).
    for (const page of [away, farAway]) {
      await widget(page).locator('button.launcher').click();
      await widget(page).locator('.msg.visitor', { hasText: 'Three tabs open, one question' }).waitFor();
      await widget(page).locator('.header button').click();
      await setVisibility(page, 'hidden');
    }

    // The visitor is on the page in the first tab but has closed the chat: nothing is read yet.
    // (With the chat open and in view there, the reply is read at once, in every tab.)
    await widget(looking).locator('.header button').click();
    await onDuty.operatorReplies(conversationId, 'One answer for all tabs');
    for (const page of [away, farAway]) {
      await expect.poll(() => page.title()).toMatch(/^\(1\) /);
      await expect.poll(() => page.locator('link[data-confab=badge]').count()).toBe(1);
    }
    await widget(looking).locator('.teaser', { hasText: 'One answer for all tabs' }).waitFor();
    expect(await looking.title()).toBe(hostTitle);
    expect(await looking.locator('link[data-confab=badge]').count()).toBe(0);
    expect((await notes(looking)).shown).toEqual([]);
    // Each hidden tab may show it, always with the reply's tag: the system shows it once.
    const shown = [...(await notes(away)).shown, ...(await notes(farAway)).shown];
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown.map((n) => n.tag)).size).toBe(1);
    expect(shown.every((n) => n.title === 'Max' && n.body === 'One answer for all tabs')).toBe(true);

    // The visitor comes back to one of them: its title and icon are the page's again.
    await setVisibility(away, 'visible');
    expect(await away.title()).toBe(hostTitle);
    expect(await away.locator('link[data-confab=badge]').count()).toBe(0);
    expect(await farAway.title()).toMatch(/^\(\d\) /);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('asks for permission only from the click on "Notify me of replies", never on load or on a reply', async () => {
    const { context, errors } = await newContext(browser);
    await observeNotifications(context);
    const page = await context.newPage();
    await page.goto(`${url()}/`);
    await openWidget(page);
    await widget(page).locator('.attend').waitFor({ state: 'attached' });
    expect(await widget(page).locator('.attend button').count()).toBe(0);
    const conversationId = await onDuty.visitorWrites(page, 'Do you deliver on Sundays?');
    const offer = widget(page).locator('.attend button', { hasText: 'Notify me of replies' });
    await offer.waitFor();

    await setVisibility(page, 'hidden');
    await onDuty.operatorReplies(conversationId, 'We do.');
    await expect.poll(() => page.title()).toMatch(/^\(1\) /);
    await setVisibility(page, 'visible');
    expect(await notes(page)).toEqual({ shown: [], asked: 0 });

    await offer.click();
    await expect.poll(async () => (await notes(page)).asked).toBe(1);
    await offer.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('badges the favicon of a hidden tab and gives the page its own icon back, or the one it changed to', async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${url()}/`);
    const hostIcon = `${url()}/assets/avatar-anna.svg`;
    await page.evaluate((href) => {
      document.querySelector<HTMLLinkElement>('link[rel~=icon]')!.href = href;
    }, hostIcon);
    const icons = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLLinkElement>('link[rel~=icon]')].map((link) => ({
          href: link.href.startsWith('data:') ? link.href.slice(0, 22) : link.href,
          ours: link.dataset.confab === 'badge',
        })),
      );
    await openWidget(page);
    const conversationId = await onDuty.visitorWrites(page, 'Hello from the favicon test');

    await setVisibility(page, 'hidden');
    await onDuty.operatorReplies(conversationId, 'Hello!');
    await expect.poll(icons).toEqual([
      { href: hostIcon, ours: false },
      { href: 'data:image/png;base64,', ours: true },
    ]);
    // Drawn by the canvas: the page's icon with the red count in its corner.
    const pixels = await page.evaluate(async () => {
      const badge = document.querySelector<HTMLLinkElement>('link[data-confab=badge]')!;
      const image = new Image();
      image.src = badge.href;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 32;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const at = (x: number, y: number) => [...context.getImageData(x, y, 1, 1).data];
      // Inside the red circle (centre 21,11; radius 11), clear of the digit; and low on the left, the icon.
      return { corner: at(14, 8), middle: at(8, 24), size: [image.width, image.height] };
    });
    expect(pixels.size).toEqual([32, 32]);
    expect(pixels.corner).toEqual([0xd9, 0x2d, 0x20, 255]);
    // The avatar drawn underneath: not transparent.
    expect(pixels.middle[3]).toBeGreaterThan(0);

    await setVisibility(page, 'visible');
    expect(await icons()).toEqual([{ href: hostIcon, ours: false }]);

    // The page changes its icon while the visitor is away: that is the icon it keeps.
    await setVisibility(page, 'hidden');
    await onDuty.operatorReplies(conversationId, 'Anything else?');
    await expect.poll(async () => (await icons()).length).toBe(2);
    const changed = `${url()}/assets/changed.svg`;
    await page.evaluate((href) => {
      document.querySelector<HTMLLinkElement>('link[rel~=icon]:not([data-confab])')!.href = href;
    }, changed);
    await setVisibility(page, 'visible');
    expect(await icons()).toEqual([{ href: changed, ours: false }]);

    // Turned off by the page: no badge.
    await page.evaluate(() => window.Confab!('update', { faviconBadge: 'off' }));
    await setVisibility(page, 'hidden');
    await onDuty.operatorReplies(conversationId, 'Quiet one');
    await expect.poll(() => page.title()).toMatch(/^\(\d\) /);
    await page.waitForTimeout(500);
    expect(await icons()).toEqual([{ href: changed, ours: false }]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a phone, opens a long chat on its newest message in every frame, as the phone rules arrive after it', async () => {
    const visitorId = await seedReturningVisitor(harness.server.store, 'demo', 'max', 60);
    const { context, errors } = await returningVisitorContext(browser, url(), visitorId, PHONE);
    await recordBelowNewest(context);
    const page = await context.newPage();
    await page.goto(`${url()}/`);
    // The closed panel's last part (the composer): a click before it is the next test's.
    await widget(page).locator('.composer').waitFor({ state: 'attached' });
    // Every frame from the click on. The chunk with the phone's 44 px targets comes after the
    // first frame and makes the list shorter; the newest message must stay in view through
    // that, not be cut for a frame.
    const hidden = page.evaluate(() =>
      (window as unknown as { belowNewest: (root: ShadowRoot) => Promise<number[]> }).belowNewest(
        document.querySelector('confab-widget')!.shadowRoot!,
      ),
    );
    await widget(page).locator('button.launcher').click();
    const frames = await hidden;
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((px) => px > 1)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a phone, a click the moment the closed panel is in place, before its composer, opens on the newest message in every frame', async () => {
    const visitorId = await seedReturningVisitor(harness.server.store, 'demo', 'max', 60);
    const { context, errors } = await returningVisitorContext(browser, url(), visitorId, PHONE);
    // The earliest click, forced: in the microtask after the slice that put the closed
    // panel's frame in place (its composer comes in later slices). A click from the test
    // would land there only by chance. From that click on, every frame with messages.
    await recordBelowNewest(context);
    await context.addInitScript(() => {
      type Opening = { composerBefore: boolean; below: number[] };
      const page = window as unknown as {
        opening: Promise<Opening>;
        belowNewest: (root: ShadowRoot) => Promise<number[]>;
      };
      page.opening = new Promise<Opening>((resolve) => {
        new MutationObserver((_, findHost) => {
          const root = document.querySelector('confab-widget')?.shadowRoot;
          if (!root) return;
          findHost.disconnect();
          new MutationObserver((__, findPanel) => {
            if (!root.querySelector('.panel')) return;
            findPanel.disconnect();
            const composerBefore = !!root.querySelector('.composer');
            root.querySelector<HTMLButtonElement>('button.launcher')!.click();
            void page.belowNewest(root).then((below) => resolve({ composerBefore, below }));
          }).observe(root, { childList: true, subtree: true });
        }).observe(document, { childList: true, subtree: true });
      });
    });
    const page = await context.newPage();
    await page.goto(`${url()}/`);
    const { composerBefore, below } = await page.evaluate(
      () => (window as unknown as { opening: Promise<{ composerBefore: boolean; below: number[] }> }).opening,
    );
    expect(composerBefore).toBe(false);
    expect(await widget(page).getAttribute('data-open')).toBe('');
    await widget(page).locator('.msg', { hasText: 'Message 60 of 60' }).waitFor();
    expect(below.length).toBeGreaterThan(0);
    expect(below.filter((px) => px > 1)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a phone, keeps the composer above the keyboard and the newest message in view', async () => {
    const { context, errors } = await newContext(browser, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await page.goto(`${url()}/`);
    await openWidget(page);
    const conversationId = await onDuty.visitorWrites(page, 'A question from my phone');
    for (let i = 1; i <= 14; i++) await onDuty.operatorReplies(conversationId, `Line ${i} of a long answer`);
    const newest = widget(page).locator('.msg.operator', { hasText: 'Line 14 of a long answer' });
    await newest.waitFor();
    await widget(page).locator('.attend').waitFor({ state: 'attached' });
    await widget(page).locator('textarea').focus();

    /** Where things are against what the visitor can see (the visual viewport). */
    const layout = () =>
      page.evaluate(() => {
        const root = document.querySelector('confab-widget')!.shadowRoot!;
        const composer = root.querySelector('.composer')!.getBoundingClientRect();
        const log = root.querySelector<HTMLElement>('.log')!;
        const messages = root.querySelectorAll('.msg');
        const last = messages[messages.length - 1]!.getBoundingClientRect();
        const view = window.visualViewport!;
        const seenBottom = view.offsetTop + view.height;
        return {
          composerVisible: composer.top >= view.offsetTop - 1 && composer.bottom <= seenBottom + 1,
          newestVisible: last.bottom <= log.getBoundingClientRect().bottom + 1 && last.top >= view.offsetTop - 1,
          atNewest: log.scrollTop + log.clientHeight >= log.scrollHeight - 2,
          viewHeight: Math.round(view.height),
        };
      });
    expect(await layout()).toEqual({ composerVisible: true, newestVisible: true, atNewest: true, viewHeight: 844 });

    // The keyboard takes the lower part: the page is resized for it.
    await cdp.send('Emulation.setDeviceMetricsOverride', {
      width: 390,
      height: 480,
      deviceScaleFactor: 3,
      mobile: true,
    });
    await expect.poll(layout).toEqual({ composerVisible: true, newestVisible: true, atNewest: true, viewHeight: 480 });

    // The keyboard overlays the page (the layout viewport stays; only the visual one shrinks,
    // as on iOS and in Chrome by default): zooming shrinks the visual viewport the same way.
    await cdp.send('Emulation.setDeviceMetricsOverride', {
      width: 390,
      height: 844,
      deviceScaleFactor: 3,
      mobile: true,
    });
    await expect.poll(layout).toMatchObject({ viewHeight: 844, atNewest: true });
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 1.75 });
    await expect.poll(layout).toEqual({
      composerVisible: true,
      newestVisible: true,
      atNewest: true,
      viewHeight: Math.round(844 / 1.75),
    });
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 1 });
    await expect.poll(layout).toMatchObject({ viewHeight: 844, composerVisible: true });

    // A phone with a notch and a home bar, on a page laid out under them (viewport-fit=cover):
    // the full-screen panel keeps its header and composer clear of both.
    await page.evaluate(() =>
      document
        .querySelector('meta[name=viewport]')!
        .setAttribute('content', 'width=device-width, initial-scale=1, viewport-fit=cover'),
    );
    await cdp.send('Emulation.setSafeAreaInsetsOverride', { insets: { top: 47, bottom: 34, left: 0, right: 0 } });
    const padding = () =>
      page.evaluate(() => {
        const panel = document.querySelector('confab-widget')!.shadowRoot!.querySelector('.panel')!;
        const { paddingTop, paddingBottom } = getComputedStyle(panel);
        return [paddingTop, paddingBottom];
      });
    await expect.poll(padding).toEqual(['47px', '34px']);
    expect(await layout()).toMatchObject({ composerVisible: true, atNewest: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});
