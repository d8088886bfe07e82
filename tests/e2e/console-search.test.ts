/**
 * The console's search reaches the server: a word from a message the console never
 * loaded (not the chat's last message, not opened this session) finds the chat; the
 * filters narrow the server's answer too; the hit shows the message that matched; a spam
 * chat can be undone, and the visitor's widget lets them chat again without a reload. axe-clean.
 */
import { expect, it } from 'vitest';
import { axeViolations } from '../support/axe';
import {
  consoleAs,
  describeInBrowser,
  useBrowserAndServer,
  visitorSays,
  visitorWithChatOpen,
  widget,
} from '../support/browser';

describeInBrowser('the console’s search of all conversations', () => {
  const env = useBrowserAndServer();

  it('finds text the console never loaded, with the filters applied, and undoes spam', async () => {
    // Max keeps the site staffed, so the visitor gets the chat rather than the form.
    const max = await consoleAs(env.browser, env.url, 'max');
    const { page, ...visitor } = await visitorWithChatOpen(env.browser, env.url);
    await visitorSays(page, 'Do you ship the purple elephant lamp abroad?');
    await widget(page).locator('.msg.visitor', { hasText: 'purple elephant' }).waitFor();
    await visitorSays(page, 'Thanks in advance');
    await widget(page).locator('.msg.visitor', { hasText: 'Thanks in advance' }).waitFor();

    // Anna logs in afterwards: her console knows the chat only by its last message.
    const { page: console, ...anna } = await consoleAs(env.browser, env.url, 'anna');
    await console.locator('[data-tab=all]').click();
    await console.locator('.list button', { hasText: 'Thanks in advance' }).waitFor();
    await console.locator('body').press('/');
    await console.keyboard.type('elephant');
    // The hit shows the message that matched, the word marked, not the chat's last message.
    const hit = console.locator('.list button', { hasText: 'purple elephant' });
    await hit.waitFor();
    expect(await console.locator('.list button').count()).toBe(1);
    expect(await hit.locator('.preview').textContent()).toBe('Do you ship the purple elephant lamp abroad?');
    expect(await hit.locator('.preview mark').allTextContents()).toEqual(['elephant']);

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
    await widget(page).locator('.notice.ended').waitFor();
    await console.locator('button.unban').click();
    await console.locator('.placeholder', { hasText: 'The visitor may chat again.' }).waitFor();
    expect(await axeViolations(console)).toEqual([]);
    // The visitor's open widget returns to the chat by itself, no reload.
    await widget(page).locator('.notice.ended').waitFor({ state: 'detached' });
    await visitorSays(page, 'One more question about the lamp');
    // Stored (a message with an id), not waiting in the outbox.
    await widget(page).locator('.msg.visitor[data-id]', { hasText: 'One more question about the lamp' }).waitFor();

    expect(anna.errors).toEqual([]);
    await visitor.context.close();
    await anna.context.close();
    await max.context.close();
  });
});
