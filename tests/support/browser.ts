/**
 * Debian's Chromium driven by playwright-core. Never downloads a browser: when
 * /usr/bin/chromium is missing the browser tests are skipped with the command that
 * installs it, except under CI=true, where a missing browser is a failure.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from './server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) {
  const message = `Browser tests need Chromium at ${CHROMIUM}: apt-get update && apt-get install -y chromium`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`${message}. Skipping them.`);
}
if (!existsSync(fileURLToPath(new URL('../../dist/loader.js', import.meta.url)))) {
  throw new Error('Browser tests run the built files: run `npm run build` first (npm test does).');
}

/** `describe` when Chromium is here, `describe.skip` otherwise. */
export const describeInBrowser = hasBrowser ? describe : describe.skip;

/** @param options  e.g. `ignoreDefaultArgs: ['--disable-back-forward-cache']` to test the bfcache */
export function launchBrowser(options: Parameters<typeof chromium.launch>[0] = {}): Promise<Browser> {
  // playwright-core gives every launch a fresh temporary profile (user data dir).
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, ...options });
}

/** A context that fails the test on any uncaught page error. */
export async function newContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}) {
  const context = await browser.newContext(options);
  const errors: string[] = [];
  context.on('weberror', (error) => errors.push(error.error().message));
  return { context, errors };
}

/**
 * A context whose pages on `url`'s origin find `visitorId` stored as the demo widget keeps
 * it: a returning visitor (seed.ts stores their history). Not in blank frames.
 */
export async function returningVisitorContext(
  browser: Browser,
  url: string,
  visitorId: string,
  options: Parameters<Browser['newContext']>[0] = {},
) {
  const made = await newContext(browser, options);
  await made.context.addInitScript(
    ([origin, key, value]) => location.origin === origin && localStorage.setItem(key!, value!),
    [new URL(url).origin, 'confab:demo:visitor', JSON.stringify(visitorId)],
  );
  return made;
}

/** The widget's shadow root, for locators (Playwright pierces open shadow roots). */
export const widget = (page: Page): Locator => page.locator('confab-widget');

export async function openWidget(page: Page): Promise<void> {
  await widget(page).locator('button.launcher').click();
  await widget(page).locator('textarea').waitFor();
}

export async function visitorSays(page: Page, text: string): Promise<void> {
  await widget(page).locator('textarea').fill(text);
  await widget(page).locator('textarea').press('Enter');
}

export async function operatorLogin(context: BrowserContext, baseUrl: string, login = 'anna', password = 'demo') {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/operator/`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.locator('.me .state', { hasText: 'online' }).waitFor();
  return page;
}

/** A fresh context (failing on page errors) with the operator console logged in as `login`. */
export async function consoleAs(browser: Browser, baseUrl: string, login = 'anna') {
  const operator = await newContext(browser);
  return { ...operator, page: await operatorLogin(operator.context, baseUrl, login) };
}

/** A fresh context (failing on page errors) with a visitor on the demo site, the chat open. */
export async function visitorWithChatOpen(browser: Browser, baseUrl: string, path = '/') {
  const visitor = await newContext(browser);
  const page = await visitor.context.newPage();
  await page.goto(`${baseUrl}${path}`);
  await openWidget(page);
  return { ...visitor, page };
}

/** Chromium keeps an automated page "visible": say it is hidden, or visible again. */
export const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate((next) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => next });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => next === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);

export const DEMO_SITES = fileURLToPath(new URL('../../demo/sites.json', import.meta.url));

/**
 * A fresh demo server and Chromium for one describe block (call it inside
 * `describeInBrowser`, so a missing browser skips it): read `browser` and `url` in tests.
 */
export function useBrowserAndServer(options: HarnessOptions = { sites: DEMO_SITES }) {
  let browser: Browser | undefined;
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(options);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.cleanup();
  });
  return {
    get browser(): Browser {
      return browser!;
    },
    get harness(): Harness {
      return harness!;
    },
    get url(): string {
      return harness!.server.url;
    },
  };
}
