import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectOperator, startHarness, startHostSite, type Harness } from '../support/server';
import { describeInBrowser, launchBrowser, newContext, openWidget, visitorSays, widget } from '../support/browser';

let browser: Browser;
let harness: Harness;
let host: Awaited<ReturnType<typeof startHostSite>>;
let pageCount = 0;
/** An operator who stays available, so visitors get the chat rather than the form. */
let onDuty: { disconnect(): unknown };
const url = () => harness.server.url;

/** Opens `html` as a page of the host site, on its own origin. */
async function hostPage(
  html: string,
  headers: Record<string, string> = {},
): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const { context, errors } = await newContext(browser);
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(host.page(`/page-${++pageCount}`, html, headers));
  return { page, errors, close: () => context.close() };
}

const snippet = (attrs = '') => `<script async src="${url()}/loader.js" data-site="shop" ${attrs}></script>`;

describeInBrowser('the widget as a guest on a host page', () => {
  beforeAll(async () => {
    host = await startHostSite();
    harness = await startHarness({ extraOrigins: [host.origin] });
    onDuty = (await connectOperator(harness.server.url)).socket;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    onDuty?.disconnect();
    await browser?.close();
    await harness?.cleanup();
    await host?.close();
  });

  it('works under a strict CSP with Trusted Types, with the documented CSP lines only', async () => {
    const origin = url();
    const csp = [
      "default-src 'none'",
      `script-src ${origin}`,
      `connect-src ${origin} ${origin.replace('http', 'ws')}`,
      `img-src ${origin}`,
      "style-src 'none'",
      "require-trusted-types-for 'script'",
      'trusted-types',
    ].join('; ');
    const { page, errors, close } = await hostPage(
      `<!doctype html><html><head><title>CSP</title></head><body><p>Strict page</p>
       <script>/* inline scripts are blocked here */</script>${snippet()}</body></html>`,
      { 'Content-Security-Policy': csp },
    );
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.evaluate(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation(v: string): void }).reportViolation(
          `${e.violatedDirective} ${e.blockedURI}`,
        ),
      ),
    );

    await openWidget(page);
    await visitorSays(page, 'hello from a strict page');
    await widget(page).locator('.msg.visitor[data-state=sent]').waitFor();
    // Styles applied: the panel is laid out as designed, not unstyled.
    const panel = await widget(page).locator('.panel').boundingBox();
    expect(panel!.width).toBe(370);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('included twice, shows one widget that takes the second tag’s settings', async () => {
    const { page, errors, close } = await hostPage(
      `<!doctype html><body>${snippet()}${snippet('data-color="#aa0000" data-position="left"')}</body>`,
    );
    await widget(page).locator('.launcher').waitFor();
    await openWidget(page); // loads the widget, which applies the queued update
    expect(await page.locator('confab-widget').count()).toBe(1);
    await expect
      .poll(() =>
        widget(page)
          .locator('.launcher')
          .evaluate((el) => getComputedStyle(el).backgroundColor),
      )
      .toBe('rgb(170, 0, 0)');
    const box = await widget(page).locator('.launcher').boundingBox();
    expect(box!.x).toBeLessThan(100);
    expect(errors).toEqual([]);
    await close();
  });

  it('still delivers messages when the page has polluted Array.prototype.toJSON', async () => {
    // Prototype.js 1.6 and friends: JSON.stringify([1]) returns a string, which breaks
    // socket.io's packet encoding unless the widget guards against it.
    const { page, errors, close } = await hostPage(
      `<!doctype html><body><script>Array.prototype.toJSON = function () { return 'polluted'; };</script>${snippet()}</body>`,
      { 'Content-Security-Policy': `script-src 'unsafe-inline' ${url()}` },
    );
    await openWidget(page);
    await visitorSays(page, 'hello from an old page');
    await widget(page).locator('.msg.visitor[data-state=sent]').waitFor({ timeout: 15_000 });
    // The page's own code still sees its toJSON.
    expect(await page.evaluate(() => JSON.stringify([1]))).toBe('"polluted"');
    expect(errors).toEqual([]);
    await close();
  });

  it('looks the same under hostile page CSS and a huge root font size', async () => {
    const hostile = `<style>
      html { font-size: 40px !important; }
      * { box-sizing: content-box !important; font-family: "Comic Sans MS" !important; color: red !important; }
      confab-widget { display: none !important; position: static !important; z-index: -1 !important; }
      button { width: 1px !important; height: 1px !important; background: lime !important; }
      textarea { font-size: 8px !important; }
    </style>`;
    const { page, errors, close } = await hostPage(`<!doctype html><head>${hostile}</head><body>${snippet()}</body>`);
    const launcher = widget(page).locator('.launcher');
    await launcher.waitFor();
    const box = await launcher.boundingBox();
    expect(box).toMatchObject({ width: 56, height: 56 });
    const viewport = page.viewportSize()!;
    expect(box!.x + box!.width).toBe(viewport.width - 20);
    expect(box!.y + box!.height).toBe(viewport.height - 20);
    await openWidget(page);
    // iOS zooms into inputs under 16px; the page's rules must not shrink ours.
    expect(
      await widget(page)
        .locator('textarea')
        .evaluate((el) => getComputedStyle(el).fontSize),
    ).toBe('16px');
    expect(errors).toEqual([]);
    await close();
  });
});
