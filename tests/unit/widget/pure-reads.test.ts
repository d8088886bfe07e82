/**
 * The widget build lets the minifier drop a property read whose value is unused
 * (rollup.config.mjs, WIDGET_TERSER's `pure_getters`). A signal's `.value` read for its
 * subscription alone (`count.value;` in an effect or a component) would then vanish from
 * the build and the effect would stop re-running. Unused variables are refused by
 * `noUnusedLocals`; this test names any statement that is only a property read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')
        ? [join(dir, entry.name)]
        : [],
  );

/** A read kept for its side effect: `a.b;`, `a[b];`, `void a.b;` or `(a.b, c);` as a statement. */
function isBareRead(expression: ts.Expression): boolean {
  let inner = expression;
  while (ts.isParenthesizedExpression(inner) || ts.isVoidExpression(inner)) inner = inner.expression;
  if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.CommaToken)
    return isBareRead(inner.left) || isBareRead(inner.right);
  return ts.isPropertyAccessExpression(inner) || ts.isElementAccessExpression(inner);
}

function bareReads(text: string, fileName: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2020, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isExpressionStatement(node) && isBareRead(node.expression)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      found.push(`${relative(root, fileName)}:${line}: ${node.getText()}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('property reads in the widget build', () => {
  it('finds a read kept only for its subscription', () => {
    const effect = 'effect(() => { count.value; void other.value; (a.b, f()); });';
    expect(bareReads(effect, join(root, 'src/x.ts'))).toEqual([
      'src/x.ts:1: count.value;',
      'src/x.ts:1: void other.value;',
      'src/x.ts:1: (a.b, f());',
    ]);
    expect(bareReads('const n = count.value; f(n); a.b = 1; a.b();', join(root, 'src/x.ts'))).toEqual([]);
  });

  // Parsing every source file takes seconds on a loaded machine.
  it('are never a statement of their own in src/, which the minifier could drop', { timeout: 60_000 }, () => {
    const files = ['widget', 'loader', 'i18n', 'protocol', 'themes'].flatMap((dir) =>
      sourceFiles(join(root, 'src', dir)),
    );
    expect(files.length).toBeGreaterThan(40);
    expect(files.flatMap((file) => bareReads(readFileSync(file, 'utf8'), file))).toEqual([]);
  });
});
