/**
 * What the snippet costs a host page, measured in Chromium against the same page
 * without it: 9 runs each (IMPACT_RUNS), medians. "At load" is up to the page's load event, where
 * only the loader runs; "settled" is 5 s later, once the widget has loaded at idle and
 * connected.
 *
 *   npm run bench   (needs /usr/bin/chromium; prints a table, asserts nothing)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startServer } from '../server/src/server';
import { loadSites } from '../server/src/sites';
import { startHostSite } from '../tests/support/server';
import { launchBrowser } from '../tests/support/browser';

const RUNS = Number(process.env.IMPACT_RUNS ?? 9);
const ARTICLE = '<h1>An ordinary article</h1>' + '<p>Some text of the host page, long enough to lay out.</p>'.repeat(60);

interface Sample {
  loadScriptMs: number;
  loadTaskMs: number;
  longTasks: number;
  blockingMs: number;
  layoutShift: number;
  requestsAtLoad: number;
  requests: number;
  kilobytes: number;
  heapMb: number;
}

async function metrics(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () => {
    const { metrics: list } = await cdp.send('Performance.getMetrics');
    return Object.fromEntries(list.map((m) => [m.name, m.value]));
  };
}

async function sample(url: string): Promise<Sample> {
  const browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  let requests = 0;
  let bytes = 0;
  page.on('requestfinished', async (request) => {
    requests++;
    const sizes = await request.sizes().catch(() => null);
    bytes += sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0;
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[]; __shift: number };
    w.__longTasks = [];
    w.__shift = 0;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => (w.__shift += (e as unknown as { value: number }).value)),
    ).observe({ type: 'layout-shift', buffered: true });
  });
  const read = await metrics(page);
  await page.goto(url, { waitUntil: 'load' });
  const atLoad = await read();
  const requestsAtLoad = requests;
  await page.waitForTimeout(5000);
  const settled = await read();
  const { longTasks, shift } = await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[]; __shift: number };
    return { longTasks: w.__longTasks, shift: w.__shift };
  });
  await browser.close();
  return {
    loadScriptMs: atLoad.ScriptDuration! * 1000,
    loadTaskMs: atLoad.TaskDuration! * 1000,
    longTasks: longTasks.length,
    blockingMs: longTasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0),
    layoutShift: shift,
    requestsAtLoad,
    requests,
    kilobytes: bytes / 1024,
    heapMb: settled.JSHeapUsedSize! / 1024 / 1024,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const dataDir = mkdtempSync(join(tmpdir(), 'confab-impact-'));
const host = await startHostSite();
const sites = loadSites(fileURLToPath(new URL('../demo/sites.json', import.meta.url)));
sites[0]!.allowedOrigins.push(host.origin);
const server = await startServer({ port: 0, dataDir, sites, log: () => {} });
const pages = {
  'without Confab': host.page('/plain', `<!doctype html><title>Plain</title>${ARTICLE}`),
  'with Confab': host.page('/with', `<!doctype html><title>With</title>${ARTICLE}<script async src="${server.url}/loader.js" data-site="demo"></script>`),
};

const results: Record<string, Sample> = {};
for (const [name, url] of Object.entries(pages)) {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await sample(url));
  results[name] = Object.fromEntries(
    Object.keys(samples[0]!).map((key) => [key, median(samples.map((s) => s[key as keyof Sample]))]),
  ) as unknown as Sample;
}
await server.close();
await host.close();
rmSync(dataDir, { recursive: true, force: true });

const rows: [keyof Sample, string, number][] = [
  ['loadTaskMs', 'main-thread work until load (ms)', 1],
  ['loadScriptMs', 'script time until load (ms)', 1],
  ['requestsAtLoad', 'requests until load', 0],
  ['longTasks', 'long tasks (>50 ms), whole run', 0],
  ['blockingMs', 'total blocking time (ms)', 0],
  ['layoutShift', 'layout shift', 3],
  ['requests', 'requests, settled (widget connected)', 0],
  ['kilobytes', 'transferred KB, settled', 1],
  ['heapMb', 'JS heap MB, settled', 2],
];
console.log(`page impact in Chromium, medians of ${RUNS} runs (loopback)`);
console.log(`${'figure'.padEnd(40)}${'without'.padStart(10)}${'with'.padStart(10)}${'added'.padStart(10)}`);
for (const [key, label, digits] of rows) {
  const a = results['without Confab']![key];
  const b = results['with Confab']![key];
  console.log(`${label.padEnd(40)}${a.toFixed(digits).padStart(10)}${b.toFixed(digits).padStart(10)}${(b - a).toFixed(digits).padStart(10)}`);
}
