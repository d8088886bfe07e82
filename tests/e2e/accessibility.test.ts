import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import {
  describeInBrowser,
  newContext,
  openWidget,
  operatorLogin,
  useBrowserAndServer,
  visitorSays,
  widget,
} from '../support/browser';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let env: ReturnType<typeof useBrowserAndServer>;

/** axe-core's WCAG 2.x A/AA rules on the widget only (the sample page is not ours to judge). */
async function violations(page: Page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: unknown,
            options: unknown,
          ) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(
      { include: [['confab-widget']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } },
    );
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

describeInBrowser('accessibility (axe-core, WCAG A/AA)', () => {
  env = useBrowserAndServer();

  it('finds nothing in the launcher, the chat, the request form and the rating', async () => {
    const { context } = await newContext(env.browser);
    const page = await context.newPage();
    await page.goto(`${env.url}/`);
    await widget(page).locator('.launcher').waitFor();
    expect(await violations(page)).toEqual([]);

    // The scan does reach into the shadow root: a nameless button there is reported.
    await page.evaluate(() => {
      const probe = document.createElement('button');
      probe.id = 'probe';
      document.querySelector('confab-widget')!.shadowRoot!.append(probe);
    });
    expect(await violations(page)).toEqual([expect.stringContaining('button-name')]);
    await page.evaluate(() => document.querySelector('confab-widget')!.shadowRoot!.getElementById('probe')!.remove());

    // Nobody online: the request form, with its errors showing.
    await openWidget(page);
    await widget(page).locator('form.lead').waitFor();
    await widget(page).locator('form.lead button[type=submit]').click();
    await widget(page).locator('.summary').waitFor();
    expect(await violations(page)).toEqual([]);

    // An operator: the chat, then the rating.
    const operator = await newContext(env.browser);
    const console = await operatorLogin(operator.context, env.url, 'anna');
    await widget(page).locator('.offer button').click();
    await visitorSays(page, 'Accessible?');
    await console.locator('.list button', { hasText: 'Accessible?' }).click();
    await console.locator('textarea[name=reply]').fill('Yes.');
    await console.locator('textarea[name=reply]').press('Enter');
    await widget(page).locator('.msg.operator', { hasText: 'Yes.' }).waitFor();
    expect(await violations(page)).toEqual([]);

    await console.locator('.chat header button', { hasText: 'End chat' }).click();
    await console.getByRole('dialog').getByRole('button', { name: 'End chat' }).click();
    await widget(page).locator('.star').first().waitFor();
    expect(await violations(page)).toEqual([]);
    await context.close();
    await operator.context.close();
  });
});
