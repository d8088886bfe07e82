/**
 * The widget build leaves out @preact/signals' direct DOM bindings (rollup.config.mjs,
 * SIGNAL_DOM_BINDINGS): a signal given to JSX as a child or as an element's attribute
 * would render as nothing or as "[object Object]" there. The views read `.value` instead;
 * this test reads their types and names any place that hands JSX a signal itself.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const tsxFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsxFiles(join(dir, entry.name)) : entry.name.endsWith('.tsx') ? [join(dir, entry.name)] : [],
  );

/** A signal, or a union with one in it: what the bindings would have taken. */
function holdsSignal(type: ts.Type): boolean {
  if (type.isUnion()) return type.types.some(holdsSignal);
  return ['peek', 'subscribe', 'brand'].every((name) => type.getProperty(name));
}

/** `file:line: what` for every JSX child, and every attribute of an HTML or SVG element, that is a signal. */
function signalsGivenToJsx(files: string[]): string[] {
  const program = ts.createProgram(files, {
    jsx: ts.JsxEmit.ReactJSX,
    jsxImportSource: 'preact',
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2020,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const found: string[] = [];
  const report = (node: ts.Node, what: string) => {
    const source = node.getSourceFile();
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    found.push(`${relative(root, source.fileName)}:${line}: ${what} ${node.getText()}`);
  };
  /** HTML and SVG elements are lower-case; components are not. */
  const intrinsic = (tag: ts.JsxTagNameExpression) => /^[a-z]/.test(tag.getText());
  const visit = (node: ts.Node) => {
    if (
      ts.isJsxExpression(node) &&
      node.expression &&
      (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))
    ) {
      if (holdsSignal(checker.getTypeAtLocation(node.expression))) report(node, 'child');
    }
    if (ts.isJsxOpeningElement(node) || ts.isJsxSelfClosingElement(node)) {
      if (intrinsic(node.tagName))
        for (const attribute of node.attributes.properties) {
          const value = ts.isJsxAttribute(attribute)
            ? attribute.initializer && ts.isJsxExpression(attribute.initializer) && attribute.initializer.expression
            : attribute.expression;
          if (!value) continue;
          const type = checker.getTypeAtLocation(value);
          const signal = ts.isJsxAttribute(attribute)
            ? holdsSignal(type)
            : type.getProperties().some((p) => holdsSignal(checker.getTypeOfSymbolAtLocation(p, value)));
          if (signal) report(attribute, 'attribute');
        }
    }
    ts.forEachChild(node, visit);
  };
  for (const file of files) visit(program.getSourceFile(file)!);
  return found;
}

describe('signals in the widget views', () => {
  it('are read, never handed to JSX as a child or an element attribute', { timeout: 120_000 }, () => {
    const files = tsxFiles(join(root, 'src'));
    expect(files.length).toBeGreaterThan(10);
    expect(signalsGivenToJsx(files)).toEqual([]);
  });
});
