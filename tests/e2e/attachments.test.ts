/**
 * Files, images and voice both ways, in Chromium against the real server: the visitor
 * sends an image and a PDF, the operator sees and opens them and sends an image back; a
 * voice message recorded from Chromium's fake microphone is played in the console; a
 * reload in the middle of an upload still delivers the file once; files chosen before a
 * reload are still chosen after it (from IndexedDB), and leave it once sent; the attach path works
 * from the keyboard alone; axe-core finds nothing in the widget's new parts. On the
 * console's side: files dropped on and pasted into the reply (a refused type says why),
 * and a voice message recorded, deleted, recorded again and sent, played by the visitor.
 *
 * Drop and paste are DOM events carrying a real DataTransfer of real File objects, made
 * in the page: Playwright cannot drag a file from the desktop or fill the system clipboard.
 */
import type { Browser, FileChooser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  FLAGS,
  describeInBrowser,
  launchBrowser,
  newContext,
  openWidget,
  operatorLogin,
  useBrowserAndServer,
  widget,
} from '../support/browser';
import { axeViolations } from '../support/axe';
import { pdf, png } from '../support/sample-files';

let env: ReturnType<typeof useBrowserAndServer>;
let voiceEnv: ReturnType<typeof useBrowserAndServer>;

const shadowFocus = (page: Page) =>
  page.evaluate(() => {
    const active = document.querySelector('confab-widget')!.shadowRoot!.activeElement;
    return active?.getAttribute('aria-label') ?? active?.tagName.toLowerCase() ?? null;
  });

/** A visitor on the sample page with the chat open (an operator is online, so it is the chat). */
async function visitorPage(browser: Browser, url = env.url) {
  const visitor = await newContext(browser);
  const page = await visitor.context.newPage();
  await page.goto(`${url}/`);
  await openWidget(page);
  await widget(page).locator('input[type=file]').waitFor({ state: 'attached' });
  return { ...visitor, page };
}

describeInBrowser('attachments', () => {
  env = useBrowserAndServer();

  it('visitor sends an image and a PDF; the operator opens both and sends an image back', async () => {
    const operator = await newContext(env.browser);
    const console = await operatorLogin(operator.context, env.url, 'anna');
    const { page, context, errors } = await visitorPage(env.browser);

    await widget(page)
      .locator('input[type=file]')
      .setInputFiles([
        { name: 'photo.png', mimeType: 'image/png', buffer: png(64, 48) },
        { name: 'terms.pdf', mimeType: 'application/pdf', buffer: pdf() },
      ]);
    await widget(page).locator('.chosen li').nth(1).waitFor();
    expect(await widget(page).locator('.chosen .name').allTextContents()).toEqual(['photo.png', 'terms.pdf']);
    // Each name shows whole beside its thumbnail, not cut to "ph…".
    const cut = await widget(page)
      .locator('.chosen .name')
      .evaluateAll((names) =>
        names.filter((name) => name.scrollWidth > name.clientWidth).map((name) => name.textContent),
      );
    expect(cut).toEqual([]);
    // Right to left: the remove button sits at the item's inline end (its left), the size
    // still reads "100 B" (number first), each one box, not reordered.
    const rtl = await widget(page)
      .locator('.panel')
      .evaluate((panel) => {
        panel.setAttribute('dir', 'rtl');
        const item = panel.querySelector('.chosen li')!.getBoundingClientRect();
        const remove = panel.querySelector('.chosen .icon-button')!.getBoundingClientRect();
        const size = panel.querySelector('.chosen li:nth-child(2) .size')!;
        const range = document.createRange();
        const text = size.textContent!;
        // Where the number's first glyph is drawn: left of the unit in reading order "193 B".
        range.setStart(size.firstChild!, 0);
        range.setEnd(size.firstChild!, 1);
        const digit = range.getBoundingClientRect().left;
        range.setStart(size.firstChild!, text.length - 1);
        range.setEnd(size.firstChild!, text.length);
        const unit = range.getBoundingClientRect().left;
        panel.setAttribute('dir', 'ltr');
        return { removeAtStart: remove.left - item.left < 8, numberBeforeUnit: digit < unit };
      });
    expect(rtl).toEqual({ removeAtStart: true, numberBeforeUnit: true });
    expect(await axeViolations(page, 'confab-widget')).toEqual([]);
    await widget(page).locator('textarea').fill('Two files for you');
    await widget(page).locator('textarea').press('Enter');
    const sent = widget(page).locator('.msg.visitor[data-state=sent]', { hasText: 'Two files for you' });
    await sent.locator('.thumb img').waitFor();
    expect(await sent.locator('.file .name').textContent()).toBe('terms.pdf');
    expect(await widget(page).locator('.chosen li').count()).toBe(0);

    // The operator sees both, opens the image full size, and the PDF downloads as a file.
    await console.locator('.list button', { hasText: 'Two files for you' }).click();
    // Transcript looks like Transfer beside it, and Attach like Voice and Canned replies.
    const look = (selector: string) =>
      console
        .locator(selector)
        .first()
        .evaluate((element) => {
          const style = getComputedStyle(element);
          return [style.borderTopStyle, style.borderTopColor, style.backgroundColor, style.color].join(' ');
        });
    expect(await look('button.transcript')).toBe(await look('button.transfer-chat'));
    expect(await look('.reply label.attach')).toBe(await look('.reply button.secondary'));
    const message = console.locator('.msg.visitor', { hasText: 'Two files for you' });
    await message.locator('.thumb img').waitFor();
    await expect
      .poll(() => message.locator('.thumb img').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(64);
    await message.locator('.thumb').click();
    const modal = console.locator('dialog.modal');
    await modal.locator('img.full').waitFor();
    await expect.poll(() => modal.locator('img.full').evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(48);
    await console.keyboard.press('Escape');
    await modal.waitFor({ state: 'detached' });
    const pdfUrl = await message.locator('.file a').getAttribute('href');
    const download = await fetch(pdfUrl!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf());

    // The operator sends an image back; the visitor opens it from the keyboard.
    await console.locator('form.reply input[type=file]').setInputFiles({
      name: 'answer.png',
      mimeType: 'image/png',
      buffer: png(30, 20, [200, 40, 40]),
    });
    await console.locator('.chosen-files li', { hasText: 'answer.png' }).waitFor();
    await console.locator('textarea[name=reply]').fill('Here is ours');
    await console.locator('textarea[name=reply]').press('Enter');
    const reply = widget(page).locator('.msg.operator', { hasText: 'Here is ours' });
    await reply.locator('.thumb img').waitFor();
    await expect.poll(() => reply.locator('.thumb img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(30);
    await reply.locator('.thumb').focus();
    await page.keyboard.press('Enter');
    const viewer = widget(page).locator('.viewer[role=dialog]');
    await viewer.waitFor();
    // The viewer takes focus once it has rendered.
    await expect.poll(() => shadowFocus(page)).toBe('button');
    expect(await axeViolations(page, 'confab-widget')).toEqual([]);
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    // Escape closed the image, not the chat; focus is back on the thumbnail.
    expect(await widget(page).locator('.panel').isVisible()).toBe(true);
    await expect.poll(() => shadowFocus(page)).toBe('Open image answer.png');
    expect(await axeViolations(page, 'confab-widget')).toEqual([]);

    expect(errors).toEqual([]);
    await context.close();
    await operator.context.close();
  });

  it('a reload in the middle of an upload still delivers the file, once', async () => {
    const operator = await newContext(env.browser);
    const console = await operatorLogin(operator.context, env.url, 'anna');
    const { page, context } = await visitorPage(env.browser);
    await widget(page).locator('textarea').fill('Before the file');
    await widget(page).locator('textarea').press('Enter');
    await widget(page).locator('.msg.visitor[data-state=sent]').waitFor();
    await console.locator('.list button', { hasText: 'Before the file' }).click();
    await console.locator('.msg.visitor', { hasText: 'Before the file' }).waitFor();

    // The first upload reaches the server, but its answer never reaches the page: the
    // page reloads while waiting for it.
    let uploads = 0;
    let stored!: () => void;
    const reachedServer = new Promise<void>((resolve) => (stored = resolve));
    await page.route('**/api/uploads**', async (route) => {
      uploads++;
      if (uploads === 1) {
        await route.fetch();
        stored();
        return;
      }
      await route.continue();
    });
    await widget(page)
      .locator('input[type=file]')
      .setInputFiles({ name: 'once.pdf', mimeType: 'application/pdf', buffer: pdf('once') });
    await widget(page).locator('.chosen li').waitFor();
    await widget(page).locator('textarea').press('Enter');
    await reachedServer;
    await page.reload();
    await openWidget(page);

    const delivered = widget(page).locator('.msg.visitor[data-state=sent]', { hasText: 'once.pdf' });
    await delivered.waitFor();
    await console.locator('.msg.visitor .file', { hasText: 'once.pdf' }).waitFor();
    // A moment for any second copy to show up, then count.
    await page.waitForTimeout(1500);
    expect(await console.locator('.msg.visitor .file', { hasText: 'once.pdf' }).count()).toBe(1);
    expect(await widget(page).locator('.msg.visitor .file', { hasText: 'once.pdf' }).count()).toBe(1);
    expect(await widget(page).locator('.msg.visitor:not([data-state=sent])').count()).toBe(0);
    // The key found the finished upload: the bytes were not sent a second time.
    expect(uploads).toBe(1);
    await context.close();
    await operator.context.close();
  });

  it('a file chosen before a reload is still chosen after it, and its bytes leave IndexedDB once sent', async () => {
    const operator = await newContext(env.browser);
    const console = await operatorLogin(operator.context, env.url, 'anna');
    const { page, context, errors } = await visitorPage(env.browser);
    /** Entries in the widget's file database: bytes, and the marks of queued files. */
    const storedEntries = () =>
      page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const open = indexedDB.open('confab-files');
            open.onsuccess = () => {
              const count = open.result.transaction('files').objectStore('files').count();
              count.onsuccess = () => resolve(count.result);
            };
          }),
      );
    await widget(page)
      .locator('input[type=file]')
      .setInputFiles([
        { name: 'kept.png', mimeType: 'image/png', buffer: png(40, 30) },
        { name: 'dropped-later.pdf', mimeType: 'application/pdf', buffer: pdf('later') },
      ]);
    await widget(page).locator('.chosen li').nth(1).waitFor();
    expect(await storedEntries()).toBe(2);

    await page.reload();
    await openWidget(page);
    const chosen = widget(page).locator('.chosen li');
    await chosen.nth(1).waitFor();
    expect(await widget(page).locator('.chosen .name').allTextContents()).toEqual(['kept.png', 'dropped-later.pdf']);
    await expect
      .poll(() =>
        chosen
          .first()
          .locator('img')
          .evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBe(40);
    await widget(page).getByRole('button', { name: 'Remove dropped-later.pdf' }).click();
    await expect.poll(storedEntries).toBe(1);

    await widget(page).locator('textarea').fill('Chosen before the reload');
    await widget(page).locator('textarea').press('Enter');
    await widget(page)
      .locator('.msg.visitor[data-state=sent]', { hasText: 'Chosen before the reload' })
      .locator('.thumb img')
      .waitFor();
    await console.locator('.list button', { hasText: 'Chosen before the reload' }).click();
    await console.locator('.msg.visitor', { hasText: 'Chosen before the reload' }).locator('.thumb img').waitFor();
    // Sent and stored by the server: nothing is left in the browser.
    await expect.poll(storedEntries).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
    await operator.context.close();
  });

  it('attaches and sends from the keyboard alone', async () => {
    const operator = await newContext(env.browser);
    await operatorLogin(operator.context, env.url, 'anna');
    const { page, context } = await visitorPage(env.browser);
    // The page in front, as the person's would be: headless Chromium shows no file chooser
    // for a page behind the earlier tests' ones.
    await page.bringToFront();
    // Opening put the focus in the text field; the attach control is three steps back.
    expect(await shadowFocus(page)).toBe('Your message');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab');
    expect(await shadowFocus(page)).toBe('Attach files');
    // Space on the focused control opens the chooser. Headless Chromium now and then shows
    // none for a page that was behind others a moment ago, so the press is tried again,
    // each time with the page in front; a control that never opens it still fails.
    let chooser: FileChooser | undefined;
    for (let attempt = 0; !chooser && attempt < 3; attempt++) {
      await page.bringToFront();
      [chooser] = await Promise.all([
        page.waitForEvent('filechooser', { timeout: 5000 }).catch(() => undefined),
        page.keyboard.press('Space'),
      ]);
      expect(await shadowFocus(page)).toBe('Attach files');
    }
    if (!chooser) throw new Error('Space on "Attach files" opened no file chooser in three tries');
    await chooser.setFiles({ name: 'keyboard.pdf', mimeType: 'application/pdf', buffer: pdf('keys') });
    await widget(page).locator('.chosen li').waitFor();
    // Tab through the remove button and the tools back to the text field.
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    expect(await shadowFocus(page)).toBe('Your message');
    await page.keyboard.type('Sent without a mouse');
    await page.keyboard.press('Enter');
    await widget(page)
      .locator('.msg.visitor[data-state=sent]', { hasText: 'Sent without a mouse' })
      .locator('.file', { hasText: 'keyboard.pdf' })
      .waitFor();
    await context.close();
    await operator.context.close();
  });
  it('the operator drops and pastes files into the reply; the visitor gets them', async () => {
    const operator = await newContext(env.browser);
    const console = await operatorLogin(operator.context, env.url, 'anna');
    const { page, context } = await visitorPage(env.browser);
    await widget(page).locator('textarea').fill('Send me the papers');
    await widget(page).locator('textarea').press('Enter');
    await console.locator('.list button', { hasText: 'Send me the papers' }).click();
    await console.locator('.msg.visitor', { hasText: 'Send me the papers' }).waitFor();

    /** Drops (on the reply form) or pastes (into its field) files made in the page. */
    const handOver = (how: 'drop' | 'paste', files: { name: string; type: string; bytes: number[] }[]) =>
      console.evaluate(
        ({ how, files }) => {
          const data = new DataTransfer();
          for (const f of files) data.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
          const target = document.querySelector(how === 'drop' ? 'form.reply' : 'textarea[name=reply]')!;
          if (how === 'paste') {
            return target.dispatchEvent(
              new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: data }),
            );
          }
          target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data }));
          return target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
        },
        { how, files },
      );
    // A handled drop or paste is the console's: the browser does not open or insert the file.
    expect(
      await handOver('drop', [
        { name: 'dropped.pdf', type: 'application/pdf', bytes: [...pdf('dropped')] },
        { name: 'page.html', type: 'text/html', bytes: [...Buffer.from('<p>hi</p>')] },
      ]),
    ).toBe(false);
    await console.locator('.chosen-files [role=alert]', { hasText: 'This type of file cannot be sent' }).waitFor();
    expect(await handOver('paste', [{ name: 'image.png', type: 'image/png', bytes: [...png(12, 8)] }])).toBe(false);
    await console.locator('.chosen-files li', { hasText: 'image.png' }).waitFor();
    expect(await console.locator('.chosen-files .name').allTextContents()).toEqual(['dropped.pdf', 'image.png']);
    expect(await axeViolations(console)).toEqual([]);

    await console.locator('textarea[name=reply]').fill('Dropped and pasted');
    await console.locator('textarea[name=reply]').press('Enter');
    const reply = widget(page).locator('.msg.operator', { hasText: 'Dropped and pasted' });
    await reply.locator('.file', { hasText: 'dropped.pdf' }).waitFor();
    await reply.locator('.thumb img').waitFor();
    await expect.poll(() => reply.locator('.thumb img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(12);
    expect(await console.locator('.chosen-files li').count()).toBe(0);
    await context.close();
    await operator.context.close();
  });
});

describeInBrowser('voice messages', () => {
  voiceEnv = useBrowserAndServer();
  let voiceBrowser: Browser;
  beforeAll(async () => {
    voiceBrowser = await launchBrowser({
      args: [
        ...FLAGS,
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
  });
  afterAll(() => voiceBrowser?.close());

  it('the visitor records, listens and sends; the operator plays it with its length', async () => {
    const operator = await newContext(voiceBrowser);
    const console = await operatorLogin(operator.context, voiceEnv.url, 'anna');
    const { page, context, errors } = await visitorPage(voiceBrowser, voiceEnv.url);
    await widget(page).locator('textarea').fill('A voice message follows');
    await widget(page).locator('textarea').press('Enter');
    await console.locator('.list button', { hasText: 'A voice message follows' }).click();
    await console.locator('.msg.visitor', { hasText: 'A voice message follows' }).waitFor();

    await widget(page).getByRole('button', { name: 'Record voice' }).click();
    await widget(page).locator('.recorder').getByText('Up to 2:00').waitFor();
    await widget(page).getByRole('button', { name: 'Record', exact: true }).click();
    await widget(page).locator('.recorder [role=timer]').waitFor();
    await page.waitForTimeout(2200);
    await widget(page).getByRole('button', { name: 'Stop recording' }).click();
    // Listen before sending: the clip plays in the widget.
    const preview = widget(page).locator('.recorder audio');
    await preview.waitFor();
    expect(await axeViolations(page, 'confab-widget')).toEqual([]);
    await widget(page).getByRole('button', { name: 'Send recording' }).click();
    const sent = widget(page).locator('.msg.visitor[data-state=sent] .voice');
    await sent.waitFor();
    expect(await sent.locator('.size').textContent()).toMatch(/^0:0[2-3]$/);

    const audio = console.locator('.msg.visitor .voice audio');
    await audio.waitFor();
    expect(await console.locator('.msg.visitor .voice .size').textContent()).toMatch(/^0:0[2-3]$/);
    await audio.evaluate((element: HTMLAudioElement) => element.play());
    await expect
      .poll(() => audio.evaluate((element: HTMLAudioElement) => element.currentTime), { timeout: 10_000 })
      .toBeGreaterThan(0.3);
    expect(await audio.evaluate((element: HTMLAudioElement) => element.error)).toBeNull();
    expect(errors).toEqual([]);
    await context.close();
    await operator.context.close();
  });
  it('the operator records, deletes, records again and sends; the visitor plays it', async () => {
    const operator = await newContext(voiceBrowser);
    const console = await operatorLogin(operator.context, voiceEnv.url, 'anna');
    const { page, context } = await visitorPage(voiceBrowser, voiceEnv.url);
    await widget(page).locator('textarea').fill('Can you say it out loud?');
    await widget(page).locator('textarea').press('Enter');
    await console.locator('.list button', { hasText: 'Can you say it out loud?' }).click();
    await console.locator('.msg.visitor', { hasText: 'Can you say it out loud?' }).waitFor();

    await console.getByRole('button', { name: 'Voice' }).click();
    const recorder = console.locator('form.reply .recorder');
    await recorder.getByText('Up to 2:00').waitFor();
    const record = async (ms: number) => {
      await recorder.getByRole('button', { name: 'Record', exact: true }).click();
      await recorder.locator('[role=timer]').waitFor();
      await console.waitForTimeout(ms);
      await recorder.getByRole('button', { name: 'Stop' }).click();
      await recorder.locator('audio').waitFor();
    };
    // A first take, listened to and deleted: nothing is sent.
    await record(1200);
    expect(await recorder.locator('audio').getAttribute('src')).toMatch(/^blob:/);
    await recorder.getByRole('button', { name: 'Delete' }).click();
    await recorder.getByRole('button', { name: 'Record', exact: true }).waitFor();
    await record(2200);
    expect(await recorder.locator('span').first().textContent()).toMatch(/^0:0[2-3]$/);
    await recorder.getByRole('button', { name: 'Send recording' }).click();

    const voice = widget(page).locator('.msg.operator .voice');
    await voice.waitFor();
    expect(await voice.locator('.size').textContent()).toMatch(/^0:0[2-3]$/);
    // One voice message arrived: the deleted take never left the console.
    expect(await widget(page).locator('.msg.operator .voice').count()).toBe(1);
    const audio = voice.locator('audio');
    await audio.evaluate((element: HTMLAudioElement) => element.play());
    await expect
      .poll(() => audio.evaluate((element: HTMLAudioElement) => element.currentTime), { timeout: 10_000 })
      .toBeGreaterThan(0.3);
    expect(await audio.evaluate((element: HTMLAudioElement) => element.error)).toBeNull();
    expect(operator.errors).toEqual([]);
    await context.close();
    await operator.context.close();
  });
});
