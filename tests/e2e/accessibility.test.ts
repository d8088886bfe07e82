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
import { axeViolations } from '../support/axe';

let env: ReturnType<typeof useBrowserAndServer>;

/** axe-core on the widget only (the sample page is not ours to judge). */
const violations = (page: Page) => axeViolations(page, 'confab-widget');

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

    // A message written with no connection, as it shows until the network is back.
    await context.setOffline(true);
    await visitorSays(page, 'Written offline');
    await widget(page).locator('.msg.visitor:not([data-state=sent])', { hasText: 'Written offline' }).waitFor();
    expect(await violations(page)).toEqual([]);
    await context.setOffline(false);
    await widget(page).locator('.msg.visitor[data-state=sent]', { hasText: 'Written offline' }).waitFor();

    await console.locator('.chat header button', { hasText: 'End chat' }).click();
    await console.getByRole('dialog').getByRole('button', { name: 'End chat' }).click();
    await widget(page).locator('.star').first().waitFor();
    expect(await violations(page)).toEqual([]);
    await context.close();
    await operator.context.close();
  });
});
