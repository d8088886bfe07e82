import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/server';
import {
  describeInBrowser,
  launchBrowser,
  newContext,
  openWidget,
  operatorLogin,
  visitorSays,
  widget,
} from '../support/browser';
import { operatorOnDuty } from '../support/on-duty';

const DEMO_SITES = fileURLToPath(new URL('../../demo/sites.json', import.meta.url));

let browser: Browser;
let harness: Harness;
/** An operator who stays available for the whole file, so visitors get the chat, and answers by socket. */
let onDuty: Awaited<ReturnType<typeof operatorOnDuty>>;
const url = () => harness.server.url;

/** The read marks `page` sends the server (the seq of each `read`), however many sockets it opens. */
function readReceiptsSent(page: Page): number[] {
  const reads: number[] = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      const read = /^42\/visitor,\["read",\{.*"seq":(\d+)/.exec(String(payload));
      if (read) reads.push(Number(read[1]));
    }),
  );
  return reads;
}

describeInBrowser('live chat on the sample site', () => {
  beforeAll(async () => {
    harness = await startHarness({ sites: DEMO_SITES });
    onDuty = await operatorOnDuty(harness.server.url);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    onDuty?.disconnect();
    await browser?.close();
    await harness?.cleanup();
  });

  it('visitor and operator talk in real time, with typing indicators both ways', async () => {
    const visitor = await newContext(browser);
    const page = await visitor.context.newPage();
    await page.goto(`${url()}/`);

    // The launcher lives in the widget's shadow root, not in the page's DOM.
    expect(
      await page.evaluate(
        () => document.querySelector('confab-widget')?.shadowRoot?.querySelector('.launcher') !== null,
      ),
    ).toBe(true);
    expect(await page.evaluate(() => document.querySelector('.launcher'))).toBeNull();

    await openWidget(page);
    await visitorSays(page, 'Hello, do you ship to Almaty?');
    await widget(page).locator('.msg.visitor[data-state=sent]').waitFor();

    const operator = await newContext(browser);
    const console = await operatorLogin(operator.context, url());
    await console.locator('.list button', { hasText: 'Hello, do you ship to Almaty?' }).click();
    await console.locator('.msg.visitor', { hasText: 'Hello, do you ship to Almaty?' }).waitFor();

    // The visitor types: the console shows it.
    await widget(page).locator('textarea').pressSequentially('One more');
    await console.locator('.visitor-typing', { hasText: 'Visitor is typing' }).waitFor();

    // The operator types: the widget shows it, then the reply replaces it.
    await console.locator('textarea[name=reply]').pressSequentially('Yes, we');
    await widget(page).locator('.typing', { hasText: 'is typing' }).waitFor();
    await console.locator('textarea[name=reply]').fill('Yes, we ship everywhere in Kazakhstan.');
    await console.locator('textarea[name=reply]').press('Enter');

    const reply = widget(page).locator('.msg.operator .bubble', { hasText: 'we ship everywhere' });
    await reply.waitFor();
    await expect.poll(() => widget(page).locator('.typing').textContent()).toBe('');
    expect(await widget(page).locator('.who strong').textContent()).toBe('Anna');

    // Closed panel: Escape returns focus to the launcher, and new replies count as unread.
    await widget(page).locator('textarea').press('Escape');
    expect(
      await page.evaluate(() => document.querySelector('confab-widget')!.shadowRoot!.activeElement?.className),
    ).toBe('launcher');
    await console.locator('textarea[name=reply]').fill('Anything else?');
    await console.locator('textarea[name=reply]').press('Enter');
    const launcher = widget(page).locator('.launcher');
    await expect.poll(() => launcher.locator('.badge').textContent()).toBe('1');
    expect(await launcher.getAttribute('aria-label')).toBe('Open chat, 1 unread message');
    await launcher.click();
    await expect.poll(() => launcher.locator('.badge').isHidden()).toBe(true);

    expect(visitor.errors).toEqual([]);
    expect(operator.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });

  it('a reload keeps the history and the unsent draft', async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${url()}/`);
    await openWidget(page);
    await visitorSays(page, 'first message');
    await visitorSays(page, 'second message');
    await widget(page).locator('.msg.visitor[data-state=sent]').nth(1).waitFor();
    await widget(page).locator('textarea').fill('not sent yet');

    await page.reload();
    await openWidget(page);
    await expect
      .poll(() => widget(page).locator('.msg.visitor .bubble').allTextContents())
      .toEqual(['first message', 'second message']);
    expect(await widget(page).locator('textarea').inputValue()).toBe('not sent yet');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a returning visitor who has read everything sends no read receipt; the next read sends one', async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    const reads = readReceiptsSent(page);
    await page.goto(`${url()}/`);
    await openWidget(page);
    const conversationId = await onDuty.visitorWrites(page, 'Is the blue one in stock?');
    await onDuty.operatorReplies(conversationId, 'Yes, two left.');
    await widget(page).locator('.msg.operator', { hasText: 'Yes, two left.' }).waitFor();
    // Read on screen: the server hears of it once.
    await expect.poll(() => reads.length).toBe(1);
    const firstMark = reads[0]!;

    // The server holds that mark: the next page view has nothing to tell it...
    reads.length = 0;
    await page.reload();
    await openWidget(page);
    await widget(page).locator('.msg.operator', { hasText: 'Yes, two left.' }).waitFor();
    // ...until something new is read.
    await onDuty.operatorReplies(conversationId, 'Shall I keep one for you?');
    await widget(page).locator('.msg.operator', { hasText: 'Shall I keep one for you?' }).waitFor();
    await expect.poll(() => reads.some((seq) => seq > firstMark)).toBe(true);
    expect(reads).toHaveLength(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('messages written offline arrive once, in order, when the connection is back', async () => {
    const visitor = await newContext(browser);
    const page = await visitor.context.newPage();
    await page.goto(`${url()}/`);
    await openWidget(page);
    await visitorSays(page, 'before the tunnel');
    await widget(page).locator('.msg.visitor[data-state=sent]').waitFor();

    await visitor.context.setOffline(true);
    await widget(page).locator('.banner').waitFor();
    for (const text of ['offline one', 'offline two', 'offline three']) await visitorSays(page, text);
    // They wait, as the banner says, rather than show as failed.
    await expect.poll(() => widget(page).locator('.msg.visitor[data-state=waiting]').count()).toBe(3);
    expect(await widget(page).locator('.msg.visitor .meta', { hasText: 'Waiting for connection…' }).count()).toBe(3);
    expect(await widget(page).locator('.msg.visitor .error').count()).toBe(0);

    await visitor.context.setOffline(false);
    await expect.poll(() => widget(page).locator('.msg.visitor[data-state=sent]').count(), { timeout: 20_000 }).toBe(4);

    const operator = await newContext(browser);
    const console = await operatorLogin(operator.context, url());
    await console.locator('.list button', { hasText: 'offline three' }).click();
    await expect
      .poll(() => console.locator('.msg.visitor .text').allTextContents())
      .toEqual(['before the tunnel', 'offline one', 'offline two', 'offline three']);
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });

  it('can be used with the keyboard alone', async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${url()}/`);
    await widget(page).locator('.launcher').waitFor();
    // Tab through the page's own controls to the launcher.
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'launcher'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(
        () => document.querySelector('confab-widget')?.shadowRoot?.activeElement?.className ?? '',
      );
    }
    expect(focused).toBe('launcher');
    await page.keyboard.press('Enter');
    // The composer takes the focus; type, send with Enter.
    await expect
      .poll(() => page.evaluate(() => document.querySelector('confab-widget')!.shadowRoot!.activeElement?.tagName))
      .toBe('TEXTAREA');
    await page.keyboard.type('typed without a mouse');
    await page.keyboard.press('Enter');
    await widget(page).locator('.msg.visitor[data-state=sent]', { hasText: 'typed without a mouse' }).waitFor();
    // Escape closes and gives the focus back to the launcher.
    await page.keyboard.press('Escape');
    expect(await widget(page).locator('.panel').isHidden()).toBe(true);
    expect(
      await page.evaluate(() => document.querySelector('confab-widget')!.shadowRoot!.activeElement?.className),
    ).toBe('launcher');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fills a phone screen, with 16px text and the launcher out of the way', async () => {
    const { context, errors } = await newContext(browser, {
      viewport: { width: 390, height: 740 },
      hasTouch: true,
      isMobile: true,
    });
    const page = await context.newPage();
    await page.goto(`${url()}/`);
    await openWidget(page);
    // Once the opening animation has settled, the panel is the whole screen.
    await expect
      .poll(async () => {
        const box = (await widget(page).locator('.panel').boundingBox())!;
        return [box.x, box.y, box.width, box.height].map(Math.round);
      })
      .toEqual([0, 0, 390, 740]);
    expect(
      await widget(page)
        .locator('textarea')
        .evaluate((el) => getComputedStyle(el).fontSize),
    ).toBe('16px');
    expect(await widget(page).locator('.launcher').isHidden()).toBe(true);
    await widget(page).locator('.header .icon-button').tap();
    expect(await widget(page).locator('.launcher').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
