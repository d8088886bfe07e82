import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connectOperator } from '../support/server';
import { seedReturningVisitor } from '../support/seed';
import {
  describeInBrowser,
  openWidget,
  returningVisitorContext,
  useBrowserAndServer,
  widget,
} from '../support/browser';

const STORED = 2000;
/** The session brings the newest page; older ones come from the server on scroll-up. */
const SESSION_PAGE = 50;
/** Entries the window adds above at a time (older.tsx). */
const WINDOW_STEP = 10;

/** Nodes of every kind (elements, text, comments) in the widget's shadow root. */
const shadowNodes = (page: Page) =>
  widget(page).evaluate((host) => {
    const walker = document.createTreeWalker(host.shadowRoot!, NodeFilter.SHOW_ALL);
    let count = 0;
    while (walker.nextNode()) count++;
    return count;
  });

/** Where message `n` is, from the top of the log's visible area (null: not rendered). */
const offsetInLog = (page: Page, n: number) =>
  widget(page)
    .locator('.log')
    .evaluate((log, marker) => {
      const row = [...log.querySelectorAll('.msg')].find((m) => m.textContent?.includes(marker));
      return row ? row.getBoundingClientRect().top - log.getBoundingClientRect().top : null;
    }, `Message ${n} of ${STORED}:`);

describeInBrowser('a returning visitor with a long history', () => {
  const env = useBrowserAndServer();

  it('has 2,000 stored messages: nothing rendered while closed, the newest in view on open, older pages on scroll-up in place', async () => {
    // Someone on duty, so the visitor gets the chat rather than the request form.
    const onDuty = (await connectOperator(env.url, 'max', 'demo')).socket;
    const visitorId = await seedReturningVisitor(env.harness.server.store, 'demo', 'max', STORED);
    const { context, errors } = await returningVisitorContext(env.browser, env.url, visitorId);
    const page = await context.newPage();
    await page.goto(`${env.url}/`);

    // Closed, after the session came: the launcher counts, the shadow root holds the
    // launcher and the closed panel's frame, nothing of the 2,000 messages.
    await expect.poll(() => widget(page).locator('.launcher .badge').textContent()).not.toBe('');
    await widget(page).locator('.panel').waitFor({ state: 'attached' });
    expect(await widget(page).locator('.msg').count()).toBe(0);
    expect(await shadowNodes(page)).toBeLessThan(80);

    await openWidget(page);
    const log = widget(page).locator('.log');
    await widget(page)
      .locator('.msg', { hasText: `Message ${STORED} of ${STORED}:` })
      .waitFor();
    // The opening frame holds the newest few; the rest of the session's page follows above.
    await expect.poll(() => log.locator('.msg').count()).toBe(SESSION_PAGE);
    // The newest message is inside the log's visible area, and the log is at its end.
    const geometry = await log.evaluate((element) => {
      const last = [...element.querySelectorAll('.msg')].at(-1)!.getBoundingClientRect();
      const box = element.getBoundingClientRect();
      return {
        lastBottom: last.bottom,
        boxTop: box.top,
        boxBottom: box.bottom,
        gap: element.scrollHeight - element.scrollTop - element.clientHeight,
      };
    });
    expect(geometry.lastBottom).toBeLessThanOrEqual(geometry.boxBottom + 1);
    expect(geometry.lastBottom).toBeGreaterThan(geometry.boxTop);
    expect(geometry.gap).toBeLessThanOrEqual(1);

    // At the top of what the session brought: the server's older page renders above, and
    // the message that was at the top stays where it was.
    const oldestHeld = STORED - SESSION_PAGE + 1;
    await log.evaluate((element) => (element.scrollTop = 0));
    const was = await offsetInLog(page, oldestHeld);
    await expect.poll(() => offsetInLog(page, oldestHeld - WINDOW_STEP)).not.toBeNull();
    expect(Math.abs((await offsetInLog(page, oldestHeld))! - was!)).toBeLessThan(2);
    // The window stays at most two pages long however far up the visitor goes.
    for (let i = 0; i < 3; i++) {
      const top = await log.locator('.msg').first().textContent();
      await log.evaluate((element) => (element.scrollTop = 0));
      await expect.poll(() => log.locator('.msg').first().textContent()).not.toBe(top);
    }
    expect(await log.locator('.msg').count()).toBeLessThanOrEqual(2 * SESSION_PAGE);

    onDuty.disconnect();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the newest message in view as a draft of several lines makes the list shorter; a list scrolled up keeps its place', async () => {
    const onDuty = (await connectOperator(env.url, 'max', 'demo')).socket;
    const visitorId = await seedReturningVisitor(env.harness.server.store, 'demo', 'max', 60);
    const { context, errors } = await returningVisitorContext(env.browser, env.url, visitorId);
    const page = await context.newPage();
    await page.goto(`${env.url}/`);
    await openWidget(page);
    const log = widget(page).locator('.log');
    await widget(page).locator('.msg', { hasText: 'Message 60 of 60:' }).waitFor();
    await expect.poll(() => log.locator('.msg').count()).toBe(SESSION_PAGE);
    /** The list's height, and how much of it lies below what it shows, after the next frame. */
    const state = () =>
      log.evaluate(
        (element) =>
          new Promise<{ height: number; below: number; top: number }>((resolve) =>
            requestAnimationFrame(() =>
              setTimeout(() =>
                resolve({
                  height: element.clientHeight,
                  below: Math.round(element.scrollHeight - element.scrollTop - element.clientHeight),
                  top: Math.round(element.scrollTop),
                }),
              ),
            ),
          ),
      );
    const field = widget(page).locator('textarea');
    const opened = await state();
    expect(opened.below).toBeLessThanOrEqual(1);

    // Four lines: the field grows, the list above it gets shorter; its newest message stays in view.
    await field.fill('One\nTwo\nThree\nFour');
    const typed = await state();
    expect(typed.height).toBeLessThan(opened.height - 40);
    expect(typed.below).toBeLessThanOrEqual(1);

    // Scrolled up to the middle, then the draft back to one line and out to four again:
    // what the visitor reads does not move.
    await log.evaluate((element) => {
      element.scrollTop = Math.round((element.scrollHeight - element.clientHeight) / 2);
    });
    const reading = await state();
    expect(reading.below).toBeGreaterThan(200);
    await field.fill('One');
    await field.fill('One\nTwo\nThree\nFour');
    expect((await state()).top).toBe(reading.top);
    expect(errors).toEqual([]);
    onDuty.disconnect();
    await context.close();
  });
});
