/**
 * Chromium's own autofill, driven through the DevTools protocol (`Autofill.trigger`
 * with a saved-address profile: the same field-type prediction and filling a person
 * gets by picking an address from the dropdown), must fill the visible fields and never
 * the honeypot: a request filled by autofill would otherwise be judged spam.
 */
import { expect, it } from 'vitest';
import { describeInBrowser, newContext, openWidget, useBrowserAndServer, widget } from '../support/browser';

let env: ReturnType<typeof useBrowserAndServer>;

const ADDRESS = [
  ['NAME_FULL', 'Ann Lee'],
  ['NAME_FIRST', 'Ann'],
  ['NAME_LAST', 'Lee'],
  ['EMAIL_ADDRESS', 'ann@example.com'],
  ['PHONE_HOME_WHOLE_NUMBER', '+77015550102'],
  ['COMPANY_NAME', 'Acme'],
  ['ADDRESS_HOME_STREET_ADDRESS', '1 Main Street'],
  ['ADDRESS_HOME_LINE1', '1 Main Street'],
  ['ADDRESS_HOME_CITY', 'Almaty'],
  ['ADDRESS_HOME_ZIP', '050000'],
  ['ADDRESS_HOME_COUNTRY', 'KZ'],
].map(([name, value]) => ({ name: name!, value: value! }));

describeInBrowser('browser autofill', () => {
  env = useBrowserAndServer();

  // Chromium applies `Autofill.trigger` asynchronously and now and then not at all on a busy
  // machine (seen once in CI runs here); a retry tells that apart from a honeypot that fills.
  it('fills the request form from a saved address and leaves the honeypot empty', { retry: 2 }, async () => {
    const visitor = await newContext(env.browser);
    const page = await visitor.context.newPage();
    await page.goto(`${env.url}/`);
    await openWidget(page);
    const form = widget(page).locator('form.lead');
    await form.waitFor();

    const cdp = await visitor.context.newCDPSession(page);
    await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const anchor = await cdp.send('Runtime.evaluate', {
      expression: "document.querySelector('confab-widget').shadowRoot.querySelector('input[name=name]')",
    });
    const { node } = await cdp.send('DOM.describeNode', { objectId: anchor.result.objectId! });
    await cdp.send('Autofill.trigger', { fieldId: node.backendNodeId, address: { fields: ADDRESS } });

    // Autofill did its work on the fields people see...
    await expect.poll(() => form.locator('input[name=name]').inputValue()).toBe('Ann Lee');
    expect(await form.locator('input[name=email]').inputValue()).toBe('ann@example.com');
    // ...and nothing reached the trap.
    expect(await form.locator('.hp input').inputValue()).toBe('');
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
  });
});
