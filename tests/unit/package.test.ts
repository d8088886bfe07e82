import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );

describe('package.json sideEffects', () => {
  it('lists exactly the npm modules that do something when imported', () => {
    const { sideEffects } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { sideEffects: string[] };
    // A top-level call (a statement starting a line with `name(`) runs on import.
    const effectful = files(join(root, 'src'))
      .filter((file) => !file.endsWith(join('loader', 'index.ts'))) // the script-tag loader: dist/loader.js
      .filter((file) => /^[\w.]+\(/m.test(readFileSync(file, 'utf8')))
      .map(
        (file) =>
          `./dist/esm/${relative(join(root, 'src'), file)
            .replace(/\.tsx?$/, '.js')
            .split('\\')
            .join('/')}`,
      );
    expect(effectful.length).toBeGreaterThan(0);
    expect(sideEffects.filter((path) => path.startsWith('./dist/esm/')).sort()).toEqual(effectful.sort());
    expect(sideEffects).toContain('./dist/loader.js');
  });
});
