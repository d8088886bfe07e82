/**
 * Where the widget's main-thread time goes after `load`, in Chromium at a CPU throttle:
 * a sampled CPU profile of one page view, cut into busy stretches (samples between two
 * idle samples: about one task, or several back to back). Every stretch over 50 ms is
 * listed with the functions that took most of it (self time, with the widget's own
 * module where the bundle's source map knows it). A tool for finding a long task's
 * cause, not a figure to compare: page-impact.ts measures, this explains.
 *
 *   npm run build && npx tsx bench/mount-profile.ts [rate=4] [variant=confab|floor] [click|returning=N [scroll|load]]
 *
 * With `click`, the widget is not loaded at idle time; the profile covers a click on the
 * launcher (the cold click) until the composer is usable, and prints that time. With
 * `returning=N`, a visitor with N stored messages loads the page, the widget mounts and
 * settles, and the profile covers opening the panel (open → first frame); with `scroll`
 * after that, it covers scrolling up through the history instead; with `load`, the page
 * load and the mount with that visitor's session arriving, the panel left closed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server/src/server';
import { loadSites } from '../server/src/sites';
import { connectOperator, startHostSite } from '../tests/support/server';
import { launchBrowser } from '../tests/support/browser';
import { buildFloor } from './floor/build';
import { seedReturningVisitor } from '../tests/support/seed';

const rate = Number(process.argv[2] ?? 4);
const variant = process.argv[3] ?? 'confab';
const coldClick = process.argv[4] === 'click';
const returningCount = Number(process.argv[4]?.match(/^returning=(\d+)$/)?.[1] ?? 0);
/** With `returning=N scroll`: the profile covers scrolling up through the history after opening, not the opening. */
const scrolling = returningCount > 0 && process.argv[5] === 'scroll';
/** With `returning=N load`: the profile covers the page load and the session's arrival, the panel left closed. */
const returningLoad = returningCount > 0 && process.argv[5] === 'load';
const AFTER_LOAD_MS = 5000;
/** Busy stretches from this long are listed (LONG_MS=20 to see the shorter ones too). */
const LONG_MS = Number(process.env.LONG_MS ?? 50);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const dataDir = mkdtempSync(join(tmpdir(), 'confab-profile-'));
const floorDir = mkdtempSync(join(tmpdir(), 'confab-floor-'));
if (variant === 'floor') await buildFloor(floorDir);
const host = await startHostSite();
const cdn = await startHostSite();
for (const file of readdirSync(floorDir))
  cdn.page(`/${file}`, readFileSync(join(floorDir, file), 'utf8'), {
    'Content-Type': 'text/javascript',
    'Access-Control-Allow-Origin': '*',
  });
const sites = loadSites(fileURLToPath(new URL('../demo/sites.json', import.meta.url)));
const site = sites[0]!;
site.allowedOrigins.push(host.origin);
const server = await startServer({ port: 0, dataDir, sites, log: () => {} });
const operator = await connectOperator(server.url, site.operators[0]!.login, 'demo');
const tag =
  variant === 'floor'
    ? `<script type="module" async src="${cdn.origin}/loader.js" data-floor-server="${server.url}"></script>`
    : `<script async src="${server.url}/loader.js" data-site="${site.id}"></script>`;
const url = host.page('/p', `<!doctype html><title>p</title>${'<p>Text of the host page.</p>'.repeat(200)}${tag}`);

const browser = await launchBrowser();
const context = await browser.newContext();
const page = await context.newPage();
await page.addInitScript({
  content: `window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });`,
});
// Long animation frames name the scripts that ran in them (source URL, function, entry point):
// who a long task belongs to, the page's renderer or the widget.
await page.addInitScript({
  content: `window.__frames = []; try { new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__frames.push({ start: e.startTime, duration: e.duration, blocking: e.blockingDuration, render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0, scripts: e.scripts.map((s) => ({ invoker: s.invoker, type: s.invokerType, source: (s.sourceURL || '').split('/').pop(), fn: s.sourceFunctionName, duration: s.duration, compile: s.executionStart - s.startTime, layout: s.forcedStyleAndLayoutDuration })) }); }).observe({ type: 'long-animation-frame', buffered: true }); } catch {}`,
});
await page.addInitScript({ content: readFileSync(new URL('./support/in-page.js', import.meta.url), 'utf8') });
if (coldClick) await page.addInitScript({ content: 'window.requestIdleCallback = () => 0;' });
if (returningCount) {
  const id = await seedReturningVisitor(server.store, site.id, site.operators[0]!.id, returningCount);
  await page.addInitScript({
    content: `localStorage.setItem(${JSON.stringify(`confab:${site.id}:visitor`)}, ${JSON.stringify(JSON.stringify(id))}); localStorage.setItem('floor:visitor', ${JSON.stringify(id)});`,
  });
}
const cdp = await context.newCDPSession(page);
if (rate !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate });
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await page.goto('about:blank');
if (coldClick) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(1000);
  await cdp.send('Profiler.start');
  const ms = (await page.evaluate('window.__bench.clickToComposer(15000)')) as number;
  console.log(`cold click → composer usable: ${ms.toFixed(0)} ms`);
  await page.waitForTimeout(1000);
} else if (returningCount && !returningLoad) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(AFTER_LOAD_MS);
  if (!scrolling) await cdp.send('Profiler.start');
  const ms = (await page.evaluate('window.__bench.clickToComposer(15000)')) as number;
  console.log(
    `returning visitor (${returningCount} messages): open → composer usable, frame rendered: ${ms.toFixed(0)} ms`,
  );
  await page.waitForTimeout(1000);
  if (scrolling) {
    await cdp.send('Profiler.start');
    const longest = (await page.evaluate('window.__bench.scrollUp(40, 300)')) as number;
    console.log(`scrolling up 40 frames of 300 px: longest frame ${longest.toFixed(0)} ms`);
    await page.waitForTimeout(1000);
  }
} else {
  await cdp.send('Profiler.start');
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(AFTER_LOAD_MS);
}
const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
interface Frame {
  start: number;
  duration: number;
  blocking: number;
  render: number;
  scripts: {
    invoker: string;
    type: string;
    source: string;
    fn: string;
    duration: number;
    compile: number;
    layout: number;
  }[];
}
const { long, load, frames } = (await page.evaluate(
  `({ long: window.__long, frames: window.__frames, load: performance.getEntriesByType('navigation')[0].loadEventStart })`,
)) as { long: [number, number][]; load: number; frames: Frame[] };
await browser.close();

console.log(`${variant} at ${rate}×: load at ${load.toFixed(0)} ms`);
console.log(
  `long tasks (start ms, duration ms): ${long.map(([s, d]) => `${s.toFixed(0)}+${d.toFixed(0)}${s >= load ? '' : ' (before load)'}`).join(', ') || 'none'}`,
);

console.log('long animation frames (ms from navigation; the scripts in them, with compile time before execution):');
for (const f of frames) {
  console.log(
    `  ${f.start.toFixed(0)}+${f.duration.toFixed(0)} (blocking ${f.blocking.toFixed(0)}, render ${f.render.toFixed(0)})${f.start >= load ? '' : ' before load'}`,
  );
  for (const s of f.scripts)
    console.log(
      `      ${s.duration.toFixed(0).padStart(4)} ms  ${s.type} ${s.invoker} ${s.source} ${s.fn}${s.compile >= 1 ? ` (compile ${s.compile.toFixed(0)} ms)` : ''}${s.layout >= 1 ? ` (forced layout ${s.layout.toFixed(0)} ms)` : ''}`,
    );
}

/** Decodes a source map's `mappings` into, per generated line, [column, source, line] sorted by column. */
function decodeMappings(mappings: string): [number, number, number][][] {
  const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let source = 0;
  let line = 0;
  return mappings.split(';').map((text) => {
    let column = 0;
    const segments: [number, number, number][] = [];
    for (const segment of text.split(',')) {
      if (!segment) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = shift = 0;
        }
      }
      column += values[0]!;
      if (values.length < 4) continue;
      source += values[1]!;
      line += values[2]!;
      segments.push([column, source, line]);
    }
    return segments;
  });
}
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const maps = new Map<string, { sources: string[]; lines: [number, number, number][][] } | null>();
/** `file:line` of the source a bundle position came from, where the built source map says. */
function original(url: string, line: number, column: number): string {
  const file = url.match(/\/(loader\.js|widget\/[^/?]+\.js)/)?.[1];
  if (!file) return '';
  if (!maps.has(file)) {
    try {
      const map = JSON.parse(readFileSync(join(dist, `${file}.map`), 'utf8')) as {
        sources: string[];
        mappings: string;
      };
      maps.set(file, { sources: map.sources, lines: decodeMappings(map.mappings) });
    } catch {
      maps.set(file, null);
    }
  }
  const map = maps.get(file);
  const segments = map?.lines[line];
  if (!map || !segments?.length) return '';
  let hit = segments[0]!;
  for (const segment of segments) if (segment[0] <= column) hit = segment;
  const source = map.sources[hit[1]]!.replace(/^(\.\.\/)+/, '').replace(/.*node_modules\//, '');
  return ` <${source}:${hit[2] + 1}>`;
}

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n: Node) => {
  const file = n.callFrame.url.split('/').pop() || '';
  const { functionName, url, lineNumber, columnNumber } = n.callFrame;
  return `${functionName || '(anonymous)'} ${file}${original(url, lineNumber, columnNumber)}`;
};
/** The outermost frame with a URL: which script's task this is. */
const entry = (id: number) => {
  let outer: Node | undefined;
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const n = byId.get(at)!;
    if (n.callFrame.url) outer = n;
  }
  return outer ? name(outer) : name(byId.get(id)!);
};

/**
 * What the widget's wiring functions spent their time on: inclusive time of each function
 * they called directly (mount in src/widget/index.tsx, the models' factory in widget.ts).
 */
const WIRING = new RegExp(process.env.WIRING ?? '<src/widget/(index\\.tsx|widget\\.ts):');
const calledBy = new Map<string, Map<string, number>>();
const wiringCalls = (id: number, delta: number) => {
  const seen = new Set<string>();
  for (let child = id, at = parent.get(id); at !== undefined; child = at, at = parent.get(at)) {
    const caller = name(byId.get(at)!);
    if (!WIRING.test(caller)) continue;
    const callee = name(byId.get(child)!);
    const key = `${caller} -> ${callee}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const calls = calledBy.get(caller) ?? new Map<string, number>();
    calls.set(callee, (calls.get(callee) ?? 0) + delta);
    calledBy.set(caller, calls);
  }
};

let stretch: { start: number; micros: number; self: Map<string, number>; entries: Map<string, number> } | null = null;
let clock = 0;
const report = () => {
  if (!stretch || stretch.micros / 1000 < LONG_MS) return;
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `      ${(v / 1000).toFixed(1).padStart(6)} ms  ${k}`)
      .join('\n');
  console.log(
    `\nbusy ${(stretch.micros / 1000).toFixed(0)} ms from ${(stretch.start / 1000).toFixed(0)} ms into the profile\n    by task entry:\n${top(stretch.entries, 6)}\n    by function (self):\n${top(stretch.self, 12)}`,
  );
};
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  clock += delta;
  const node = byId.get(id)!;
  if (node.callFrame.functionName === '(idle)') {
    report();
    stretch = null;
    return;
  }
  stretch ??= { start: clock, micros: 0, self: new Map(), entries: new Map() };
  stretch.micros += delta;
  const self = name(node);
  stretch.self.set(self, (stretch.self.get(self) ?? 0) + delta);
  const outer = entry(id);
  stretch.entries.set(outer, (stretch.entries.get(outer) ?? 0) + delta);
  wiringCalls(id, delta);
});
report();
/**
 * TREE=regex: the call tree below the outermost frame matching it, inclusive ms per node
 * (nodes of at least TREE_MS, default 1 ms), for following a slice's time down to its cause.
 */
const TREE = process.env.TREE ? new RegExp(process.env.TREE) : null;
if (TREE) {
  interface TreeNode {
    micros: number;
    children: Map<string, TreeNode>;
  }
  const tree: TreeNode = { micros: 0, children: new Map() };
  profile.samples.forEach((id, i) => {
    const stack: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.unshift(name(byId.get(at)!));
    const from = stack.findIndex((frame) => TREE.test(frame));
    if (from < 0) return;
    let node = tree;
    for (const frame of stack.slice(from)) {
      node.micros += profile.timeDeltas[i] ?? 0;
      const child = node.children.get(frame) ?? { micros: 0, children: new Map() };
      node.children.set(frame, child);
      node = child;
    }
    node.micros += profile.timeDeltas[i] ?? 0;
  });
  const least = Number(process.env.TREE_MS ?? 1) * 1000;
  const print = (node: TreeNode, depth: number) => {
    for (const [frame, child] of [...node.children].sort((a, b) => b[1].micros - a[1].micros)) {
      if (child.micros < least) continue;
      console.log(`${'  '.repeat(depth)}${(child.micros / 1000).toFixed(1).padStart(6)} ms  ${frame}`);
      print(child, depth + 1);
    }
  };
  console.log(`\ncall tree below ${TREE} (inclusive):`);
  print(tree, 1);
}

/**
 * Each slice of mounting (a function src/widget/slices.ts runs) as it ran: consecutive
 * samples below the same slice, with its time. Slices of a task of their own each, so
 * this is about each task's share that is the widget's own code.
 */
{
  const isRun = (n: Node) => /<src\/widget\/slices\.ts:/.test(name(n)) && !/slices\.ts:4[0-9]>$/.test('');
  const runs: { slice: string; start: number; micros: number }[] = [];
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    let child: Node | undefined;
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const up = parent.get(node);
      if (up !== undefined && isRun(byId.get(up)!) && !isRun(byId.get(node)!)) {
        child = byId.get(node);
        break;
      }
    }
    if (!child) return;
    const slice = name(child);
    const last = runs.at(-1);
    if (last && last.slice === slice && at - delta - (last.start + last.micros) < 2000) last.micros += delta;
    else runs.push({ slice, start: at - delta, micros: delta });
  });
  if (runs.length) {
    console.log('\nslices of mounting as they ran (ms into the profile, ms):');
    for (const r of runs)
      if (r.micros >= 500)
        console.log(
          `  ${(r.start / 1000).toFixed(0).padStart(6)} ${(r.micros / 1000).toFixed(1).padStart(6)} ms  ${r.slice}`,
        );
  }
}

/** SELF=regex: self time by function below the outermost frame matching it (what a slice spends its own time on). */
const SELF = process.env.SELF ? new RegExp(process.env.SELF) : null;
if (SELF) {
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    let under = false;
    for (let at: number | undefined = id; at !== undefined && !under; at = parent.get(at))
      under = SELF.test(name(byId.get(at)!));
    if (!under) return;
    const own = name(byId.get(id)!);
    self.set(own, (self.get(own) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\nself time below ${SELF}: ${(total / 1000).toFixed(1)} ms`);
  for (const [frame, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`  ${(micros / 1000).toFixed(1).padStart(6)} ms  ${frame}`);
}

for (const [caller, calls] of calledBy) {
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  if (total < 2000) continue;
  console.log(`\n${caller}: ${(total / 1000).toFixed(1)} ms in the functions it called (inclusive)`);
  for (const [callee, micros] of [...calls].sort((a, b) => b[1] - a[1]).slice(0, 14))
    console.log(`  ${(micros / 1000).toFixed(1).padStart(6)} ms  ${callee}`);
}

operator.socket.disconnect();
await server.close();
await Promise.all([host.close(), cdn.close()]);
rmSync(dataDir, { recursive: true, force: true });
rmSync(floorDir, { recursive: true, force: true });
