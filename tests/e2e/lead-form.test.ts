import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { LEAD_MIN_FILL_MS } from '../../src/protocol';
import {
  describeInBrowser,
  newContext,
  openWidget,
  operatorLogin,
  useBrowserAndServer,
  widget,
} from '../support/browser';

let env: ReturnType<typeof useBrowserAndServer>;
const url = () => env.url;

async function setStatus(console: Page, status: string) {
  await console.locator('select[name=status]').selectOption(status);
  await expect.poll(() => console.locator('select[name=status]').inputValue()).toBe(status);
}

/** Fills the widget's request form as a visitor would, consent included; returns the form. */
async function fillRequest(page: Page, fields: { name: string; phone: string; message: string }) {
  const form = widget(page).locator('form.lead');
  await form.waitFor();
  await form.locator('input[name=name]').fill(fields.name);
  await form.locator('input[name=phone]').fill(fields.phone);
  await form.locator('textarea[name=message]').fill(fields.message);
  await form.locator('input[name=consent]').check();
  return form;
}

describeInBrowser('availability and the request form', () => {
  env = useBrowserAndServer();

  it('an operator going offline turns the open chat into the form, without a reload', async () => {
    const operator = await newContext(env.browser);
    const console = await operatorLogin(operator.context, url(), 'anna');
    await setStatus(console, 'available');

    const visitor = await newContext(env.browser);
    const page = await visitor.context.newPage();
    await page.goto(`${url()}/`);
    await openWidget(page);
    await widget(page).locator('.composer').waitFor();

    await setStatus(console, 'off');
    await widget(page).locator('form.lead').waitFor();
    expect(await widget(page).locator('.intro').textContent()).toContain('No one can answer right now');

    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });

  it('a request sent while offline arrives once when the connection is back, and the widget closes', async () => {
    const visitor = await newContext(env.browser);
    const page = await visitor.context.newPage();
    await page.goto(`${url()}/?utm_source=newsletter&utm_campaign=winter`);
    await openWidget(page);
    const form = await fillRequest(page, {
      name: 'Ann <b>Lee</b>',
      phone: '+7 701 555 01 02',
      message: 'Please call after 6pm',
    });
    await page.waitForTimeout(LEAD_MIN_FILL_MS); // people take a moment; bots do not

    await visitor.context.setOffline(true);
    await form.locator('button[type=submit]').click();
    await widget(page).locator('.thanks', { hasText: 'will be sent as soon as the connection is back' }).waitFor();
    await visitor.context.setOffline(false);
    // Seed 000: the widget closes itself after thanking.
    await expect.poll(() => widget(page).locator('.panel').isHidden(), { timeout: 10_000 }).toBe(true);

    const operator = await newContext(env.browser);
    const console = await operatorLogin(operator.context, url(), 'max');
    await console.locator('[data-tab=leads]').click();
    const item = console.locator('.list button', { hasText: '+7 701 555 01 02' });
    await expect.poll(() => item.count(), { timeout: 20_000 }).toBe(1);
    await item.click();
    const facts = console.locator('.lead-detail .facts').first();
    await expect.poll(() => facts.textContent()).toContain('Ann <b>Lee</b>'); // markup stays text
    expect(await facts.textContent()).toContain('newsletter');
    await console.locator('button', { hasText: 'Take in work' }).click();
    await console.locator('.facts', { hasText: 'In work' }).waitFor();

    expect(
      (await env.harness.server.store.listLeads('demo')).filter((l) => l.phone === '+7 701 555 01 02'),
    ).toHaveLength(1);
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });

  it('a request judged as spam is thanked, kept out of the list, and restored by Not spam', async () => {
    const visitor = await newContext(env.browser);
    const page = await visitor.context.newPage();
    await page.goto(`${url()}/`);
    await openWidget(page);
    const form = await fillRequest(page, { name: 'Quick Sender', phone: '+7 701 555 09 09', message: 'Sent at once' });
    // Sent well under LEAD_MIN_FILL_MS after the form opened: judged "too fast", still thanked.
    await form.locator('button[type=submit]').click();
    await widget(page).locator('.thanks').waitFor();

    const operator = await newContext(env.browser);
    const console = await operatorLogin(operator.context, url(), 'max');
    await console.locator('[data-tab=leads]').click();
    const item = console.locator('.list button', { hasText: '+7 701 555 09 09' });
    // The list has loaded (the previous test's request is there) and the quarantined one is not in it.
    await console.locator('.list button', { hasText: '+7 701 555 01 02' }).waitFor();
    expect(await item.count()).toBe(0);

    await console.locator('select[aria-label="Request status"]').selectOption('spam');
    await item.click();
    const facts = console.locator('.lead-detail .facts').first();
    await expect.poll(() => facts.textContent()).toContain('Quarantined as spam: Sent faster than a person types');

    await console.getByRole('button', { name: 'Not spam' }).click();
    await console.locator('select[aria-label="Request status"]').selectOption('new');
    await expect.poll(() => item.count()).toBe(1);
    await expect.poll(() => facts.textContent()).toContain('New');
    expect(await console.getByRole('button', { name: 'Not spam' }).count()).toBe(0);

    const stored = (await env.harness.server.store.listLeads('demo')).filter((l) => l.phone === '+7 701 555 09 09');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.spam).toBeUndefined();
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });

  it('an operator coming online while the form is open is offered, and nothing typed is lost', async () => {
    const visitor = await newContext(env.browser);
    const page = await visitor.context.newPage();
    await page.goto(`${url()}/`);
    await openWidget(page);
    const form = widget(page).locator('form.lead');
    await form.waitFor();
    await form.locator('textarea[name=message]').fill('Is the blue sofa in stock?');

    const operator = await newContext(env.browser);
    const console = await operatorLogin(operator.context, url(), 'anna');
    await setStatus(console, 'available');

    const offer = widget(page).locator('.offer');
    await offer.waitFor();
    expect(await form.locator('textarea[name=message]').inputValue()).toBe('Is the blue sofa in stock?');
    await offer.locator('button').click();
    await expect.poll(() => widget(page).locator('.composer textarea').inputValue()).toBe('Is the blue sofa in stock?');
    await widget(page).locator('.composer textarea').press('Enter');
    await console.locator('.list button', { hasText: 'Is the blue sofa in stock?' }).waitFor();

    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });
});
