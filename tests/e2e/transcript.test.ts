/**
 * The visitor keeps the chat, in Chromium against the real server: "Save chat" downloads
 * it as text and as a web page (escaped text only), and e-mails it — the server knows no
 * address for this visitor, so the widget asks for one — to a real SMTP server on
 * 127.0.0.1, which receives it exactly once. The operator's line about passing the chat
 * on is shown in the visitor's language. axe-core checks the open tools.
 */
import { readFileSync } from 'node:fs';
import type { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { axeViolations } from '../support/axe';
import {
  DEMO_SITES,
  describeInBrowser,
  newContext,
  openWidget,
  operatorLogin,
  useBrowserAndServer,
  visitorSays,
  widget,
} from '../support/browser';
import { freePort } from '../support/engines';
import { closeReceiver, header, smtpReceiver, type Received } from '../support/smtp-receiver';

const inbox: Received[] = [];
let receiver: SMTPServer | undefined;
const smtpPort = await freePort();
beforeAll(async () => {
  receiver = await smtpReceiver(smtpPort, inbox);
});
afterAll(async () => {
  if (receiver) await closeReceiver(receiver);
});

describeInBrowser('Save chat in the widget', () => {
  const env = useBrowserAndServer({
    sites: DEMO_SITES,
    server: { mail: { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: 'Demo Shop <chat@shop.example>', pollMs: 100 } },
  });

  it('downloads the chat as text and as a web page, and e-mails it once to the address typed', async () => {
    const operator = await newContext(env.browser);
    const anna = await operatorLogin(operator.context, env.url, 'anna');
    const visitor = await newContext(env.browser, { acceptDownloads: true });
    const page = await visitor.context.newPage();
    await page.goto(`${env.url}/`);
    await openWidget(page);
    await visitorSays(page, 'Is the <b>blue</b> sofa & chair set in stock?');

    // Anna answers, then passes the chat on to Max, who is at work.
    await anna.locator('[data-tab=all]').click();
    await anna.locator('.list button[data-conversation]').first().click();
    await anna.locator('textarea[name=reply]').fill('Yes, both are in stock.');
    await anna.locator('textarea[name=reply]').press('Enter');
    await widget(page).locator('.msg.operator .bubble', { hasText: 'Yes, both are in stock.' }).waitFor();

    const tools = widget(page).getByRole('group', { name: 'Save this chat' });
    await widget(page).getByRole('button', { name: 'Save chat' }).click();
    await tools.waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const asText = page.waitForEvent('download');
    await tools.getByRole('button', { name: 'Download as text' }).click();
    const text = await asText;
    expect(text.suggestedFilename()).toMatch(/^chat-\d{4}-\d{2}-\d{2}\.txt$/);
    const textBody = readFileSync((await text.path())!, 'utf8');
    expect(textBody).toContain('You:\nIs the <b>blue</b> sofa & chair set in stock?');
    expect(textBody).toContain('Anna:\nYes, both are in stock.');

    const asPage = page.waitForEvent('download');
    await tools.getByRole('button', { name: 'Download as web page' }).click();
    const html = readFileSync((await (await asPage).path())!, 'utf8');
    expect(html).toContain('Is the &lt;b&gt;blue&lt;/b&gt; sofa &amp; chair set in stock?');
    expect(html).not.toContain('<b>blue</b>');

    // No address known for this visitor: the widget asks for one, then sends.
    await tools.getByRole('button', { name: 'Send to my e-mail' }).click();
    const address = tools.getByRole('textbox', { name: 'Your e-mail' });
    await address.waitFor();
    await expect.poll(() => address.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await address.fill('ann@example.com');
    await address.press('Enter');
    await tools.getByRole('status').filter({ hasText: 'Sent. It will be in your inbox in a few minutes.' }).waitFor();

    await expect.poll(() => inbox.length, { timeout: 10_000 }).toBe(1);
    const [mail] = inbox;
    expect(mail!.to).toEqual(['ann@example.com']);
    expect(header(mail!.raw, 'Subject')).toBe('Your chat with Confab Demo Shop');
    expect(mail!.raw).toContain('Yes, both are in stock.');
    // Exactly once: nothing more arrives while the outbox keeps polling.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(inbox).toHaveLength(1);

    // The line about the chat being passed on, in the visitor's language.
    await page.evaluate(() => (window as unknown as { Confab: (c: string, l: string) => void }).Confab('locale', 'de'));
    const max = await operatorLogin((await newContext(env.browser)).context, env.url, 'max');
    await max.locator('.me .state', { hasText: 'online' }).waitFor();
    await anna.locator('.chat header button', { hasText: 'Transfer' }).click();
    const dialog = anna.getByRole('dialog', { name: 'Transfer this chat' });
    await dialog.locator('select[name=to]').selectOption('operator:max');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await widget(page).locator('.notice', { hasText: 'Anna hat den Chat an Max übergeben.' }).waitFor();
    expect(visitor.errors).toEqual([]);
  });
});
