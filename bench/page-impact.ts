/**
 * What the widget costs a host page, in Chromium, side by side with the same page without
 * any widget and with the "floor" (bench/floor/: about the least a Preact + signals +
 * socket.io-client chat widget can do, built here from the same dependency versions).
 * Every sample gets a fresh browser and profile; variants are interleaved run by run;
 * figures are medians with (min–max). Ratios are to the floor, so a noisy machine still
 * shows the trend. Asserts nothing: timing stays out of the test suite.
 *
 *   page impact   1× and 4× CPU throttle (a mid-range phone), IMPACT_RUNS runs (default 3; 0 skips)
 *   cold click    launcher clicked before the widget was imported → composer usable,
 *                 1× and 4×, CLICK_RUNS runs (default 3; 0 skips)
 *   returning     visitors with 200 and 2,000 stored messages at 4×, RETURNING_RUNS (default 2; 0 skips)
 *
 *   npm run bench   (needs /usr/bin/chromium)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { startServer } from '../server/src/server';
import { loadSites } from '../server/src/sites';
import { connectOperator, startHostSite } from '../tests/support/server';
import { launchBrowser } from '../tests/support/browser';
import { buildFloor } from './floor/build';
import { seedReturningVisitor } from '../tests/support/seed';
import { median, printTable, ratio, rotate, spread } from './support/stats';

const runs = (name: string, fallback: number, least = 1) =>
  Math.max(least, Math.min(50, Number(process.env[name] ?? fallback)));
/** 0 leaves a section out (while working on another). */
const IMPACT_RUNS = runs('IMPACT_RUNS', 3, 0);
const CLICK_RUNS = runs('CLICK_RUNS', 3, 0);
/** 0 leaves the returning visitors out (they take longest). */
const RETURNING_RUNS = runs('RETURNING_RUNS', 2, 0);
/** IMPACT_RATES=4 measures at 4× only (comparing two builds back to back). */
const RATES = (process.env.IMPACT_RATES ?? '1,4').split(',').map(Number);
/** The window after `load` in which long tasks and main-thread work are counted. */
const AFTER_LOAD_MS = 5000;
const TIMEOUT_MS = 15_000;
const IN_PAGE = readFileSync(new URL('./support/in-page.js', import.meta.url), 'utf8');
const ARTICLE = `<h1>An ordinary article</h1>${'<p>Some text of the host page, long enough to lay out.</p>'.repeat(60)}`;

type Variant = 'none' | 'confab' | 'floor';
const LABEL: Record<Variant, string> = { none: 'no widget', confab: 'Confab', floor: 'floor' };

interface Tab {
  page: Page;
  cdp: CDPSession;
  metrics(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** A fresh browser and profile, the in-page hooks installed, the CPU throttled by `rate`. */
async function openTab(rate: number, initScripts: string[] = []): Promise<Tab> {
  const browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const content of [IN_PAGE, ...initScripts]) await page.addInitScript({ content });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  if (rate !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return {
    page,
    cdp,
    async metrics() {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
    },
    close: () => browser.close(),
  };
}

/** Waits until the main thread has done less than 3 ms of work in each of two 500 ms spans. */
async function untilQuiet(tab: Tab): Promise<void> {
  const start = Date.now();
  let last = (await tab.metrics()).TaskDuration!;
  let quiet = 0;
  while (quiet < 2 && Date.now() - start < TIMEOUT_MS) {
    await tab.page.waitForTimeout(500);
    const now = (await tab.metrics()).TaskDuration!;
    quiet = (now - last) * 1000 < 3 ? quiet + 1 : 0;
    last = now;
  }
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { isMainFrame?: boolean } };
}

/**
 * Records the renderer's tasks (Chromium's timeline trace) until the returned stop is
 * called. Their thread time (`tdur`, CPU the main thread used) moves less with other
 * processes on the machine than wall-clock durations do: on a busy machine the figure to
 * compare two builds by. (Under the CPU throttle it is not the phone's time: the throttle
 * suspends the thread, and what it counts is not a fixed fraction.)
 */
async function traceTasks(tab: Tab): Promise<() => Promise<{ load: number; cpu: [start: number, ms: number][] }>> {
  const events: TraceEvent[] = [];
  tab.cdp.on('Tracing.dataCollected', (event) => events.push(...(event.value as unknown as TraceEvent[])));
  await tab.cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  return async () => {
    const complete = new Promise((resolve) => tab.cdp.once('Tracing.tracingComplete', resolve));
    await tab.cdp.send('Tracing.end');
    await complete;
    const load = events.find((e) => e.name === 'MarkLoad' && e.args?.data?.isMainFrame);
    if (!load) return { load: NaN, cpu: [] };
    const main = events.find(
      (e) => e.name === 'thread_name' && e.pid === load.pid && e.args?.name === 'CrRendererMain',
    );
    const cpu = events
      .filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.pid === load.pid && e.tid === (main?.tid ?? load.tid))
      .map((e): [number, number] => [(e.ts - load.ts) / 1000, (e.tdur ?? 0) / 1000]);
    return { load: load.ts / 1000, cpu };
  };
}

// ---- set-up: the demo server, an operator online, a host site, the floor on its own origin

const floorDir = mkdtempSync(join(tmpdir(), 'confab-floor-'));
await buildFloor(floorDir);
const dataDir = mkdtempSync(join(tmpdir(), 'confab-impact-'));
const host = await startHostSite();
const cdn = await startHostSite();
for (const file of readdirSync(floorDir)) {
  const headers = { 'Content-Type': 'text/javascript', 'Access-Control-Allow-Origin': '*' };
  cdn.page(`/${file}`, readFileSync(join(floorDir, file), 'utf8'), headers);
}
const sites = loadSites(fileURLToPath(new URL('../demo/sites.json', import.meta.url)));
const site = sites[0]!;
site.allowedOrigins.push(host.origin);
const server = await startServer({ port: 0, dataDir, sites, log: () => {} });
// The first requests to the demo server pay for cold file reads and compression code: make them before measuring.
const built = [
  'loader.js',
  ...readdirSync(fileURLToPath(new URL('../dist/widget/', import.meta.url)))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `widget/${f}`),
];
for (const file of built)
  await (await fetch(`${server.url}/${file}`, { headers: { 'Accept-Encoding': 'br, gzip' } })).arrayBuffer();
// With an operator online both widgets open on the chat (not the offline request form).
const operator = await connectOperator(server.url, site.operators[0]!.login, 'demo');

const WIDGET: Record<Variant, string> = {
  none: '',
  confab: `<script async src="${server.url}/loader.js" data-site="${site.id}"></script>`,
  floor: `<script type="module" async src="${cdn.origin}/loader.js" data-floor-server="${server.url}"></script>`,
};
const pages = Object.fromEntries(
  (Object.keys(WIDGET) as Variant[]).map((v) => [
    v,
    host.page(`/${v}`, `<!doctype html><title>${v}</title>${ARTICLE}${WIDGET[v]}`),
  ]),
) as Record<Variant, string>;

console.log(
  `page impact in Chromium (loopback, fresh profile per sample, interleaved runs; median (min–max)); ` +
    `IMPACT_RUNS=${IMPACT_RUNS} CLICK_RUNS=${CLICK_RUNS} RETURNING_RUNS=${RETURNING_RUNS}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
console.log(
  `floor widget: bench/floor/, built now with rollup from the repository's dependency versions, on the demo server's /visitor namespace`,
);

// ---- page impact

interface ImpactSample {
  requestsAtLoad: number;
  workToLoad: number;
  launcherAt: number;
  longTasks: number;
  longTaskMs: number;
  longestTask: number;
  /** Long tasks whose main script is the widget's own (long animation frame attribution). */
  widgetLongTasks: number;
  widgetLongestTask: number;
  workAfterLoad: number;
  layoutShift: number;
  /** Thread time of the renderer's main thread in the window after load (CPU ms). */
  cpuAfterLoad: number;
  requests: number;
  kilobytes: number;
  heapMb: number;
}

async function impactSample(variant: Variant, rate: number): Promise<ImpactSample> {
  const tab = await openTab(rate);
  let requests = 0;
  let bytes = 0;
  tab.page.on('requestfinished', async (request) => {
    requests++;
    const sizes = await request.sizes().catch(() => null);
    bytes += sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0;
  });
  try {
    const stopTrace = await traceTasks(tab);
    await tab.page.goto(pages[variant], { waitUntil: 'load' });
    const requestsAtLoad = requests;
    const atLoad = await tab.metrics();
    await tab.page.waitForTimeout(AFTER_LOAD_MS);
    const settled = await tab.metrics();
    const summary = (await tab.page.evaluate(`window.__bench.summary(${AFTER_LOAD_MS})`)) as {
      launcherAt: number | null;
      longTasksAfterLoad: number[];
      longTasks: { start: number; duration: number; widget: boolean; scripts: string[] }[];
      layoutShift: number;
    };
    const tasks = summary.longTasksAfterLoad;
    const widgetTasks = summary.longTasks.filter((t) => t.widget).map((t) => t.duration);
    for (const t of summary.longTasks)
      console.log(
        `  ${variant} at ${rate}×: long task ${t.duration.toFixed(0)} ms at load+${t.start.toFixed(0)} ms, ${t.widget ? "the widget's" : "not the widget's"}: ${t.scripts.join(', ') || 'no script (rendering, parsing, the browser)'}; load average ${loadavg()[0]!.toFixed(1)}`,
      );
    const { cpu } = await stopTrace();
    const afterLoad = cpu.filter(([start]) => start >= 0 && start < AFTER_LOAD_MS).map(([, ms]) => ms);
    console.log(
      `  ${variant} at ${rate}×: work after load ${((settled.TaskDuration! - atLoad.TaskDuration!) * 1000).toFixed(0)} ms, CPU ${afterLoad.reduce((a, b) => a + b, 0).toFixed(0)} ms, long tasks [${tasks.map((d) => d.toFixed(0)).join(', ')}]; load average ${loadavg()[0]!.toFixed(1)}`,
    );
    return {
      cpuAfterLoad: afterLoad.reduce((a, b) => a + b, 0),
      requestsAtLoad,
      workToLoad: atLoad.TaskDuration! * 1000,
      launcherAt: summary.launcherAt ?? NaN,
      longTasks: tasks.length,
      longTaskMs: tasks.reduce((a, b) => a + b, 0),
      longestTask: Math.max(0, ...tasks),
      widgetLongTasks: widgetTasks.length,
      widgetLongestTask: Math.max(0, ...widgetTasks),
      workAfterLoad: (settled.TaskDuration! - atLoad.TaskDuration!) * 1000,
      layoutShift: summary.layoutShift,
      requests,
      kilobytes: bytes / 1024,
      heapMb: settled.JSHeapUsedSize! / 1024 / 1024,
    };
  } finally {
    await tab.close();
  }
}

const VARIANTS: Variant[] = ['none', 'confab', 'floor'];
for (const rate of IMPACT_RUNS ? RATES : []) {
  const samples: Record<Variant, ImpactSample[]> = { none: [], confab: [], floor: [] };
  for (let run = 0; run < IMPACT_RUNS; run++) {
    for (const variant of rotate(VARIANTS, run)) samples[variant].push(await impactSample(variant, rate));
  }
  const of = (v: Variant, key: keyof ImpactSample) => samples[v].map((s) => s[key]);
  /** Per run, what the widget added over the page without one (runs are interleaved, so paired). */
  const added = (v: Variant, key: keyof ImpactSample) => samples[v].map((s, i) => s[key] - samples.none[i]![key]);
  const row = (label: string, pick: (v: Variant) => number[], digits = 0, withRatio = true): string[] => [
    label,
    ...VARIANTS.map((v) => spread(pick(v), digits)),
    withRatio ? ratio(median(pick('confab')), median(pick('floor'))) : '',
  ];
  printTable(
    `page impact at ${rate}× CPU`,
    ['figure', ...VARIANTS.map((v) => LABEL[v]), 'Confab/floor'],
    [
      row('requests until load', (v) => of(v, 'requestsAtLoad'), 0, false),
      row('main-thread work until load (ms)', (v) => of(v, 'workToLoad'), 0, false),
      row('  added by the widget (ms)', (v) => added(v, 'workToLoad')),
      row('launcher in a frame (ms from navigation)', (v) => of(v, 'launcherAt')),
      row(`long tasks >50 ms in ${AFTER_LOAD_MS / 1000} s after load`, (v) => of(v, 'longTasks')),
      row('  their total (ms)', (v) => of(v, 'longTaskMs')),
      row('  the longest (ms)', (v) => of(v, 'longestTask')),
      row("  of them the widget's scripts' (LoAF)", (v) => of(v, 'widgetLongTasks')),
      row("  the widget's longest (ms)", (v) => of(v, 'widgetLongestTask')),
      row(`main-thread work in ${AFTER_LOAD_MS / 1000} s after load (ms)`, (v) => of(v, 'workAfterLoad'), 0, false),
      row('  added by the widget (ms)', (v) => added(v, 'workAfterLoad')),
      row(`CPU (thread) ms in ${AFTER_LOAD_MS / 1000} s after load`, (v) => of(v, 'cpuAfterLoad'), 0, false),
      row('  added by the widget (ms)', (v) => added(v, 'cpuAfterLoad')),
      row('layout shift', (v) => of(v, 'layoutShift'), 3, false),
      row('requests after that (widget connected)', (v) => of(v, 'requests'), 0, false),
      row('  transferred KB, added by the widget', (v) => added(v, 'kilobytes'), 1),
      row('JS heap after that (MB)', (v) => of(v, 'heapMb'), 2, false),
      row('  added by the widget (MB)', (v) => added(v, 'heapMb'), 2),
    ],
    [44, 20, 20, 20, 14],
  );
}

// ---- cold click: the widget not yet imported (idle-time loading switched off for both)

const NO_IDLE_LOAD = 'window.requestIdleCallback = () => 0;';

async function clickSample(variant: Variant, rate: number): Promise<number> {
  const tab = await openTab(rate, [NO_IDLE_LOAD]);
  try {
    await tab.page.goto(pages[variant], { waitUntil: 'load' });
    await tab.page.waitForTimeout(300);
    const imported = (await tab.page.evaluate(
      `performance.getEntriesByType('resource').some((r) => /\\/widget\\/|\\/panel\\.js/.test(r.name))`,
    )) as boolean;
    if (imported) throw new Error(`${variant}: the widget was imported before the click`);
    return (await tab.page.evaluate(`window.__bench.clickToComposer(${TIMEOUT_MS})`)) as number;
  } finally {
    await tab.close();
  }
}

const CLICKED: Variant[] = ['confab', 'floor'];
const clickRows: string[][] = [];
for (const rate of CLICK_RUNS ? RATES : []) {
  const samples: Record<string, number[]> = { confab: [], floor: [] };
  for (let run = 0; run < CLICK_RUNS; run++) {
    for (const variant of rotate(CLICKED, run)) samples[variant]!.push(await clickSample(variant, rate));
  }
  clickRows.push([
    `click → composer usable at ${rate}× (ms)`,
    spread(samples.confab!),
    spread(samples.floor!),
    ratio(median(samples.confab!), median(samples.floor!)),
  ]);
}
if (CLICK_RUNS)
  printTable(
    'cold click (widget not imported before the click)',
    ['figure', 'Confab', 'floor', 'Confab/floor'],
    clickRows,
    [44, 20, 20, 14],
  );

// ---- returning visitors, at 4×

if (RETURNING_RUNS > 0) await returningVisitors();

async function returningVisitors() {
  const RETURNING_RATE = 4;
  interface Returning {
    variant: Variant;
    messages: number;
    visitorId?: string;
  }
  interface ReturningSample {
    heapMb: number;
    shadowNodes: number;
    openMs: number;
    newestInView: number;
    longestScrollFrame: number;
  }

  const returning: Returning[] = [
    { variant: 'none', messages: 0 },
    ...[0, 200, 2000].map((messages) => ({ variant: 'confab' as const, messages })),
    { variant: 'floor', messages: 2000 },
  ];
  const visitorFor = new Map<number, string>();
  for (const count of [200, 2000])
    visitorFor.set(count, await seedReturningVisitor(server.store, site.id, site.operators[0]!.id, count));

  async function returningSample({ variant, messages }: Returning): Promise<ReturningSample> {
    // A visitor with no messages gets a new id from the widget; the others are given theirs.
    const id = visitorFor.get(messages);
    const remember = id
      ? `if (location.origin === ${JSON.stringify(host.origin)}) {
         localStorage.setItem(${JSON.stringify(`confab:${site.id}:visitor`)}, ${JSON.stringify(JSON.stringify(id))});
         localStorage.setItem('floor:visitor', ${JSON.stringify(id)});
       }`
      : '';
    const tab = await openTab(RETURNING_RATE, [remember]);
    try {
      await tab.page.goto(pages[variant], { waitUntil: 'load' });
      await untilQuiet(tab);
      await tab.cdp.send('HeapProfiler.collectGarbage');
      const heapMb = (await tab.metrics()).JSHeapUsedSize! / 1024 / 1024;
      const shadowNodes = (await tab.page.evaluate('window.__bench.shadowNodes()')) as number;
      if (variant === 'none') return { heapMb, shadowNodes, openMs: NaN, newestInView: NaN, longestScrollFrame: NaN };
      const openMs = (await tab.page.evaluate(`window.__bench.clickToComposer(${TIMEOUT_MS})`)) as number;
      await tab.page.waitForTimeout(500);
      const marker = `Message ${messages} of ${messages}`;
      const newestInView = messages
        ? Number(await tab.page.evaluate(`window.__bench.inView(${JSON.stringify(marker)})`))
        : NaN;
      const longest = (await tab.page.evaluate('window.__bench.scrollUp(40, 300)')) as number | null;
      return { heapMb, shadowNodes, openMs, newestInView, longestScrollFrame: longest ?? NaN };
    } finally {
      await tab.close();
    }
  }

  const returningSamples = returning.map(() => [] as ReturningSample[]);
  for (let run = 0; run < RETURNING_RUNS; run++) {
    for (const index of rotate([...returning.keys()], run))
      returningSamples[index]!.push(await returningSample(returning[index]!));
  }
  const heapOfPlainPage = median(returningSamples[0]!.map((s) => s.heapMb));
  const confabNew = returning.findIndex((r) => r.variant === 'confab' && r.messages === 0);
  const heapOfNewVisitor = median(returningSamples[confabNew]!.map((s) => s.heapMb));
  printTable(
    `returning visitor at ${RETURNING_RATE}× CPU (the session brings the newest 50 messages, older pages come on scroll-up); the panel closed, then opened`,
    [
      'variant',
      'heap +MB vs page',
      '+MB vs new visitor',
      'shadow nodes',
      'open→frame ms',
      'newest in view',
      'longest scroll frame ms',
    ],
    returning.map((r, i) => {
      const s = returningSamples[i]!;
      return [
        `${LABEL[r.variant]}${r.variant === 'none' ? '' : `, ${r.messages} messages`}`,
        spread(
          s.map((x) => x.heapMb - heapOfPlainPage),
          2,
        ),
        r.variant === 'confab'
          ? spread(
              s.map((x) => x.heapMb - heapOfNewVisitor),
              2,
            )
          : '',
        spread(s.map((x) => x.shadowNodes)),
        spread(s.map((x) => x.openMs)),
        r.messages ? `${s.filter((x) => x.newestInView === 1).length}/${s.length} runs` : '',
        spread(s.map((x) => x.longestScrollFrame)),
      ];
    }),
    [26, 20, 20, 18, 18, 16, 24],
  );
}

console.log(
  `\nload average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
operator.socket.disconnect();
await server.close();
await Promise.all([host.close(), cdn.close()]);
rmSync(dataDir, { recursive: true, force: true });
rmSync(floorDir, { recursive: true, force: true });
