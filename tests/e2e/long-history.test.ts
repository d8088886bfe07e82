import { expect, it } from 'vitest';
import { connectOperator } from '../support/server';
import { newId } from '../../src/protocol';
import {
  describeInBrowser,
  newContext,
  openWidget,
  useBrowserAndServer,
  visitorSays,
  widget,
} from '../support/browser';

const REPLIES = 120;

describeInBrowser('a returning visitor with a long history', () => {
  const env = useBrowserAndServer();

  it('opens the panel at the newest message, with only the newest part of the history rendered', async () => {
    // Someone on duty, so the visitor gets the chat rather than the request form.
    const onDuty = (await connectOperator(env.url, 'max', 'demo')).socket;
    const { context, errors } = await newContext(env.browser);
    const page = await context.newPage();
    await page.goto(`${env.url}/`);
    await openWidget(page);
    await visitorSays(page, 'Hello, a question about my order');
    await widget(page).locator('.msg.visitor[data-state=sent]').waitFor();

    // The operator answers at length (operators have no rate limit, visitors do).
    const { socket, hello } = await connectOperator(env.url, 'max', 'demo');
    const conversation = hello.conversations.find((c) => c.status === 'open')!;
    for (let i = 1; i <= REPLIES; i++) {
      const ack = await socket
        .timeout(5000)
        .emitWithAck('message:send', { conversationId: conversation.id, clientId: newId(), text: `Reply ${i}` });
      expect(ack, JSON.stringify(ack)).toMatchObject({ ok: true });
    }
    socket.disconnect();
    onDuty.disconnect();

    // The next page view: the history comes with the session, the panel is closed.
    await page.reload();
    await widget(page).locator('button.launcher').waitFor();
    await expect.poll(() => widget(page).locator('.launcher .badge').textContent()).not.toBe('');
    expect(await widget(page).locator('.msg').count()).toBe(0);

    await openWidget(page);
    const newest = widget(page).locator('.msg', { hasText: `Reply ${REPLIES}` });
    await newest.waitFor();
    const rendered = await widget(page).locator('.log .msg').count();
    expect(rendered).toBeGreaterThanOrEqual(40);
    expect(rendered).toBeLessThanOrEqual(60);
    // The newest message is inside the log's visible area, and the log is at its end.
    const geometry = await widget(page)
      .locator('.log')
      .evaluate((log) => {
        const last = [...log.querySelectorAll('.msg')].at(-1)!.getBoundingClientRect();
        const box = log.getBoundingClientRect();
        return {
          lastBottom: last.bottom,
          boxTop: box.top,
          boxBottom: box.bottom,
          gap: log.scrollHeight - log.scrollTop - log.clientHeight,
        };
      });
    expect(geometry.lastBottom).toBeLessThanOrEqual(geometry.boxBottom + 1);
    expect(geometry.lastBottom).toBeGreaterThan(geometry.boxTop);
    expect(geometry.gap).toBeLessThanOrEqual(1);

    // Scrolling to the top renders earlier messages above, and the view stays where it was.
    const firstShown = await widget(page).locator('.log .msg').first().getAttribute('data-id');
    await widget(page)
      .locator('.log')
      .evaluate((log) => {
        log.scrollTop = 0;
      });
    await expect.poll(() => widget(page).locator('.log .msg').count()).toBeGreaterThan(rendered);
    const shift = await widget(page)
      .locator('.log')
      .evaluate((log, id) => {
        const anchor = log.querySelector(`.msg[data-id="${id}"]`)!.getBoundingClientRect().top;
        return anchor - log.getBoundingClientRect().top;
      }, firstShown);
    // Still the message that was at the top, give or take the first rows' spacing.
    expect(Math.abs(shift)).toBeLessThan(40);

    expect(errors).toEqual([]);
    await context.close();
  });
});
