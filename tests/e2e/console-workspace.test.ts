/**
 * The operator console as a workspace: unread counts and the title while the console tab
 * is hidden, one chime per visitor message, desktop notifications only after the
 * operator's click, confirmations before End and Spam, keyboard shortcuts, the search,
 * and an axe-core scan of the console itself.
 *
 * Two browser seams, both only to observe what headless Chromium cannot show:
 * - The chime runs the real Web Audio path; an init script wraps
 *   `OscillatorNode.prototype.start` to count calls (one chime is one start()).
 * - Headless Chromium shows no desktop notifications and gives no permission prompt, so
 *   an init script puts a recording stand-in for `window.Notification` in place: its
 *   permission starts as "default" and `requestPermission()` grants and counts.
 * - "Hidden" is emulated by overriding `document.visibilityState` to "hidden" on the
 *   console page and dispatching `visibilitychange` (headless pages never change it
 *   themselves); "back" restores "visible" the same way.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { visitorNumber } from '../../console/models/visitor-label';
import {
  consoleAs,
  describeInBrowser,
  newContext,
  operatorLogin,
  setVisibility,
  useBrowserAndServer,
  visitorSays,
  visitorWithChatOpen,
  widget,
} from '../support/browser';
import { axeViolations } from '../support/axe';

const BASE_TITLE = 'Confab — operator console';

let env: ReturnType<typeof useBrowserAndServer>;

/** Counts chimes and records notifications; see the file comment. */
const OBSERVE = () => {
  const w = window as unknown as Record<string, unknown>;
  w.__chimes = 0;
  w.__notes = [] as { title: string; body?: string }[];
  w.__permissionAsked = 0;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: Parameters<typeof start>) {
    (w.__chimes as number)++;
    return start.apply(this, args);
  };
  let permission: NotificationPermission = 'default';
  class RecordingNotification {
    static get permission() {
      return permission;
    }
    static requestPermission() {
      (w.__permissionAsked as number)++;
      permission = 'granted';
      return Promise.resolve(permission);
    }
    onclick: (() => void) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      (w.__notes as unknown[]).push({ title, body: options?.body });
    }
    close() {}
  }
  w.Notification = RecordingNotification;
};

const seen = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as {
      __chimes: number;
      __notes: { title: string; body?: string }[];
      __permissionAsked: number;
    };
    return { chimes: w.__chimes, notes: w.__notes, asked: w.__permissionAsked };
  });

/** The visitor id the widget keeps for this site: the credential the console must never show. */
const visitorIdOf = (page: Page) =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.endsWith(':visitor'))!;
    return JSON.parse(localStorage.getItem(key)!) as string;
  });

describeInBrowser('the operator console as a workspace', () => {
  env = useBrowserAndServer();

  it('counts unread, titles the hidden tab, chimes once per message and notifies after the click', async () => {
    const operator = await newContext(env.browser);
    await operator.context.addInitScript(OBSERVE);
    const console = await operatorLogin(operator.context, env.url, 'anna');

    // Permission is asked on the operator's click, not before.
    expect((await seen(console)).asked).toBe(0);
    await console.locator('.notifications summary').click();
    await console.locator('input[name=desktop]').check();
    await expect.poll(async () => (await seen(console)).asked).toBe(1);
    expect(await console.locator('input[name=desktop]').isChecked()).toBe(true);
    expect(await console.evaluate(() => JSON.parse(localStorage.getItem('confab-console:settings:anna')!))).toEqual({
      sound: true,
      desktop: true,
    });

    await setVisibility(console, 'hidden');
    const visitor = await visitorWithChatOpen(env.browser, env.url);
    await visitorSays(visitor.page, 'First question');
    await visitorSays(visitor.page, 'Second question');

    await expect.poll(() => console.title()).toBe(`(2) ${BASE_TITLE}`);
    expect(await console.locator('[data-tab=new] .count').textContent()).toBe(' 2 unread');
    const row = console.locator('.list button', { hasText: 'Second question' });
    expect(await row.locator('.unread-count').getAttribute('data-unread')).toBe('2');

    // The anonymous visitor is a number derived from the id; the id itself never shows.
    const visitorId = await visitorIdOf(visitor.page);
    const label = `Visitor #${visitorNumber(visitorId)}`;
    expect(await row.locator('strong').textContent()).toContain(label);
    expect(await console.locator('body').textContent()).not.toContain(visitorId);

    await expect.poll(async () => (await seen(console)).chimes).toBe(2);
    const { notes } = await seen(console);
    expect(notes).toEqual([
      { title: `New chat: ${label}`, body: 'First question' },
      { title: `New chat: ${label}`, body: 'Second question' },
    ]);

    // Back to the console: opening the chat reads it, the title and counts clear.
    await setVisibility(console, 'visible');
    await row.click();
    await expect.poll(() => console.title()).toBe(BASE_TITLE);
    expect(await console.locator('[data-tab=new] .count').count()).toBe(0);
    // Times are shown, under a day separator.
    expect(await console.locator('.log .day').first().textContent()).toBe('Today');
    expect(await console.locator('.msg.visitor time').first().getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);

    // The reply takes the chat into Mine; a message there while hidden counts in Mine.
    await console.locator('textarea[name=reply]').fill('Let me check that for you.');
    await console.locator('textarea[name=reply]').press('Enter');
    await widget(visitor.page).locator('.msg.operator .bubble', { hasText: 'Let me check that' }).waitFor();
    await setVisibility(console, 'hidden');
    await visitorSays(visitor.page, 'About my order');
    await expect.poll(() => console.title()).toBe(`(1) ${BASE_TITLE}`);
    expect(await console.locator('[data-tab=mine] .count').textContent()).toBe(' 1 unread');
    await expect.poll(async () => (await seen(console)).chimes).toBe(3);
    // Exactly one chime per message: nothing more arrives afterwards.
    await console.waitForTimeout(500);
    const after = await seen(console);
    expect(after.chimes).toBe(3);
    expect(after.notes.at(-1)).toEqual({ title: `New message: ${label}`, body: 'About my order' });

    // Visible again with the chat on screen: it is read at once.
    await setVisibility(console, 'visible');
    await expect.poll(() => console.title()).toBe(BASE_TITLE);

    // With the sound off, a message counts but does not chime.
    await console.locator('input[name=sound]').uncheck();
    await setVisibility(console, 'hidden');
    await visitorSays(visitor.page, 'Still there?');
    await expect.poll(() => console.title()).toBe(`(1) ${BASE_TITLE}`);
    expect((await seen(console)).chimes).toBe(3);

    // On the Requests tab the chat is not on screen: a message there stays unread until
    // the operator is back on the chat.
    await setVisibility(console, 'visible');
    await expect.poll(() => console.title()).toBe(BASE_TITLE);
    await console.locator('[data-tab=leads]').click();
    await visitorSays(visitor.page, 'Anyone?');
    await expect.poll(() => console.title()).toBe(`(1) ${BASE_TITLE}`);
    await console.waitForTimeout(300);
    expect(await widget(visitor.page).locator('.msg.visitor', { hasText: 'Anyone?' }).locator('.read').count()).toBe(0);
    await console.locator('[data-tab=mine]').click();
    await expect.poll(() => console.title()).toBe(BASE_TITLE);
    await widget(visitor.page).locator('.msg.visitor', { hasText: 'Anyone?' }).locator('.read').waitFor();

    expect(operator.errors).toEqual([]);
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });

  it('asks before End and Spam, works from the keyboard, searches, and passes axe', async () => {
    const { page: console, ...operator } = await consoleAs(env.browser, env.url, 'max');
    const first = await visitorWithChatOpen(env.browser, env.url);
    await visitorSays(first.page, 'Keyboard person here');
    const second = await visitorWithChatOpen(env.browser, env.url);
    await visitorSays(second.page, 'Buy cheap pills');
    await console.locator('.list button', { hasText: 'Buy cheap pills' }).waitFor();
    await console.locator('.list button', { hasText: 'Keyboard person here' }).waitFor();

    // j selects the first (newest) chat, j the next; r goes to the reply field.
    await console.locator('body').press('1');
    await console.keyboard.press('j');
    await console.locator('.chat header', { hasText: 'Visitor #' }).waitFor();
    await console.locator('.msg.visitor', { hasText: 'Buy cheap pills' }).waitFor();
    await console.keyboard.press('j');
    await console.locator('.msg.visitor', { hasText: 'Keyboard person here' }).waitFor();
    await console.keyboard.press('k');
    await console.locator('.msg.visitor', { hasText: 'Buy cheap pills' }).waitFor();
    await console.keyboard.press('Alt+ArrowDown');
    await console.locator('.msg.visitor', { hasText: 'Keyboard person here' }).waitFor();
    await console.keyboard.press('r');
    expect(await console.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('reply');
    // In the field, keys are text, not shortcuts.
    await console.keyboard.type('je');
    expect(await console.locator('textarea[name=reply]').inputValue()).toBe('je');
    expect(await console.locator('dialog[open]').count()).toBe(0);
    await console.locator('textarea[name=reply]').fill('');
    await console.keyboard.press('Escape');

    // e asks before ending; the focus starts on Cancel and stays inside the dialog.
    await console.keyboard.press('e');
    const dialog = console.getByRole('dialog', { name: 'End this chat?' });
    await dialog.waitFor();
    expect(await console.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await console.keyboard.press('Tab');
    expect(await console.evaluate(() => document.activeElement?.textContent)).toBe('End chat');
    await console.keyboard.press('Tab');
    expect(await console.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await console.keyboard.press('Shift+Tab');
    expect(await console.evaluate(() => document.activeElement?.textContent)).toBe('End chat');
    expect(await axeViolations(console)).toEqual([]);
    // Escape cancels: the chat stays open, the visitor sees nothing.
    await console.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await console.locator('.chat header button', { hasText: 'End chat' }).count()).toBe(1);
    expect(await widget(first.page).locator('.star').count()).toBe(0);
    // Confirmed (from the keyboard): the chat ends and the visitor is asked to rate it; the
    // focus stays in the chat, on its transcript, though End chat is gone.
    await console.keyboard.press('e');
    await dialog.waitFor();
    await console.keyboard.press('Tab');
    await console.keyboard.press('Enter');
    await console.locator('.placeholder', { hasText: 'This conversation is closed' }).waitFor();
    await widget(first.page).locator('.star').first().waitFor();
    await expect.poll(() => console.evaluate(() => document.activeElement?.textContent)).toBe('Transcript');

    // Spam: Cancel keeps the chat; the clearly named button ends it as spam.
    await console.locator('[data-tab=new]').click();
    await console.locator('.list button', { hasText: 'Buy cheap pills' }).click();
    await console.locator('button.spam').click();
    const spam = console.getByRole('dialog', { name: 'Mark this chat as spam?' });
    await spam.getByRole('button', { name: 'Cancel' }).click();
    await spam.waitFor({ state: 'detached' });
    expect(await console.locator('button.spam').count()).toBe(1);
    await console.locator('body').press('s');
    await spam.getByRole('button', { name: 'Mark as spam and block' }).click();
    await console.locator('.placeholder', { hasText: 'closed as spam' }).waitFor();

    // "?" lists the shortcuts; Escape closes it and the focus comes back.
    await console.locator('body').press('?');
    const help = console.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.locator('tbody tr').count()).toBeGreaterThan(8);
    expect(await help.textContent()).toContain('End the open chat');
    expect(await axeViolations(console)).toEqual([]);
    await console.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // "/" searches what is loaded: the All tab, by text and by status.
    await console.keyboard.press('3');
    await console.keyboard.press('/');
    expect(await console.evaluate(() => document.activeElement?.id)).toBe('search');
    await console.keyboard.type('pills');
    await expect.poll(() => console.locator('.list button').count()).toBe(1);
    await console.locator('#search').fill('');
    await console.locator('select[aria-label="Conversation status"]').selectOption('spam');
    await expect.poll(() => console.locator('.list button').count()).toBe(1);
    expect(await console.locator('.list button').textContent()).toContain('spam');
    await console.locator('#search').fill('keyboard');
    await console.locator('.list .empty', { hasText: 'Nothing matches the search.' }).waitFor();
    expect(await axeViolations(console)).toEqual([]);

    expect(operator.errors).toEqual([]);
    await first.context.close();
    await second.context.close();
    await operator.context.close();
  });

  it("shows the visitor's earlier chat inline and offers no second chat beside an open one", async () => {
    const { page: console, ...operator } = await consoleAs(env.browser, env.url, 'anna');
    const visitor = await visitorWithChatOpen(env.browser, env.url);
    await visitorSays(visitor.page, 'My first chat');
    await console.locator('.list button', { hasText: 'My first chat' }).click();
    await console.locator('textarea[name=reply]').fill('Answered in the first chat.');
    await console.locator('textarea[name=reply]').press('Enter');
    await widget(visitor.page).locator('.msg.operator .bubble', { hasText: 'Answered in the first chat.' }).waitFor();
    await console.locator('.chat header button', { hasText: 'End chat' }).click();
    await console.getByRole('dialog').getByRole('button', { name: 'End chat' }).click();
    await widget(visitor.page).locator('.star').first().waitFor();
    await widget(visitor.page).locator('.rating button.link', { hasText: 'No, thanks' }).click();

    // The visitor comes back with a new question: the console shows the earlier chat above it.
    await visitorSays(visitor.page, 'A second question');
    // A returning visitor goes straight to Anna (sticky routing), greeted: unread in Mine.
    await console.locator('[data-tab=mine] .count').waitFor();
    await console.locator('[data-tab=mine]').click();
    const label = `Visitor #${visitorNumber(await visitorIdOf(visitor.page))}`;
    await console.locator('.list button.unread', { hasText: label }).click();
    await console.locator('.msg.visitor', { hasText: 'A second question' }).waitFor();
    const history = console.getByRole('region', { name: 'Earlier with this visitor' });
    await history.waitFor();
    expect(await history.locator('details.earlier').count()).toBe(1);
    await history.locator('details.earlier summary').click();
    await history.locator('.earlier-msg', { hasText: 'Answered in the first chat.' }).waitFor();
    expect(await history.locator('.earlier-msg.visitor').textContent()).toContain('My first chat');

    // On site: this visitor has an open chat, so the console offers to open it, not to write first.
    await console.locator('[data-tab=online]').click();
    const row = console.locator('.visitor-row', { hasText: label });
    await row.locator('button', { hasText: 'Open chat' }).waitFor();
    expect(await row.locator('button.write-first').count()).toBe(0);
    expect(await axeViolations(console)).toEqual([]);

    expect(operator.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });

  it('inserts a canned reply with "/" and a search, editable before sending', async () => {
    const { page: console, ...operator } = await consoleAs(env.browser, env.url, 'max');
    const visitor = await visitorWithChatOpen(env.browser, env.url);
    await visitorSays(visitor.page, 'Do you ship abroad?');
    await console.locator('.list button', { hasText: 'Do you ship abroad?' }).click();

    // The team with live statuses: Anna steps away, Max sees it.
    await console.locator('.team summary').click();
    const anna = await operatorLogin(operator.context, env.url, 'anna');
    await console.locator('.team li[data-operator=anna]', { hasText: 'Available' }).waitFor();
    await anna.locator('select[name=status]').selectOption('break');
    await console.locator('.team li[data-operator=anna]', { hasText: 'Break' }).waitFor();
    expect(await console.locator('.team summary').textContent()).toBe('Team: 1 of 2 available');
    await anna.close();

    // Max writes his own reply once.
    await console.locator('.reply button', { hasText: 'Canned replies' }).click();
    const manage = console.getByRole('dialog', { name: 'Canned replies' });
    await manage.waitFor();
    expect(await console.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('title');
    await manage.locator('input[name=title]').fill('Shipping abroad');
    await manage.locator('textarea[name=text]').fill('We ship to 30 countries; delivery takes 5–7 days.');
    await manage.getByRole('button', { name: 'Add reply' }).click();
    await manage.locator('.canned-list li', { hasText: 'Shipping abroad' }).waitFor();
    expect(await axeViolations(console)).toEqual([]);
    await console.keyboard.press('Escape');
    await manage.waitFor({ state: 'detached' });

    // "/" and a word: the list offers it; Enter puts the text in the field, to edit.
    const field = console.locator('textarea[name=reply]');
    await field.click();
    await console.keyboard.type('/abroad');
    const option = console.getByRole('option', { name: /Shipping abroad/ });
    await option.waitFor();
    expect(await option.getAttribute('aria-selected')).toBe('true');
    expect(await field.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    expect(await axeViolations(console)).toEqual([]);
    await console.keyboard.press('Enter');
    expect(await field.inputValue()).toBe('We ship to 30 countries; delivery takes 5–7 days.');
    expect(await console.getByRole('listbox').count()).toBe(0);
    await console.keyboard.type(' To Almaty: 3 days.');
    await console.keyboard.press('Enter');
    await widget(visitor.page)
      .locator('.msg.operator .bubble', {
        hasText: 'We ship to 30 countries; delivery takes 5–7 days. To Almaty: 3 days.',
      })
      .waitFor();

    // Escape closes the list without leaving the field; a "/" with no match sends as typed.
    await console.keyboard.type('/abroad');
    await console.getByRole('listbox').waitFor();
    await console.keyboard.press('Escape');
    expect(await console.getByRole('listbox').count()).toBe(0);
    expect(await console.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('reply');
    await field.fill('');
    await console.keyboard.type('/help is a command in our app');
    await console.keyboard.press('Enter');
    await widget(visitor.page).locator('.msg.operator .bubble', { hasText: '/help is a command in our app' }).waitFor();

    // Kept in this browser for Max: after a reload it is still there.
    await console.reload();
    await console.locator('.me .state', { hasText: 'online' }).waitFor();
    await console.locator('[data-tab=mine]').click();
    await console.locator('.list button', { hasText: '/help' }).click();
    await console.locator('textarea[name=reply]').click();
    await console.keyboard.type('/ship');
    await console.getByRole('option', { name: /Shipping abroad/ }).waitFor();

    expect(operator.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });

  it("two operators see each other's moves live: a pick-up leaves New, an end reaches Closed", async () => {
    const { page: anna, ...annaContext } = await consoleAs(env.browser, env.url, 'anna');
    const { page: max, ...maxContext } = await consoleAs(env.browser, env.url, 'max');
    await anna.locator('select[name=status]').selectOption('available');
    const visitor = await visitorWithChatOpen(env.browser, env.url);
    await visitorSays(visitor.page, 'Who will answer me?');
    const visitorId = await visitorIdOf(visitor.page);
    // The row of this very chat: labels are short and can repeat across the visitors of the run.
    // Pressing Enter does not wait for the server: wait until the chat is stored.
    let conversation = await env.harness.server.store.latestConversation('demo', `v:${visitorId}`);
    for (let tries = 0; !conversation && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      conversation = await env.harness.server.store.latestConversation('demo', `v:${visitorId}`);
    }
    if (!conversation) throw new Error('the visitor’s chat was not stored within 5 s');
    const row = (page: Page) => page.locator(`.list button[data-conversation="${conversation.id}"]`);

    // Both see the new chat, unread, in New (unless routing gave it to one of them already).
    for (const page of [anna, max]) await page.locator('[data-tab=all]').click();
    await row(max).waitFor();
    await row(anna).click();
    await anna.locator('textarea[name=reply]').fill('Anna here.');
    await anna.locator('textarea[name=reply]').press('Enter');

    // Max's New tab no longer lists it, his All tab shows Anna's answer.
    await max.locator('.list button', { hasText: 'Anna here.' }).waitFor();
    await max.locator('[data-tab=new]').click();
    expect(await row(max).count()).toBe(0);
    await max.locator('[data-tab=all]').click();
    await max.locator('select[aria-label=Operator]').selectOption('anna');
    await row(max).waitFor();

    // Anna ends it: Max sees it under Closed, with the close reason.
    await anna.locator('.chat header button', { hasText: 'End chat' }).click();
    await anna.getByRole('dialog').getByRole('button', { name: 'End chat' }).click();
    await max.locator('[data-tab=closed]').click();
    await row(max).waitFor();
    await row(max).click();
    await max.locator('.placeholder', { hasText: 'This conversation is closed' }).waitFor();

    expect(annaContext.errors).toEqual([]);
    expect(maxContext.errors).toEqual([]);
    await visitor.context.close();
    await annaContext.context.close();
    await maxContext.context.close();
  });
});
