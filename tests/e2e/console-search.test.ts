/**
 * The console's search reaches the server: a word from a message the console never
 * loaded (not the chat's last message, not opened this session) finds the chat; the
 * filters narrow the server's answer too; a spam chat can be undone. axe-clean.
 */
import { expect, it } from 'vitest';
import { axeViolations } from '../support/axe';
import {
  describeInBrowser,
  newContext,
  openWidget,
  operatorLogin,
  useBrowserAndServer,
  visitorSays,
  widget,
} from '../support/browser';

describeInBrowser('the console’s search of all conversations', () => {
  const env = useBrowserAndServer();

  it('finds text the console never loaded, with the filters applied, and undoes spam', async () => {
    // Max keeps the site staffed, so the visitor gets the chat rather than the form.
    const max = await newContext(env.browser);
    await operatorLogin(max.context, env.url, 'max');
    const visitor = await newContext(env.browser);
    const page = await visitor.context.newPage();
    await page.goto(`${env.url}/`);
    await openWidget(page);
    await visitorSays(page, 'Do you ship the purple elephant lamp abroad?');
    await widget(page).locator('.msg.visitor', { hasText: 'purple elephant' }).waitFor();
    await visitorSays(page, 'Thanks in advance');
    await widget(page).locator('.msg.visitor', { hasText: 'Thanks in advance' }).waitFor();

    // Anna logs in afterwards: her console knows the chat only by its last message.
    const anna = await newContext(env.browser);
    const console = await operatorLogin(anna.context, env.url, 'anna');
    await console.locator('[data-tab=all]').click();
    await console.locator('.list button', { hasText: 'Thanks in advance' }).waitFor();
    await console.locator('body').press('/');
    await console.keyboard.type('elephant');
    const hit = console.locator('.list button', { hasText: 'Thanks in advance' });
    await hit.waitFor();
    expect(await console.locator('.list button').count()).toBe(1);

    // The status filter applies to the server's hits too.
    await console.locator('select[aria-label="Conversation status"]').selectOption('closed');
    await console.locator('.list .empty', { hasText: 'Nothing matches the search.' }).waitFor();
    await console.locator('select[aria-label="Conversation status"]').selectOption('any');
    await hit.waitFor();
    expect(await axeViolations(console)).toEqual([]);

    // Spam, then undone: the visitor may write again.
    await hit.click();
    await console.locator('button.spam').click();
    await console.getByRole('dialog').getByRole('button', { name: 'Mark as spam and block' }).click();
    await console.locator('button.unban').click();
    await console.locator('.placeholder', { hasText: 'The visitor may chat again.' }).waitFor();
    expect(await axeViolations(console)).toEqual([]);

    expect(anna.errors).toEqual([]);
    await visitor.context.close();
    await anna.context.close();
    await max.context.close();
  });
});
