/**
 * Builds the floor widget with rollup from the repository's own dependency versions and
 * the widget build's resolve and minify settings, into `outDir` (a temporary directory).
 */
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { rollup } from 'rollup';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function buildFloor(outDir: string): Promise<void> {
  const bundle = await rollup({
    input: { loader: here('./loader.ts') },
    plugins: [
      nodeResolve({ browser: true }),
      typescript({
        tsconfig: here('../../tsconfig.json'),
        include: [here('./**/*'), here('../../src/**/*')],
        noEmit: false,
        types: [],
        outDir,
      }),
      terser({ ecma: 2020, module: true, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } }),
    ],
    onwarn: () => {},
  });
  await bundle.write({ dir: outDir, format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name].js' });
  await bundle.close();
}
