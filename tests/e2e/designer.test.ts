import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSites } from '../../server/src/sites';
import { startHarness, startHostSite, type Harness } from '../support/server';
import { describeInBrowser, launchBrowser, newContext, widget } from '../support/browser';
import { axeViolations } from '../support/axe';

const DEMO_SITES = fileURLToPath(new URL('../../demo/sites.json', import.meta.url));

let browser: Browser;
let harness: Harness;
let host: Awaited<ReturnType<typeof startHostSite>>;

const launcherColor = (page: Page) =>
  widget(page)
    .locator('.launcher')
    .evaluate((el) => getComputedStyle(el).backgroundColor);
async function setColor(page: Page, token: string, value: string) {
  await page.locator(`input[name=${token}]`).evaluate((el, v) => {
    (el as HTMLInputElement).value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

describeInBrowser('the designer', () => {
  beforeAll(async () => {
    host = await startHostSite();
    const sites = loadSites(DEMO_SITES);
    sites[0]!.allowedOrigins.push(host.origin);
    harness = await startHarness({ sites });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.cleanup();
    await host?.close();
  });

  it('restyles the real widget live: colour, position, language, with contrast warnings', async () => {
    const { context, errors } = await newContext(browser, { viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${harness.server.url}/designer/`);
    await widget(page).locator('.panel .msg.operator').first().waitFor();

    expect(await launcherColor(page)).toBe('rgb(11, 107, 203)');
    await setColor(page, 'accent', '#aa0055');
    await expect.poll(() => launcherColor(page)).toBe('rgb(170, 0, 85)');
    expect(
      await widget(page)
        .locator('.msg.visitor .bubble')
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor),
    ).toBe('rgb(170, 0, 85)');

    await setColor(page, 'visitorText', '#aa0066');
    await page.locator('[data-warning=visitorText]', { hasText: 'below WCAG AA' }).waitFor();

    await page.selectOption('select[name=position]', 'left');
    await expect.poll(async () => (await widget(page).locator('.launcher').boundingBox())!.x).toBeLessThan(100);

    await page.selectOption('select[name=lang]', 'ar');
    await expect.poll(() => widget(page).locator('.panel').getAttribute('dir')).toBe('rtl');
    expect(await widget(page).locator('.composer textarea').getAttribute('placeholder')).toBe('اكتب رسالة…');

    for (const state of ['unread', 'form', 'rating', 'spam']) {
      await page.selectOption('select[name=state]', state);
      await widget(page).locator('.launcher').waitFor();
    }
    await widget(page).locator('.notice.ended').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows every state styled after any sequence of switches (lazily loaded views keep their CSS)', async () => {
    const { context, errors } = await newContext(browser, { viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${harness.server.url}/designer/`);
    await widget(page).locator('.panel .msg.operator').first().waitFor();
    const styled = async (selector: string) =>
      widget(page)
        .locator(selector)
        .first()
        .evaluate((el) => {
          const style = getComputedStyle(el);
          return { background: style.backgroundColor, radius: style.borderTopLeftRadius };
        });
    // The rating first (its chunk alone), then the form, then back and forth: each remount
    // must bring every stylesheet loaded so far.
    for (const state of ['rating', 'chat', 'form', 'rating', 'thanks', 'rating', 'form']) {
      await page.selectOption('select[name=state]', state);
      if (state === 'rating') {
        await widget(page).locator('.rating .star').first().waitFor();
        await widget(page).locator('.rating .star').nth(3).click();
        await widget(page).locator('.rating .primary').waitFor();
        expect(await styled('.rating .primary')).toEqual({ background: 'rgb(11, 107, 203)', radius: '10px' });
        expect(await styled('.rating textarea')).toMatchObject({ radius: '10px' });
      } else if (state === 'form') {
        await widget(page).locator('form.lead .primary').waitFor();
        expect(await styled('form.lead .primary')).toEqual({ background: 'rgb(11, 107, 203)', radius: '10px' });
      } else if (state === 'thanks') {
        await widget(page).locator('.thanks').waitFor();
        expect(
          await widget(page)
            .locator('.thanks')
            .evaluate((el) => getComputedStyle(el).textAlign),
        ).toBe('center');
      } else {
        await widget(page).locator('.composer').waitFor();
      }
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('names every control of the designer itself (axe-core)', async () => {
    const { context } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${harness.server.url}/designer/`);
    await widget(page).locator('.panel .msg.operator').first().waitFor();
    expect(await axeViolations(page, 'main')).toEqual([]);
    await context.close();
  });

  it('keeps the form clear of the open panel on either side, and on a phone starts at the launcher', async () => {
    const wide = await newContext(browser, { viewport: { width: 1280, height: 800 } });
    const page = await wide.context.newPage();
    await page.goto(`${harness.server.url}/designer/`);
    await widget(page).locator('.panel .msg.operator').first().waitFor();
    const sides = async () => {
      const form = (await page.locator('main').boundingBox())!;
      const panel = (await widget(page).locator('.panel').boundingBox())!;
      return {
        formLeft: form.x,
        formRight: form.x + form.width,
        panelLeft: panel.x,
        panelRight: panel.x + panel.width,
      };
    };
    const right = await sides();
    expect(right.formRight).toBeLessThanOrEqual(right.panelLeft);
    // Further from the edge, the form makes room too.
    await page.locator('input[name=offsetX]').fill('100');
    await expect.poll(async () => (await sides()).panelLeft).toBeLessThan(right.panelLeft - 50);
    const further = await sides();
    expect(further.formRight).toBeLessThanOrEqual(further.panelLeft);
    await page.selectOption('select[name=position]', 'left');
    await expect.poll(async () => (await sides()).panelLeft).toBeLessThan(200);
    const left = await sides();
    expect(left.panelRight).toBeLessThanOrEqual(left.formLeft);
    expect(wide.errors).toEqual([]);
    await wide.context.close();

    const phone = await newContext(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const small = await phone.context.newPage();
    await small.goto(`${harness.server.url}/designer/`);
    await widget(small).locator('.launcher').waitFor();
    expect(await small.locator('select[name=state]').inputValue()).toBe('launcher');
    expect(await widget(small).locator('.panel').isVisible()).toBe(false);
    await widget(small).locator('.launcher').click();
    await widget(small).locator('.panel .composer textarea').waitFor();
    await widget(small).getByRole('button', { name: 'Close chat' }).click();
    await expect.poll(() => widget(small).locator('.panel').isVisible()).toBe(false);
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });

  it('the copied snippet, pasted into a blank page, gives the same look', async () => {
    const designer = await newContext(browser, { viewport: { width: 1400, height: 900 } });
    const page = await designer.context.newPage();
    await page.goto(`${harness.server.url}/designer/`);
    await widget(page).locator('.panel .msg.operator').first().waitFor();
    await setColor(page, 'accent', '#2a7d4f');
    await page.selectOption('select[name=position]', 'left');
    await page.selectOption('select[name=mode]', 'dark');
    await page.locator('input[name=radius]').fill('4');
    const snippet = await page.locator('textarea[name=snippet]').inputValue();
    expect(snippet).toContain('data-color="#2a7d4f"');
    expect(snippet).toContain('data-position="left"');
    const look = async (p: Page) => ({
      launcher: await launcherColor(p),
      x: Math.round((await widget(p).locator('.launcher').boundingBox())!.x),
      panel: await widget(p)
        .locator('.panel')
        .evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).borderRadius]),
    });
    const expected = await look(page);

    const blank = await newContext(browser, { viewport: { width: 1400, height: 900 } });
    const other = await blank.context.newPage();
    await other.goto(
      host.page('/blank', `<!doctype html><html><head><title>Blank</title></head><body>${snippet}</body></html>`),
    );
    await widget(other).locator('.launcher').click();
    await widget(other).locator('.panel').waitFor();
    await expect.poll(() => look(other)).toEqual(expected);
    expect(expected.panel).toEqual(['rgb(22, 27, 38)', '4px']);
    expect(blank.errors).toEqual([]);
    await designer.context.close();
    await blank.context.close();
  });
});
