/**
 * What a returning visitor's long frames are made of, in Chromium at a CPU throttle: a
 * devtools timeline trace (CDP Tracing) of opening the panel, or of scrolling up through
 * the history after it, and every main-thread task over LONG_MS (default 30) cut into
 * script, style, layout, paint and the rest, with how many elements each style and layout
 * pass touched. mount-profile.ts says which functions ran; this says what the browser did
 * with the page they changed. A tool for finding causes, not a figure to compare. `click`
 * traces a new visitor's cold click instead (the widget not loaded before it; messages ignored).
 *
 *   npm run build && npx tsx bench/frame-trace.ts [messages=2000] [open|scroll|click] [rate=4]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server/src/server';
import { loadSites } from '../server/src/sites';
import { connectOperator, startHostSite } from '../tests/support/server';
import { launchBrowser } from '../tests/support/browser';
import { seedReturningVisitor } from '../tests/support/seed';

const messages = Number(process.argv[2] ?? 2000);
const action = process.argv[3] === 'scroll' ? 'scroll' : process.argv[3] === 'click' ? 'click' : 'open';
const rate = Number(process.argv[4] ?? 4);
const LONG_MS = Number(process.env.LONG_MS ?? 30);

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread time: what the main thread spent on the CPU, less moved by the rest of the machine. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { data?: Record<string, unknown>; beginData?: Record<string, unknown>; elementCount?: number };
}

const dataDir = mkdtempSync(join(tmpdir(), 'confab-trace-'));
const host = await startHostSite();
const sites = loadSites(fileURLToPath(new URL('../demo/sites.json', import.meta.url)));
const site = sites[0]!;
site.allowedOrigins.push(host.origin);
const server = await startServer({ port: 0, dataDir, sites, log: () => {} });
const operator = await connectOperator(server.url, site.operators[0]!.login, 'demo');
// A cold click is a new visitor's: nothing stored, and the widget not loaded before the click.
const visitorId =
  action === 'click' ? null : await seedReturningVisitor(server.store, site.id, site.operators[0]!.id, messages);
const url = host.page(
  '/p',
  `<!doctype html><title>p</title>${'<p>Text of the host page.</p>'.repeat(200)}` +
    `<script async src="${server.url}/loader.js" data-site="${site.id}"></script>`,
);

const browser = await launchBrowser();
const context = await browser.newContext();
const page = await context.newPage();
await page.addInitScript({ content: readFileSync(new URL('./support/in-page.js', import.meta.url), 'utf8') });
if (visitorId)
  await page.addInitScript({
    content: `localStorage.setItem(${JSON.stringify(`confab:${site.id}:visitor`)}, ${JSON.stringify(JSON.stringify(visitorId))});`,
  });
else await page.addInitScript({ content: 'window.requestIdleCallback = () => 0;' });
const cdp = await context.newCDPSession(page);
if (rate !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate });
await page.goto(url, { waitUntil: 'load' });
await page.waitForTimeout(5000);

const events: TraceEvent[] = [];
cdp.on('Tracing.dataCollected', ({ value }) => events.push(...(value as unknown as TraceEvent[])));
const traced = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
const startTracing = () =>
  cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'fonts',
        'disabled-by-default-fonts',
      ],
    },
    transferMode: 'ReportEvents',
  });

if (action !== 'scroll') await startTracing();
const openMs = (await page.evaluate('window.__bench.clickToComposer(15000)')) as number;
console.log(
  action === 'click'
    ? `cold click at ${rate}×: click → composer usable, frame rendered: ${openMs.toFixed(0)} ms`
    : `${messages} messages at ${rate}×: open → composer usable, frame rendered: ${openMs.toFixed(0)} ms`,
);
await page.waitForTimeout(1000);
if (action === 'scroll') {
  await startTracing();
  const longest = (await page.evaluate('window.__bench.scrollUp(40, 300)')) as number;
  console.log(`scrolling up 40 frames of 300 px: longest frame ${longest.toFixed(0)} ms`);
  await page.waitForTimeout(1000);
}
await cdp.send('Tracing.end');
await traced;
await browser.close();

// The renderer's main thread: the thread of the first timeline task that ran script.
const main = events.find((e) => e.name === 'FunctionCall' || e.name === 'EvaluateScript');
const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
const tasks = onMain.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) / 1000 >= LONG_MS);
const KINDS: Record<string, string> = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  'v8.compile': 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  UpdateLayer: 'paint',
  CompositeLayers: 'paint',
  MinorGC: 'gc',
  MajorGC: 'gc',
};
// The main thread's CPU from the task that clicked (the first to run script) to the frame the
// composer was usable in: the figure to compare between two builds on a busy machine.
if (action !== 'scroll') {
  const runs = onMain.filter((e) => e.name === 'RunTask');
  const clicked = runs.find((task) =>
    onMain.some((e) => KINDS[e.name] === 'script' && e.ts >= task.ts && e.ts < task.ts + task.dur!),
  );
  const until = (clicked?.ts ?? 0) + openMs * 1000;
  const cpu = runs
    .filter((t) => clicked && t.ts >= clicked.ts && t.ts < until)
    .reduce((sum, t) => sum + (t.tdur ?? 0), 0);
  console.log(`main-thread CPU (thread time) from the click to that frame: ${(cpu / 1000).toFixed(0)} ms`);
  // A font size and weight the page had not drawn yet costs a synchronous round trip to the
  // browser process for its render settings (and a font file the first time): the most of an
  // open's layout was these. Counted, they compare two builds whatever the machine's load.
  const strikes = onMain.filter((e) => e.name === 'WebSandboxSupportLinux::GetWebFontRenderStyleForStrike');
  const lookups = onMain.filter((e) => e.name === 'FontCache::GetFontPlatformData');
  // Nested calls of the same name count once.
  const outer = lookups.filter(
    (e) => !lookups.some((o) => o !== e && o.ts <= e.ts && o.ts + o.dur! >= e.ts + e.dur! && o.dur! > e.dur!),
  );
  console.log(
    `new font strikes in the trace: ${strikes.length}, ${strikes.filter((e) => e.ts < until).length} until that frame; font lookups ${(outer.reduce((sum, e) => sum + e.dur!, 0) / 1000).toFixed(0)} ms`,
  );
}
console.log(`\nmain-thread tasks over ${LONG_MS} ms (start ms after the first, total ms: the parts)`);
const origin = tasks[0]?.ts ?? 0;
for (const task of tasks) {
  const end = task.ts + task.dur!;
  const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end);
  // Outermost of each kind only: a style pass inside a layout, or script inside script, counts once.
  const parts = new Map<string, number>();
  const notes: string[] = [];
  for (const event of inside) {
    const kind = KINDS[event.name];
    if (!kind) continue;
    const nested = inside.some(
      (o) => o !== event && KINDS[o.name] === kind && o.ts <= event.ts && o.ts + o.dur! >= event.ts + event.dur!,
    );
    if (nested) continue;
    // THREAD_TIME=1: the parts in thread time (CPU), which a busy machine moves less.
    parts.set(kind, (parts.get(kind) ?? 0) + (process.env.THREAD_TIME ? (event.tdur ?? 0) : event.dur!) / 1000);
    const ms = event.dur! / 1000;
    if (ms < 3) continue;
    if (event.name === 'UpdateLayoutTree')
      notes.push(`style ${ms.toFixed(0)} ms, ${event.args?.elementCount ?? '?'} elements`);
    if (event.name === 'Layout') {
      const data = event.args?.beginData ?? {};
      notes.push(`layout ${ms.toFixed(0)} ms, ${data.dirtyObjects ?? '?'}/${data.totalObjects ?? '?'} objects dirty`);
    }
  }
  const summary = [...parts].map(([kind, ms]) => `${kind} ${ms.toFixed(0)}`).join(', ');
  console.log(
    `  +${((task.ts - origin) / 1000).toFixed(0).padStart(5)}  ${(task.dur! / 1000).toFixed(0).padStart(4)} ms: ${summary}`,
  );
  for (const note of notes) console.log(`           ${note}`);
  if (process.env.NAMES) {
    const byName = new Map<string, number>();
    for (const event of inside) byName.set(event.name, (byName.get(event.name) ?? 0) + event.dur! / 1000);
    console.log(
      [...byName]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([n, ms]) => `${n} ${ms.toFixed(1)}`)
        .join(', '),
    );
  }
}

operator.socket.disconnect();
await server.close();
await host.close();
rmSync(dataDir, { recursive: true, force: true });
