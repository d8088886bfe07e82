/**
 * Where a server's CPU time went: sums the self time of a V8 `.cpuprofile` (written by
 * `node --cpu-prof`) by function and by package, largest first.
 *
 *   npx tsx bench/support/profile-summary.ts <file.cpuprofile> [top=30]
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

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(topArg ?? 30);

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

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
