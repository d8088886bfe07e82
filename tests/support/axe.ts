/**
 * axe-core's WCAG 2.x A/AA rules run inside a real page: the one accessibility check the
 * browser tests share. `include` narrows it to our own element where the page around it
 * (a sample host site) is not ours to judge.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface AxeWindow {
  axe: {
    run: (
      context: unknown,
      options: unknown,
    ) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }>;
  };
}

/** Each violation as "rule: [targets]"; empty when the page passes. */
export async function axeViolations(page: Page, include?: string): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(
    async ({ include, tags }) => {
      const { axe } = window as unknown as AxeWindow;
      const result = await axe.run(include ? { include: [[include]] } : document, {
        runOnly: { type: 'tag', values: tags },
      });
      return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    },
    { include, tags: WCAG_TAGS },
  );
}
