/**
 * The console's polish from the review, in Chromium against the real server: web
 * addresses in messages are safe links, deleting one's own message asks first (Cancel
 * has the focus, as for End and Spam), and on a 390 px phone the list and the chat take
 * turns so the chat is usable; axe-core finds nothing in the phone layout.
 */
import { expect, it } from 'vitest';
import {
  consoleAs,
  describeInBrowser,
  newContext,
  operatorLogin,
  useBrowserAndServer,
  visitorSays,
  visitorWithChatOpen,
  widget,
} from '../support/browser';
import { axeViolations } from '../support/axe';

let env: ReturnType<typeof useBrowserAndServer>;

describeInBrowser('console review fixes', () => {
  env = useBrowserAndServer();

  it('shows links safely and asks before deleting one’s own message', async () => {
    const { page: console, ...operator } = await consoleAs(env.browser, env.url, 'anna');
    const { page, ...visitor } = await visitorWithChatOpen(env.browser, env.url);
    await visitorSays(page, 'See https://example.com/shipping?size=M, and javascript:alert(1) <b>bold</b>');

    await console.locator('.list button', { hasText: 'See https://example.com' }).click();
    const message = console.locator('.msg.visitor', { hasText: 'See https://example.com' });
    await message.waitFor();
    const links = message.locator('a');
    expect(await links.count()).toBe(1);
    expect(await links.getAttribute('href')).toBe('https://example.com/shipping?size=M');
    expect(await links.getAttribute('target')).toBe('_blank');
    expect(await links.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await message.locator('.text').textContent()).toBe(
      'See https://example.com/shipping?size=M, and javascript:alert(1) <b>bold</b>',
    );
    expect(await message.locator('b').count()).toBe(0);

    await console.locator('textarea[name=reply]').fill('A reply to take back');
    await console.locator('textarea[name=reply]').press('Enter');
    const mine = console.locator('.msg.operator', { hasText: 'A reply to take back' });
    await mine.waitFor();
    await widget(page).locator('.msg.operator', { hasText: 'A reply to take back' }).waitFor();

    // Delete asks first; the focus is on Cancel, so Enter keeps the message.
    await mine.getByRole('button', { name: 'Delete' }).click();
    const dialog = console.getByRole('dialog', { name: 'Delete this message?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('A reply to take back');
    await expect.poll(() => console.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await console.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(await mine.locator('.text').textContent()).toBe('A reply to take back');

    await mine.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete message' }).click();
    await console.locator('.msg.operator.deleted').waitFor();
    await expect.poll(() => widget(page).locator('.msg.operator', { hasText: 'A reply to take back' }).count()).toBe(0);

    expect(operator.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });

  it('on a 390 px phone, the list and the chat take turns and the chat is usable', async () => {
    const operator = await newContext(env.browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const console = await operatorLogin(operator.context, env.url, 'anna');
    // With an operator online the visitor gets the chat (not the request form).
    const { page, ...visitor } = await visitorWithChatOpen(env.browser, env.url);
    await visitorSays(page, 'Hello from a phone test');
    const sidebar = console.locator('.sidebar');
    const chat = console.locator('section.chat');
    expect(await sidebar.isVisible()).toBe(true);
    expect(await chat.isVisible()).toBe(false);
    const noSideScroll = () => console.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await noSideScroll()).toBe(true);

    await console.locator('.list button', { hasText: 'Hello from a phone test' }).click();
    await chat.locator('.msg.visitor', { hasText: 'Hello from a phone test' }).waitFor();
    expect(await sidebar.isVisible()).toBe(false);
    // The chat takes the whole width, and its reply field and Send are on screen.
    const field = await console.locator('textarea[name=reply]').boundingBox();
    const send = await console.getByRole('button', { name: 'Send', exact: true }).boundingBox();
    for (const box of [field!, send!]) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      expect(box.y + box.height).toBeLessThanOrEqual(844);
    }
    expect((await chat.boundingBox())!.width).toBeGreaterThan(380);
    expect(await noSideScroll()).toBe(true);
    expect(await axeViolations(console)).toEqual([]);

    await console.locator('textarea[name=reply]').fill('Answered from a phone');
    await console.getByRole('button', { name: 'Send', exact: true }).tap();
    await widget(page).locator('.msg.operator', { hasText: 'Answered from a phone' }).waitFor();

    // Back to the list; the chat goes away until one is chosen again.
    await console.getByRole('button', { name: 'Chats', exact: true }).tap();
    await sidebar.waitFor();
    expect(await chat.isVisible()).toBe(false);
    await console.locator('.list button', { hasText: 'Answered from a phone' }).tap();
    await chat.locator('.msg.operator', { hasText: 'Answered from a phone' }).waitFor();

    // On a wide screen both show side by side, and there is no Back button.
    await console.setViewportSize({ width: 1280, height: 800 });
    expect(await sidebar.isVisible()).toBe(true);
    expect(await chat.isVisible()).toBe(true);
    expect(await console.getByRole('button', { name: 'Chats', exact: true }).isVisible()).toBe(false);

    expect(operator.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });
});
