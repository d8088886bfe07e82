/** The console release's fingerprint: one per build, another when any of its files changes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleRelease } from '../../../server/src/console-release';

describe('the console release', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const build = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-console-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const files = { 'console.js': 'let a = 1;', 'console.css': 'p{}', 'index.html': '<script src="console.js">' };

  it('is the same for the same files and changes with any of them', () => {
    const release = consoleRelease(build(files));
    expect(release).toMatch(/^[\w-]{12}$/);
    expect(consoleRelease(build(files))).toBe(release);
    for (const name of Object.keys(files))
      expect(consoleRelease(build({ ...files, [name]: `${files[name as keyof typeof files]} ` }))).not.toBe(release);
  });

  it('is absent without a console build', () => {
    expect(consoleRelease(build({ 'console.js': 'let a = 1;' }))).toBeUndefined();
  });
});
