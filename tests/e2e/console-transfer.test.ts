/**
 * One chat, one operator, as two operators see it in two browsers: Anna answers, so Max
 * can read but not write ("Anna is answering this chat"); Anna cannot pass it to Max
 * while he is on a break; once he is available she transfers it with a comment; the
 * visitor reads that the chat was passed on and sees Max; Max gets the comment and the
 * reply field, Anna loses it. axe-core checks the locked chat and the transfer dialog.
 */
import type { Page } from 'playwright-core';
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

let env: ReturnType<typeof useBrowserAndServer>;

describeInBrowser('transfer and the assignment lock in the console', () => {
  env = useBrowserAndServer();

  it('locks a chat to its operator and passes it on with a comment', async () => {
    const { page: anna, ...annaContext } = await consoleAs(env.browser, env.url, 'anna');
    const { page: max, ...maxContext } = await consoleAs(env.browser, env.url, 'max');

    const { page, ...visitor } = await visitorWithChatOpen(env.browser, env.url);
    await visitorSays(page, 'I need an invoice for my order');
    const visitorId = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.endsWith(':visitor'))!;
      return JSON.parse(localStorage.getItem(key)!) as string;
    });
    await expect
      .poll(async () => (await env.harness.server.store.latestConversation('demo', `v:${visitorId}`))?.id)
      .toBeTruthy();
    const conversation = (await env.harness.server.store.latestConversation('demo', `v:${visitorId}`))!;
    const open = async (console: Page) => {
      await console.locator('[data-tab=all]').click();
      await console.locator(`.list button[data-conversation="${conversation.id}"]`).click();
      await console.locator('.chat .visitor-name').waitFor();
    };

    // Anna answers and so takes the chat.
    await open(anna);
    await anna.locator('textarea[name=reply]').fill('Anna here, one moment.');
    await anna.locator('textarea[name=reply]').press('Enter');
    await widget(page).locator('.msg.operator .bubble', { hasText: 'Anna here, one moment.' }).waitFor();

    // Max reads along but cannot write, nor pass it on.
    await open(max);
    await max.locator('.chat .msg', { hasText: 'Anna here, one moment.' }).waitFor();
    await max.getByRole('status').filter({ hasText: 'Anna is answering this chat.' }).waitFor();
    expect(await max.locator('textarea[name=reply]').count()).toBe(0);
    expect(await max.locator('.chat header button', { hasText: 'Transfer' }).count()).toBe(0);
    expect(await axeViolations(max)).toEqual([]);

    // Max on a break: Anna's dialog lists him, but not as a choice.
    await max.locator('select[name=status]').selectOption('break');
    await anna.locator('.chat header button', { hasText: 'Transfer' }).click();
    const dialog = anna.getByRole('dialog', { name: 'Transfer this chat' });
    await dialog.waitFor();
    await expect.poll(() => dialog.locator('option[value="operator:max"]').textContent()).toBe('Max — Break');
    expect(await dialog.locator('option[value="operator:max"]').isDisabled()).toBe(true);
    expect(await axeViolations(anna)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Available again: the transfer goes through, with the comment.
    await max.locator('select[name=status]').selectOption('available');
    await anna.locator('.team summary').click();
    await anna.locator('.team li[data-operator=max]', { hasText: 'Available' }).waitFor();
    await anna.locator('.chat header button', { hasText: 'Transfer' }).click();
    await dialog.waitFor();
    // The one available colleague is already chosen.
    expect(await dialog.locator('select[name=to]').inputValue()).toBe('operator:max');
    await dialog.locator('textarea[name=comment]').fill('Needs an invoice for order 12, company details in chat');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The visitor is told, and sees who answers now.
    await widget(page).locator('.notice', { hasText: 'Anna passed the chat to Max.' }).waitFor();
    await widget(page).locator('.header', { hasText: 'Max' }).waitFor();

    // Max gets the comment and the pen; Anna reads along.
    await max
      .locator('.transfer-note', { hasText: 'Passed on to you by Anna: Needs an invoice for order 12' })
      .waitFor();
    await max.locator('textarea[name=reply]').fill('Max here: the invoice is on its way.');
    await max.locator('textarea[name=reply]').press('Enter');
    await widget(page).locator('.msg.operator .bubble', { hasText: 'the invoice is on its way' }).waitFor();
    await anna.getByRole('status').filter({ hasText: 'Max is answering this chat.' }).waitFor();
    expect(await anna.locator('textarea[name=reply]').count()).toBe(0);
    expect(await axeViolations(max)).toEqual([]);
    expect(await axeViolations(anna)).toEqual([]);

    expect(annaContext.errors).toEqual([]);
    expect(maxContext.errors).toEqual([]);
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
    await annaContext.context.close();
    await maxContext.context.close();
  });
});
