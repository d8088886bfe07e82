// Three outputs:
//   dist/loader.js   IIFE, the only file a host page must load
//   dist/widget/     ES chunks the loader imports when the chat is needed
//   dist/esm/        npm entry (createConfab) for apps with their own bundler; .d.ts by tsc
// plus the operator console (console/dist/, served by the server at /operator/) and the
// designer (demo/designer/dist/). Neither is part of the npm package, which ships dist/ only.
import { readFileSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

/**
 * socket.io-client always builds engine.io's default transport map, which includes
 * WebTransport (~650 B gzip). Confab connects with `transports: ['websocket', 'polling']`
 * only, so the widget build gets a map of just those two, with the same classes.
 */
const TRANSPORTS = /engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/;
const onlyWebSocketAndPolling = () => ({
  name: 'confab-transports',
  load(id) {
    if (!TRANSPORTS.test(id)) return null;
    return `import { XHR } from './polling-xhr.js';
import { WS } from './websocket.js';
export const transports = { websocket: WS, polling: XHR };`;
  },
});

/** Emits static files beside a bundle, so its output folder is all the server serves. */
const copy = (files) => ({
  name: 'confab-copy',
  generateBundle() {
    for (const file of files) {
      this.emitFile({ type: 'asset', fileName: file.split('/').pop(), source: readFileSync(file) });
    }
  },
});

const ts = () =>
  typescript({ tsconfig: './tsconfig.json', include: ['src/**/*', 'demo/**/*', 'console/**/*'], noEmit: false, types: [] });
const minify = () =>
  terser({ ecma: 2020, module: true, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } });

export default [
  {
    input: 'src/loader/index.ts',
    output: { file: 'dist/loader.js', format: 'iife', sourcemap: true },
    plugins: [ts(), minify()],
  },
  {
    input: { widget: 'src/widget/index.tsx' },
    output: {
      dir: 'dist/widget',
      format: 'es',
      entryFileNames: '[name].js',
      // Locale chunks are plain data (a missing key falls back to English), so they can keep
      // stable names, which compress far better in the widget's map of eleven locales. Code
      // chunks keep their hashes: a release never mixes old and new code.
      chunkFileNames: (chunk) => (/^[a-z]{2}$/.test(chunk.name) ? '[name].js' : '[name]-[hash].js'),
      sourcemap: true,
    },
    plugins: [onlyWebSocketAndPolling(), nodeResolve({ browser: true }), ts(), minify()],
  },
  {
    input: 'src/index.ts',
    output: { dir: 'dist/esm', format: 'es', sourcemap: true, preserveModules: true, preserveModulesRoot: 'src' },
    external: [/^preact/, /^@preact\//, /^socket\.io-client/],
    plugins: [ts()],
  },
  {
    input: 'demo/designer/designer.tsx',
    output: { file: 'demo/designer/dist/designer.js', format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: [nodeResolve({ browser: true }), ts(), minify()],
  },
  {
    input: 'console/console.tsx',
    output: { file: 'console/dist/console.js', format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: [nodeResolve({ browser: true }), ts(), minify(), copy(['console/index.html', 'console/console.css'])],
  },
];
