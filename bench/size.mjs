// Size budgets from docs/design.md, checked on the built files. Prints gzip and brotli
// bytes per path and exits 1 when any gzip figure is over its budget.
//
//   loader        dist/loader.js: what every host page downloads
//   launcher      loader + what it needs to draw the launcher (nothing else today)
//   open chat     loader + the widget entry and every chunk it imports statically
//                 (the default locale included; other locales load on demand)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const KB = 1024;
const BUDGETS = { loader: 1.5 * KB, launcher: 8 * KB, 'open chat': 35 * KB };

const read = (file) => readFileSync(join(dist, file));
const gzip = (buf) => gzipSync(buf, { level: 9 }).length;
const brotli = (buf) => brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** The widget entry plus the chunks it imports statically, transitively. */
function staticClosure(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = read(join('widget', file)).toString();
    // Static `import … from "./x.js"` and `export … from "./x.js"`; `import("./x.js")` is on demand.
    for (const [, dep] of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+)["']/g)) visit(dep);
  };
  visit(entry);
  return [...seen].map((file) => join('widget', file));
}

const paths = {
  loader: ['loader.js'],
  launcher: ['loader.js'],
  'open chat': ['loader.js', ...staticClosure('widget.js')],
};

let failed = false;
console.log('path         files  gzip B   brotli B  budget B  status');
for (const [name, files] of Object.entries(paths)) {
  // Files are fetched separately, so each is compressed on its own.
  const gz = files.reduce((sum, file) => sum + gzip(read(file)), 0);
  const br = files.reduce((sum, file) => sum + brotli(read(file)), 0);
  const over = gz > BUDGETS[name];
  failed ||= over;
  console.log(
    `${name.padEnd(12)} ${String(files.length).padStart(5)}  ${String(gz).padStart(6)}  ${String(br).padStart(9)}  ${String(BUDGETS[name]).padStart(8)}  ${over ? 'OVER BUDGET' : 'ok'}`,
  );
}
const lazy = readdirSync(join(dist, 'widget')).filter((f) => f.endsWith('.js') && !paths['open chat'].includes(join('widget', f)));
console.log(`on demand (not in any budget): ${lazy.map((f) => `${f} ${gzip(read(join('widget', f)))} B`).join(', ') || 'none'}`);
if (failed) {
  console.error('\nA size budget is exceeded. Make the change smaller, or justify a new budget in docs/design.md.');
  process.exit(1);
}
