/**
 * What a person sees and does, measured in real Chromium where happy-dom has no layout or
 * cascade: a focus ring on every control (an `all:unset` must not remove it), a reply that
 * quotes a long message staying inside the panel, links in bubbles in the bubble's colour,
 * marked fields actually marked, the end-of-chat question safe under the keyboard, and the
 * dark theme as clean for axe-core as the light one.
 */
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { axeViolations } from '../support/axe';
import {
  describeInBrowser,
  newContext,
  openWidget,
  operatorLogin,
  useBrowserAndServer,
  visitorSays,
  widget,
} from '../support/browser';

let env: ReturnType<typeof useBrowserAndServer>;

/** The focused element inside the widget's shadow root, with what shows its focus. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('confab-widget')!.shadowRoot!.activeElement as HTMLElement | null;
    const style = el && getComputedStyle(el);
    return {
      text: el?.textContent ?? null,
      label: el?.getAttribute('aria-label') ?? null,
      outline: style?.outlineStyle,
      width: style?.outlineWidth,
    };
  });

const box = async (locator: Locator) => (await locator.boundingBox())!;

/** An operator online, the visitor chatting, and the operator's answer in view. */
async function chatWithOperator(page: Page, operatorSays: string) {
  const operator = await newContext(env.browser);
  const console = await operatorLogin(operator.context, env.url, 'anna');
  if (!(await widget(page).locator('.panel').isVisible())) await openWidget(page);
  // The operator's arrival is offered in the form when the form was showing.
  await widget(page).locator('.composer, .offer button').first().waitFor();
  const offer = widget(page).locator('.offer button');
  if (await offer.count()) await offer.click();
  await widget(page).locator('.composer').waitFor();
  const first = `Hello from ${Math.random().toString(36).slice(2, 8)}`;
  await visitorSays(page, first);
  await console.locator('.list button', { hasText: first }).click();
  await console.locator('textarea[name=reply]').fill(operatorSays);
  await console.locator('textarea[name=reply]').press('Enter');
  await widget(page)
    .locator('.msg.operator', { hasText: operatorSays.slice(0, 20) })
    .waitFor();
  return { ...operator, console };
}

describeInBrowser('keyboard, layout and contrast in Chromium', () => {
  env = useBrowserAndServer();

  it('shows focus on Send and Reply, keeps a long quote inside the panel, and asks safely before ending', async () => {
    const { context } = await newContext(env.browser);
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${env.url}/`);
    const long = 'Yes, we ship everywhere in Kazakhstan and beyond. See https://example.com/shipping for the rates.';
    const operator = await chatWithOperator(page, long);

    // Send: reached with Tab from a draft, its ring visible although its rule resets everything.
    await widget(page).locator('textarea').fill('A draft');
    await widget(page).locator('textarea').press('Tab');
    expect(await focused(page)).toMatchObject({ label: 'Send', outline: 'solid', width: '3px' });

    // Reply under the operator's long message, reached from the keyboard as well.
    const reply = widget(page).locator('.msg.operator .meta .reply').last();
    await reply.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ outline: 'solid', width: '3px' });
    await page.keyboard.press('Enter');
    await widget(page).locator('textarea').fill('Great, how long does it take?');
    await widget(page).locator('textarea').press('Enter');
    const mine = widget(page).locator('.msg.visitor .bubble', { hasText: 'how long does it take' });
    await mine.locator('.quote').waitFor();
    const panel = await box(widget(page).locator('.panel'));
    const bubble = await box(mine);
    expect(bubble.x).toBeGreaterThanOrEqual(panel.x);
    expect(bubble.x + bubble.width).toBeLessThanOrEqual(panel.x + panel.width);

    // A link in the operator's bubble is in the bubble's text colour, not the browser's blue.
    const colours = await widget(page)
      .locator('.msg.operator .bubble a')
      .last()
      .evaluate((a) => [getComputedStyle(a).color, getComputedStyle(a.closest('.bubble')!).color]);
    expect(colours[0]).toBe(colours[1]);

    // End chat from the keyboard: Enter, Enter keeps chatting; Escape withdraws the question only.
    const endChat = widget(page).locator('.end-bar .link', { hasText: 'End chat' });
    await endChat.focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).text).toBe('Keep chatting');
    await page.keyboard.press('Enter');
    await expect.poll(() => widget(page).locator('.end-bar.confirm').count()).toBe(0);
    await expect.poll(async () => (await focused(page)).text).toBe('End chat');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await expect.poll(() => widget(page).locator('.end-bar.confirm').count()).toBe(0);
    expect(await widget(page).locator('.panel').isVisible()).toBe(true);
    expect(await widget(page).locator('.composer').count()).toBe(1);

    // In Arabic, an English answer quoting the visitor ("أنت" heads the quote) stays left-to-right.
    await page.evaluate(() => window.Confab!('locale', 'ar'));
    await widget(page).locator('.panel[dir=rtl]').waitFor();
    // The operator's Latin name and title keep their own direction but sit at the header's
    // right-hand start, where an Arabic reader looks first — not at its left beside Close.
    const headerEdges = await widget(page)
      .locator('.header .who')
      .evaluate((who) =>
        [...who.children].map((line) => {
          const text = document.createRange();
          text.selectNodeContents(line);
          return Math.round(who.getBoundingClientRect().right - text.getBoundingClientRect().right);
        }),
      );
    expect(headerEdges).toEqual([0, 0]);
    const console = operator.console;
    await console
      .locator('.msg.visitor', { hasText: 'how long does it take' })
      .getByRole('button', { name: 'Reply' })
      .click();
    await console.locator('textarea[name=reply]').fill('About three days.');
    await console.locator('textarea[name=reply]').press('Enter');
    const answer = widget(page).locator('.msg.operator .bubble', { hasText: 'About three days.' });
    await answer.locator('.quote').waitFor();
    expect(await answer.evaluate((el) => el.matches(':dir(ltr)'))).toBe(true);
    // The console's quotes name their author too: the operator herself, then the visitor.
    const visitorsQuote = console.locator('.msg.visitor', { hasText: 'how long does it take' }).locator('.quote cite');
    expect(await visitorsQuote.textContent()).toBe('You');
    const operatorsQuote = console.locator('.msg.operator', { hasText: 'About three days.' }).locator('.quote cite');
    await operatorsQuote.waitFor();
    const visitorName = await console
      .locator('.msg.visitor .meta')
      .first()
      .evaluate((meta) => meta.firstChild?.textContent);
    expect(await operatorsQuote.textContent()).toBe(visitorName?.trim());

    await context.close();
    await operator.context.close();
  });

  it('on a phone (or a desktop zoomed to 400 %) Tab goes round the full-screen panel, never to the page behind it', async () => {
    const { context, errors } = await newContext(env.browser, { viewport: { width: 390, height: 700 } });
    const page = await context.newPage();
    await page.goto(`${env.url}/`);
    // Opened from the keyboard: the launcher that had the focus is under the panel now.
    await widget(page).locator('button.launcher').focus();
    await page.keyboard.press('Enter');
    // The request form, nobody being online (the composer's Send is a form's submit button too).
    await widget(page).getByRole('button', { name: 'Leave a request' }).waitFor();
    /** Where focus is: a control of the widget's (a field by its name), or the page's (hidden behind the panel). */
    const where = () =>
      page.evaluate(() => {
        const host = document.activeElement;
        const inner = host?.shadowRoot?.activeElement as HTMLElement | null | undefined;
        return host?.tagName === 'CONFAB-WIDGET'
          ? (inner?.getAttribute('aria-label') ?? inner?.getAttribute('name') ?? inner?.textContent?.trim() ?? '')
          : `page: ${host?.tagName}`;
      });
    // The keyboard starts in the form's first field.
    await expect.poll(where).toBe('name');
    const close = widget(page).getByRole('button', { name: 'Close chat' });
    await close.focus();
    await page.keyboard.press('Shift+Tab');
    expect(await where()).toBe('Leave a request');
    await page.keyboard.press('Tab');
    expect(await where()).toBe('Close chat');
    const stops: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      stops.push(await where());
    }
    expect(stops.filter((stop) => stop.startsWith('page:'))).toEqual([]);
    expect(stops).toContain('Close chat');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('in the dark theme: marked fields are marked, errors and links readable, nothing for axe', async () => {
    const { context } = await newContext(env.browser);
    const page = await context.newPage();
    await page.goto(`${env.url}/`);
    await widget(page).locator('.launcher').waitFor();
    await page.evaluate(() => window.Confab!('theme', { mode: 'dark' }));
    await expect
      .poll(() => widget(page).evaluate((host: HTMLElement) => host.style.getPropertyValue('--confab-danger')))
      .not.toBe('');

    // Nobody online: the form, submitted empty.
    await openWidget(page);
    await widget(page).locator('form.lead').waitFor();
    await widget(page).locator('form.lead button[type=submit]').click();
    await widget(page).locator('.summary').waitFor();
    const phone = widget(page).locator('input[name=phone]');
    const [border, summary] = await Promise.all([
      phone.evaluate((el) => getComputedStyle(el).borderTopColor),
      widget(page)
        .locator('.summary')
        .evaluate((el) => getComputedStyle(el).color),
    ]);
    expect(border).toBe(summary); // the field is marked in the error colour the summary speaks in
    expect(await axeViolations(page, 'confab-widget')).toEqual([]);

    // An operator: the chat with a link each way, and the read mark.
    const operator = await chatWithOperator(page, 'Our rates: https://example.com/rates');
    await visitorSays(page, 'And https://example.com/returns?');
    await widget(page).locator('.msg.visitor .bubble a', { hasText: 'returns' }).waitFor();
    expect(await axeViolations(page, 'confab-widget')).toEqual([]);

    await context.close();
    await operator.context.close();
  });
});
