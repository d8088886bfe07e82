import { expect, it } from 'vitest';
import { describeInBrowser, newContext, operatorLogin, useBrowserAndServer } from '../support/browser';

let env: ReturnType<typeof useBrowserAndServer>;
const url = () => env.url;

describeInBrowser('visitor context, live for the operator', () => {
  env = useBrowserAndServer();

  it('the console follows SPA navigation and keeps the original campaign across a reload', async () => {
    const operator = await newContext(env.browser);
    const console = await operatorLogin(operator.context, url(), 'max');
    await console.locator('[data-tab=online]').click();

    const visitor = await newContext(env.browser);
    const page = await visitor.context.newPage();
    await page.goto(`${url()}/?utm_source=newsletter&utm_medium=email&utm_campaign=spring`);
    const row = console.locator('.visitor-row');
    // The widget connects when the page is idle; the visitor shows up before writing anything.
    await row.first().waitFor({ timeout: 15_000 });
    expect(await row.locator('.first-touch').textContent()).toBe('newsletter / email / spring');

    // Two SPA navigations (to pages the static demo server also has, for the reload).
    await page.evaluate(() => history.pushState(null, '', '/pricing'));
    await console.locator('.visitor-row .page-now', { hasText: '/pricing' }).waitFor();
    await page.evaluate(() => history.pushState({ id: 2 }, '', '/pricing?plan=pro'));
    await console.locator('.visitor-row .page-now', { hasText: '/pricing?plan=pro' }).waitFor();
    expect(await row.locator('.first-touch').textContent()).toBe('newsletter / email / spring');
    expect(await row.textContent()).toContain('3 pages');

    // A reload: no campaign in the URL now, and still the same first touch.
    await page.reload();
    await expect
      .poll(() => console.locator('.visitor-row .page-now').allTextContents(), { timeout: 15_000 })
      .toEqual([expect.stringContaining('/pricing?plan=pro')]);
    expect(await row.locator('.first-touch').textContent()).toBe('newsletter / email / spring');
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('confab:demo:firstTouch') ?? 'null'));
    expect(stored.utm).toEqual({ utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'spring' });

    const visitorId = await page.evaluate(() => JSON.parse(localStorage.getItem('confab:demo:visitor')!));
    const urls = (await env.harness.server.store.pageViews('demo', visitorId)).map((v) => new URL(v.url));
    expect(urls.map((u) => u.pathname + u.search)).toEqual([
      '/?utm_source=newsletter&utm_medium=email&utm_campaign=spring',
      '/pricing',
      '/pricing?plan=pro',
    ]);
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });

  it('reports the time zone the browser is set to, the same one Intl gives', async () => {
    const visitor = await newContext(env.browser, { timezoneId: 'Asia/Almaty' });
    const page = await visitor.context.newPage();
    await page.goto(`${url()}/`);
    // The widget connects when the page is idle; the server stores what it reported.
    const storedVisitor = () =>
      page.evaluate(() => JSON.parse(localStorage.getItem('confab:demo:visitor') ?? 'null') as string | null);
    await expect.poll(storedVisitor, { timeout: 15_000 }).toBeTruthy();
    const visitorId = (await storedVisitor())!;
    await expect
      .poll(async () => (await env.harness.server.store.getVisitor('demo', visitorId))?.env?.timeZone, {
        timeout: 15_000,
      })
      .toBe('Asia/Almaty');
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('Asia/Almaty');
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
  });

  it('reads a visit without a referrer, mounts and opens without throwing, not even a caught exception', async () => {
    // A page's first exception costs 2–10 ms at 4× CPU, and a typed address or a bookmark
    // (no referrer) is the commonest visit: reading its context must not throw.
    const visitor = await newContext(env.browser);
    const page = await visitor.context.newPage();
    const cdp = await visitor.context.newCDPSession(page);
    const thrown: string[] = [];
    cdp.on('Debugger.paused', (event) => {
      const frame = event.callFrames[0]!;
      // Thrown exceptions, caught or not; a promise rejected and handled is no throw.
      if (event.reason === 'exception')
        thrown.push(
          `${event.data?.description?.split('\n')[0]} in ${frame.url.split('/').pop()} ${frame.functionName}`,
        );
      void cdp.send('Debugger.resume');
    });
    await cdp.send('Debugger.enable');
    await cdp.send('Debugger.setPauseOnExceptions', { state: 'all' });
    await page.goto(`${url()}/`);
    expect(await page.evaluate(() => document.referrer)).toBe('');
    const storedVisitor = () => page.evaluate(() => localStorage.getItem('confab:demo:visitor'));
    await expect.poll(storedVisitor, { timeout: 15_000 }).toBeTruthy();
    await page.locator('confab-widget').locator('button.launcher').click();
    // Nobody is on duty here: the panel opens on the request form.
    await page.locator('confab-widget').locator('form.lead textarea').waitFor();
    expect(thrown).toEqual([]);
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
  });
});
