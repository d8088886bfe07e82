// Three outputs:
//   dist/loader.js   IIFE, the only file a host page must load
//   dist/widget/     ES chunks the loader imports when the chat is needed
//   dist/esm/        npm entry (createConfab) for apps with their own bundler; .d.ts by tsc
// plus dist/demo/operator.js, the reference operator console.
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { fileURLToPath } from 'node:url';

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

/**
 * The loader hands the widget its config parser and style helpers at mount, so in the
 * script-tag build the widget's imports of those modules go to src/loader/shared-parts.ts,
 * which forwards to the loader's copies, instead of bundling them a second time.
 */
const LOADER_MODULES = /src[\\/]loader[\\/](config|styles|launcher)\.ts$/;
const WIDGET_MODULE = /src[\\/]widget[\\/]/;
const SHARED_PARTS = fileURLToPath(new URL('./src/loader/shared-parts.ts', import.meta.url));
const loaderPartsFromLoader = () => ({
  name: 'confab-loader-parts',
  async resolveId(source, importer, options) {
    if (!importer || !WIDGET_MODULE.test(importer)) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    return resolved && LOADER_MODULES.test(resolved.id) ? SHARED_PARTS : null;
  },
});

const ts = () =>
  typescript({ tsconfig: './tsconfig.json', include: ['src/**/*', 'demo/**/*'], noEmit: false, types: [] });
const minify = () =>
  terser({ ecma: 2020, module: true, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } });

export default [
  {
    input: 'src/loader/index.ts',
    // Every host page downloads this file: its source map is published beside it
    // (dist/loader.js.map) without the sourceMappingURL comment, 26 B gzip on every page.
    output: { file: 'dist/loader.js', format: 'iife', sourcemap: 'hidden' },
    plugins: [ts(), minify()],
  },
  {
    // The entry takes the loader's parts, then mounts src/widget/index.tsx.
    input: { widget: 'src/loader/widget-entry.ts' },
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
    plugins: [onlyWebSocketAndPolling(), loaderPartsFromLoader(), nodeResolve({ browser: true }), ts(), minify()],
  },
  {
    input: 'src/index.ts',
    output: { dir: 'dist/esm', format: 'es', sourcemap: true, preserveModules: true, preserveModulesRoot: 'src' },
    external: [/^preact/, /^@preact\//, /^socket\.io-client/],
    plugins: [ts()],
  },
  {
    input: 'demo/designer/designer.tsx',
    output: { file: 'dist/demo/designer.js', format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: [nodeResolve({ browser: true }), ts(), minify()],
  },
  {
    input: 'demo/operator/console.tsx',
    output: { file: 'dist/demo/operator.js', format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: [nodeResolve({ browser: true }), ts(), minify()],
  },
];
