// Compiles the server to plain JavaScript for Node: one ES module per entry, with the
// shared protocol (../src/protocol) bundled in and every npm package left external, so
// production runs `node dist/main.js` with its runtime dependencies and no TypeScript tooling.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const here = new URL('.', import.meta.url).pathname;
rmSync(`${here}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: here,
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
