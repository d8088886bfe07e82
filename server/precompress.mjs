// Compresses the served text files once, at build time: writes <file>.br (brotli at its
// highest quality, too slow to do per request) and <file>.gz beside each one, so the
// server only picks the variant a browser accepts. Variants no smaller than the file are
// not written. Usage: node server/precompress.mjs <folder>...
import { readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TEXT = new Set(['.html', '.js', '.mjs', '.map', '.css', '.svg', '.json']);

function* files(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

let written = 0;
for (const folder of process.argv.slice(2)) {
  for (const path of files(folder)) {
    if (path.endsWith('.br') || path.endsWith('.gz')) continue;
    for (const stale of ['.br', '.gz']) rmSync(path + stale, { force: true });
    if (!TEXT.has(extname(path))) continue;
    const original = readFileSync(path);
    const { atime, mtime } = statSync(path);
    const variants = {
      '.br': brotliCompressSync(original, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: original.length },
      }),
      '.gz': gzipSync(original, { level: 9 }),
    };
    for (const [suffix, body] of Object.entries(variants)) {
      if (body.length >= original.length) continue;
      writeFileSync(path + suffix, body);
      // The same mtime as the file: the server sends a variant only if it is not older.
      utimesSync(path + suffix, atime, mtime);
      written += 1;
    }
  }
}
console.log(`precompress: ${written} files written`);
