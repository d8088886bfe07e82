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

let env: ReturnType<typeof useBrowserAndServer>;
const url = () => env.url;

/** A visitor who has written `text`, and Max's console with that conversation open. */
async function conversation(text: string) {
  const operator = await newContext(env.browser);
  const console = await operatorLogin(operator.context, url(), 'max');
  const visitor = await newContext(env.browser);
  const page = await visitor.context.newPage();
  await page.goto(`${url()}/`);
  await openWidget(page);
  await visitorSays(page, text);
  await widget(page).locator('.msg.visitor[data-state=sent]').waitFor();
  await console.locator('.list button', { hasText: text }).click();
  await console.locator('.msg.visitor', { hasText: text }).waitFor();
  return {
    page,
    console,
    visitorErrors: visitor.errors,
    async reply(message: string) {
      await console.locator('textarea[name=reply]').fill(message);
      await console.locator('textarea[name=reply]').press('Enter');
      await widget(page).locator('.msg.operator .bubble', { hasText: message }).waitFor();
    },
    close: async () => {
      await visitor.context.close();
      await operator.context.close();
    },
  };
}

const starsOf = (page: Page) => widget(page).locator('.star');

describeInBrowser('the conversation lifecycle', () => {
  env = useBrowserAndServer();

  it('the operator ends the chat, the visitor rates it low, the console shows the rating', async () => {
    const c = await conversation('Where is my order?');
    await c.reply('It ships tomorrow.');
    await c.console.locator('.chat header button', { hasText: 'End chat' }).click();
    await c.console.getByRole('dialog').getByRole('button', { name: 'End chat' }).click();

    await starsOf(c.page).first().waitFor();
    await starsOf(c.page).nth(1).click();
    await widget(c.page).locator('.rating .field', { hasText: 'What went wrong?' }).waitFor();
    await widget(c.page).locator('.rating textarea').fill('Too slow');
    // Sent from the keyboard: Send goes away with the rating, and the keyboard goes on in the composer.
    await c.page.keyboard.press('Tab');
    await c.page.keyboard.press('Enter');
    await widget(c.page).locator('.notice', { hasText: 'Thank you for your rating!' }).waitFor();
    const composer = widget(c.page).locator('.composer textarea');
    await expect
      .poll(() => composer.evaluate((box) => box === (box.getRootNode() as ShadowRoot).activeElement))
      .toBe(true);

    await c.console.locator('.chat header .badge.low', { hasText: 'Rated ★2 — Too slow' }).waitFor();
    expect(c.visitorErrors).toEqual([]);
    await c.close();
  });

  it('a part the network cut keeps from loading says so, and its Retry brings it', async () => {
    const c = await conversation('Is the blue one in stock?');
    // The rating's chunk is first asked for when the chat ends: the network is cut then.
    let cut = true;
    await c.page.route(/\/rating-[\w-]+\.js$/, (route) =>
      cut ? route.abort('internetdisconnected') : route.continue(),
    );
    await c.console.locator('.chat header button', { hasText: 'End chat' }).click();
    await c.console.getByRole('dialog').getByRole('button', { name: 'End chat' }).click();

    const notice = widget(c.page).locator('[role=alert]', {
      hasText: 'This could not be loaded. Check your connection.',
    });
    await notice.waitFor();
    cut = false;
    await notice.getByRole('button', { name: 'Retry' }).click();
    await starsOf(c.page).first().waitFor();
    expect(await notice.count()).toBe(0);
    expect(c.visitorErrors).toEqual([]);
    await c.close();
  });

  it('a spam close tells the visitor the operator ended the chat, offers nothing more, and keeps their unsent draft to copy', async () => {
    const c = await conversation('cheap pills here');
    // Written, not sent yet, when the chat is ended: still the visitor's, to copy.
    await widget(c.page).locator('.composer textarea').fill('And one more question');
    await c.console.locator('button.spam').click();
    await c.console.getByRole('dialog').getByRole('button', { name: 'Mark as spam and block' }).click();
    await widget(c.page).locator('.notice.ended', { hasText: 'The operator ended the chat.' }).waitFor();
    const unsent = widget(c.page).getByRole('textbox', { name: 'Your unsent message' });
    const left = async () => ({
      text: await unsent.inputValue(),
      readOnly: await unsent.evaluate((box) => (box as HTMLTextAreaElement).readOnly),
      sendForms: await widget(c.page).locator('form.composer, form.lead').count(),
    });
    expect(await left()).toEqual({ text: 'And one more question', readOnly: true, sendForms: 0 });
    expect(await starsOf(c.page).count()).toBe(0);
    await c.page.reload();
    await widget(c.page).locator('.launcher').click();
    await widget(c.page).locator('.notice.ended').waitFor();
    expect(await left()).toEqual({ text: 'And one more question', readOnly: true, sendForms: 0 });
    await c.close();
  });

  it('edits and deletes by the operator show at the visitor live', async () => {
    const c = await conversation('Do you have it in red?');
    await c.reply('Yes, in red and blue');
    const mine = c.console.locator('.msg.operator', { hasText: 'Yes, in red and blue' });
    await mine.locator('button', { hasText: 'Edit' }).click();
    await c.console.locator('.editing textarea').fill('Only in blue, sorry');
    await c.console.locator('.editing button[type=submit]').click();
    const bubble = widget(c.page).locator('.msg.operator', { hasText: 'Only in blue, sorry' });
    await bubble.waitFor();
    expect(await bubble.locator('.edited').textContent()).toBe('edited');

    await c.console
      .locator('.msg.operator', { hasText: 'Only in blue, sorry' })
      .locator('button', { hasText: 'Delete' })
      .click();
    // Deleting asks first (there is no undo).
    await c.console.getByRole('dialog').getByRole('button', { name: 'Delete message' }).click();
    await widget(c.page).locator('.msg.operator.deleted', { hasText: 'Message deleted' }).waitFor();
    expect(await widget(c.page).getByText('Only in blue, sorry').count()).toBe(0);
    await c.close();
  });

  it('an operator writes first: the teaser appears by the launcher and opens the chat', async () => {
    const visitor = await newContext(env.browser);
    const page = await visitor.context.newPage();
    await page.goto(`${url()}/pricing`);
    const operator = await newContext(env.browser);
    const console = await operatorLogin(operator.context, url(), 'max');
    await console.locator('[data-tab=online]').click();
    // The widget connects once the page is idle; then the visitor is "on site".
    const row = console.locator('.visitor-row', { hasText: '/pricing' });
    await row.waitFor({ timeout: 15_000 });
    await row.locator('.write-first').click();
    await console.locator('textarea[name=reply]').fill('Looking at plans? I can help.');
    await console.locator('textarea[name=reply]').press('Enter');

    const teaser = widget(page).locator('.teaser');
    await teaser.waitFor();
    expect(await teaser.textContent()).toContain('Looking at plans? I can help.');
    await teaser.locator('.teaser-body').click();
    await widget(page).locator('.panel .msg.operator', { hasText: 'Looking at plans?' }).waitFor();
    expect(await widget(page).locator('.panel').isVisible()).toBe(true);
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });
});
