/**
 * Where a server's CPU time went: sums the self time of a V8 `.cpuprofile` (written by
 * `node --cpu-prof`) by function and by package, largest first.
 *
 *   npx tsx bench/support/profile-summary.ts <file.cpuprofile> [top=30] [--longest-stall] [--last=SECONDS]
 *
 * With --longest-stall only the longest stretch without an idle sample counts (the
 * event loop's longest stall, such as a mass disconnect), and the time spent under each
 * of the server's own functions (inclusive, callees counted) is listed too, so the
 * stall can be split between our handlers and the libraries' own work. --last=SECONDS
 * looks only at the profile's last seconds (the benchmark's disconnect comes last; the
 * start-up's module loading would otherwise be the longest stretch).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const args = process.argv.slice(2);
const longestStall = args.includes('--longest-stall');
const lastSeconds = Number(args.find((arg) => arg.startsWith('--last='))?.slice('--last='.length) ?? Infinity);
const [file, topArg] = args.filter((arg) => !arg.startsWith('--'));
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top] [--longest-stall]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(topArg ?? 30);

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const isIdle = (id: number) => byId.get(id)!.callFrame.functionName === '(idle)';

/** The samples counted: all, or the longest run of consecutive busy ones. */
function countedSamples(): { from: number; to: number } {
  let first = profile.samples.length;
  for (let left = lastSeconds * 1e6; first > 0 && left > 0; first--) left -= profile.timeDeltas[first - 1] ?? 0;
  if (!longestStall) return { from: first, to: profile.samples.length };
  // A stall's loop turn can show brief idle samples (a poll that returns at once); only
  // a pause longer than a timer's resolution ends the stretch.
  const pauseMicros = 5_000;
  let best = { from: first, to: first, micros: 0 };
  let start = first;
  let micros = 0;
  let pause = 0;
  profile.samples.forEach((id, i) => {
    if (i < first) return;
    const delta = profile.timeDeltas[i] ?? 0;
    if (isIdle(id)) {
      pause += delta;
      if (pause > pauseMicros) {
        start = i + 1;
        micros = 0;
      }
      return;
    }
    if (micros === 0) start = i;
    micros += pause + delta;
    pause = 0;
    if (micros > best.micros) best = { from: start, to: i + 1, micros };
  });
  return best;
}
const counted = countedSamples();

const selfMicros = new Map<number, number>();
for (let i = counted.from; i < counted.to; i++) {
  const id = profile.samples[i]!;
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, '')
    .replace(/.*\/wt-[^/]+\//, '');
const packageOf = (url: string) => {
  if (!url) return '(native / VM)';
  if (url.startsWith('node:')) return 'node core';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return module ? module[1]! : shortUrl(url).split('/').slice(0, 2).join('/');
};

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
for (const [id, micros] of selfMicros) {
  const { callFrame } = byId.get(id)!;
  const name = `${callFrame.functionName || '(anonymous)'}  ${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const pkg = ['(idle)', '(program)', '(garbage collector)'].includes(callFrame.functionName)
    ? callFrame.functionName
    : packageOf(callFrame.url);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
  total += micros;
}
const idle = byPackage.get('(idle)') ?? 0;
const print = (title: string, entries: Map<string, number>, count: number) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(
      `${(micros / 1000).toFixed(0).padStart(8)} ms ${((micros / (total - idle)) * 100).toFixed(1).padStart(5)} %  ${name}`,
    );
  }
};
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((total - idle) / 1e6).toFixed(1)} s busy (percentages are of busy time)`,
);
print('by package', byPackage, 25);
print('by function (self time)', byFunction, top);

if (longestStall) {
  // Inclusive time of the server's own functions: each sample counts once for every one
  // of them on its stack.
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes as (ProfileNode & { children?: number[] })[]) {
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const inclusive = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const { callFrame } = byId.get(at)!;
      if (!/\/server\/src\//.test(callFrame.url)) continue;
      const name = `${callFrame.functionName || '(anonymous)'}  ${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
    }
  }
  print("the server's own functions (inclusive: with what they call)", inclusive, top);
}
