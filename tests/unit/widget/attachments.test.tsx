/**
 * Attachments in the widget: the limits and their localized errors, the row of chosen
 * files, the outbox path of a message with files (pending → sent, refused, cancel) and
 * its resume after a reload from IndexedDB. happy-dom has no IndexedDB, so the real
 * in-memory implementation of the fake-indexeddb package stands in for the browser's.
 */
import 'fake-indexeddb/auto';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../../src/i18n';
import { UPLOAD_DEFAULTS, type UploadGrantPayload, type UploadSettings } from '../../../src/protocol';
import { createBlobStore, deleteBlob, getBlob, putBlob } from '../../../src/widget/attachments/blob-store';
import { formatDuration, formatSize, pickFiles, typeNames } from '../../../src/widget/attachments/files';
import { stageFiles as stageChecked } from '../../../src/widget/views/attach-tools';
import { stageFiles as handOver } from '../../../src/widget/views/composer';
import { attachmentOf } from '../../support/fake-transport';
import { messageOf } from '../../support/fixtures';
import { mountWidget, press, type MountedWidget } from '../../support/widget';

const uploads: UploadSettings = {
  maxBytes: 1024,
  types: ['image/png', 'application/pdf', 'audio/webm'],
  voiceMaxMs: 60_000,
};
// happy-dom lacks the `ondrop`/`ondragover`/`onpaste` properties browsers have, by which
// Preact knows these events' names; give elements what every browser gives them.
for (const name of ['ondrop', 'ondragover', 'onpaste'])
  if (!(name in HTMLElement.prototype))
    Object.defineProperty(HTMLElement.prototype, name, { value: null, writable: true });

/** The blob store as a page loaded after a reload sees it: nothing in memory, only what IndexedDB kept. */
const reloadedBlobStore = createBlobStore;

const file = (name: string, type: string, bytes = 10) => new File([new Uint8Array(bytes).fill(7)], name, { type });

/** What the file input, a drop and a paste do: hand the files to the attach chunk. */
const stageFiles = async (widget: MountedWidget['widget'], files: File[]) => {
  act(() => void handOver(widget, files as unknown as FileList));
  await settle();
};

/** Lets dynamic imports, IndexedDB callbacks and acks settle, inside act. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await act(() => new Promise((resolve) => setTimeout(resolve, 5)));
};

/** Settles until `ready` holds: a chunk's first import can outlast one settle on a loaded machine. */
const settleUntil = async (ready: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!ready() && Date.now() < deadline) await settle();
};

describe('file checks', () => {
  it('takes allowed types under the size limit, and says why it refused the rest', () => {
    const picked = pickFiles([file('a.png', 'image/png'), file('b.exe', 'application/x-msdownload')], uploads, 0);
    expect(picked.accepted.map((f) => f.name)).toEqual(['a.png']);
    expect(picked.problem).toBe('type');
    expect(pickFiles([file('big.pdf', 'application/pdf', 2048)], uploads, 0).problem).toBe('size');
    expect(pickFiles([file('empty.pdf', 'application/pdf', 0)], uploads, 0).problem).toBe('empty');
    // A recording's type carries codec parameters; the allowlist has the bare type.
    expect(pickFiles([file('v.webm', 'audio/webm;codecs=opus')], uploads, 0).problem).toBeNull();
  });

  it('keeps to five files per message, counting those already chosen', () => {
    const six = Array.from({ length: 6 }, (_, i) => file(`${i}.png`, 'image/png'));
    expect(pickFiles(six, uploads, 0).accepted).toHaveLength(5);
    expect(pickFiles(six, uploads, 0).problem).toBe('count');
    expect(pickFiles(six.slice(0, 2), uploads, 4).accepted).toHaveLength(1);
  });

  it('formats sizes, durations and the allowed types for people', () => {
    expect(formatSize(512, 'en')).toBe('512 B');
    expect(formatSize(1536, 'en')).toBe('1.5 KB');
    expect(formatSize(1536, 'de')).toBe('1,5 KB');
    expect(formatSize(10 * 1024 * 1024, 'en')).toBe('10 MB');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(typeNames(UPLOAD_DEFAULTS.types)).toBe('PNG, JPEG, GIF, WEBP, PDF, DOC, XLS, PPT, TXT, audio');
  });
});

describe('blob store', () => {
  it('keeps bytes in IndexedDB so they outlive the page, and forgets them on delete', async () => {
    await putBlob('k1', new Blob(['hello'], { type: 'text/plain' }));
    const fresh = reloadedBlobStore();
    const blob = await fresh.get('k1');
    expect(blob?.type).toBe('text/plain');
    expect(await blob?.text()).toBe('hello');
    await fresh.delete('k1');
    expect(await fresh.get('k1')).toBeUndefined();
  });

  it('sweeps only files marked queued that no message names, never a file still in a composer', async () => {
    const store = reloadedBlobStore();
    await store.put('queued-settled', new Blob(['a']));
    await store.put('queued-pending', new Blob(['b']));
    await store.put('in-a-composer', new Blob(['c']));
    await store.markQueued(['queued-settled', 'queued-pending']);
    await reloadedBlobStore().sweep((key) => key === 'queued-pending');
    const after = reloadedBlobStore();
    expect(await after.get('queued-settled')).toBeUndefined();
    expect(await (await after.get('queued-pending'))?.text()).toBe('b');
    expect(await (await after.get('in-a-composer'))?.text()).toBe('c');
    await after.delete('queued-pending');
    await after.delete('in-a-composer');
  });

  it('marks as queued the files of a message resumed after a reload, whose bytes only IndexedDB has', async () => {
    await reloadedBlobStore().put('from-an-earlier-page', new Blob(['d']));
    const page = reloadedBlobStore();
    await page.markQueued(['from-an-earlier-page']);
    await page.sweep(() => false);
    expect(await reloadedBlobStore().get('from-an-earlier-page')).toBeUndefined();
  });

  it('keeps bytes in memory only when told not to persist (no consent yet)', async () => {
    await putBlob('k2', new Blob(['x']), false);
    expect(await getBlob('k2')).toBeDefined();
    expect(await reloadedBlobStore().get('k2')).toBeUndefined();
    await deleteBlob('k2');
  });
});

describe('attaching in the widget', () => {
  let w: MountedWidget;
  beforeEach(() => {
    localStorage.clear();
    w = mountWidget();
  });
  afterEach(async () => {
    w.unmount();
    await setLocale('en');
  });

  it('shows the attach and voice buttons only when the site takes uploads', async () => {
    w.connect();
    // The tool buttons are a chunk of their own.
    await settleUntil(() => w.$('[aria-label="Emoji"]') !== null);
    expect(w.$('input[type=file]')).toBeNull();
    expect(w.$('[aria-label="Emoji"]')).not.toBeNull();
    w.connect({ uploads });
    await settle();
    const input = w.$('input[type=file]') as HTMLInputElement;
    expect(input.getAttribute('aria-label')).toBe('Attach files');
    expect(w.$('[aria-label="Record voice"]')).not.toBeNull();
  });

  it('refuses a file type with the allowed types, in the visitor’s language', async () => {
    w.connect({ uploads });
    await stageFiles(w.widget, [file('x.exe', 'application/x-msdownload')]);
    await settle();
    expect(w.$('.tray .problem')?.textContent).toBe(
      'x.exe: This type of file cannot be sent. Allowed: PNG, PDF, audio.',
    );
    await act(() => setLocale('de'));
    await stageFiles(w.widget, [file('big.pdf', 'application/pdf', 4096)]);
    await settle();
    expect(w.$('.tray .problem')?.textContent).toBe('big.pdf: Diese Datei ist zu groß. Höchstens 1 KB.');
    expect(w.widget.chat.files.value).toEqual([]);
  });

  it('names each refused file with its own reason, and takes the rest', async () => {
    w.connect({ uploads });
    await stageFiles(w.widget, [
      file('setup.exe', 'application/x-msdownload'),
      file('big.png', 'image/png', 4096),
      file('photo.png', 'image/png'),
    ]);
    await settle();
    expect(w.$$('.tray [role=alert] .problem').map((p) => p.textContent)).toEqual([
      'setup.exe: This type of file cannot be sent. Allowed: PNG, PDF, audio.',
      'big.png: This file is too large. The limit is 1 KB.',
    ]);
    expect(w.widget.chat.files.value.map((f) => f.name)).toEqual(['photo.png']);
  });

  it('previews chosen files with name and size, and removes one', async () => {
    w.connect({ uploads });
    await stageFiles(w.widget, [file('photo.png', 'image/png', 100), file('terms.pdf', 'application/pdf', 300)]);
    await settle();
    const items = w.$$('.chosen li');
    expect(items.map((li) => li.querySelector('.name')?.textContent)).toEqual(['photo.png', 'terms.pdf']);
    expect(items[1]!.querySelector('.size')?.textContent).toBe('300 B');
    // The image shows as a thumbnail from its bytes.
    expect(items[0]!.querySelector('img')?.getAttribute('src')).toMatch(/^blob:/);
    act(() => (w.$('[aria-label="Remove photo.png"]') as HTMLButtonElement).click());
    expect(w.$$('.chosen li').map((li) => li.querySelector('.name')?.textContent)).toEqual(['terms.pdf']);
    // The send button is live with files and no text.
    expect(w.$('.send')?.getAttribute('aria-disabled')).toBe('false');
  });

  it('closes only the emoji picker or the recorder on Escape, with focus back on its button', async () => {
    w.connect({ uploads });
    await settle();
    for (const [label, toolSelector] of [
      ['Emoji', '.emoji button'],
      ['Record voice', '.recorder > *'],
    ] as const) {
      const opener = w.$(`[aria-label="${label}"]`) as HTMLButtonElement;
      act(() => opener.click());
      await settle();
      const inside = w.$(toolSelector);
      expect(inside).not.toBeNull();
      // happy-dom cannot record, so the recorder holds only its message: the key comes from there.
      if (inside!.tabIndex >= 0) inside!.focus();
      await press(inside, 'Escape');
      expect(w.$(toolSelector)).toBeNull();
      expect(w.$('.panel')?.hidden).toBe(false);
      expect(w.root.activeElement).toBe(opener);
      expect(opener.getAttribute('aria-expanded')).toBe('false');
    }
    // With no tool open, Escape still closes the panel.
    await press(w.$('textarea'), 'Escape');
    expect(w.$('.panel')?.hidden).toBe(true);
  });

  it('sends files and caption as one message through the outbox', async () => {
    w.connect({ uploads });
    w.transport.answer = async (event, payload) => {
      expect(event).toBe('upload:grant');
      // The server already has this key's upload: nothing is sent twice.
      return { ok: true, attachment: attachmentOf(`a-${(payload as UploadGrantPayload).name}`) };
    };
    await stageFiles(w.widget, [file('terms.pdf', 'application/pdf')]);
    act(() => w.widget.chat.type('Here it is'));
    act(() => w.widget.chat.submit());
    await settleUntil(() => w.transport.sent.length > 0);
    await settle(); // time for a second send, which must not come
    expect(w.transport.sent).toHaveLength(1);
    expect(w.transport.sent[0]).toMatchObject({ text: 'Here it is', attachments: ['a-terms.pdf'] });
    expect(w.widget.chat.waiting.value).toEqual([]);
    expect(w.$('.msg.visitor .file .name')?.textContent).toBe('a-terms.pdf.pdf');
    expect(w.$('.msg.visitor .file a')?.getAttribute('href')).toContain('/files/a-terms.pdf');
    expect(w.$$('.chosen li')).toHaveLength(0);
  });

  it('keeps a refused upload in the outbox with its reason, and cancel gives it up', async () => {
    w.connect({ uploads });
    w.transport.answer = async () => ({ ok: false, error: { code: 'quota', message: 'quota' } });
    await stageFiles(w.widget, [file('terms.pdf', 'application/pdf')]);
    act(() => w.widget.chat.submit());
    await settleUntil(() => w.widget.chat.waiting.value[0]?.state === 'failed');
    expect(w.transport.sent).toHaveLength(0);
    expect(w.widget.chat.waiting.value[0]).toMatchObject({ state: 'failed', refused: 'quota' });
    expect(w.$('.msg.failed')?.textContent).toContain('You have sent as many files as you can for now.');
    const cancel = w.$$('.msg.failed button').find((b) => b.textContent === 'Cancel')!;
    act(() => cancel.click());
    expect(w.widget.chat.waiting.value).toEqual([]);
  });

  it('takes files dropped on the panel or pasted into it', async () => {
    w.connect({ uploads });
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { files: [file('dropped.pdf', 'application/pdf')] } });
    act(() => void w.$('textarea')!.dispatchEvent(drop));
    expect(drop.defaultPrevented).toBe(true);
    const paste = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(paste, 'clipboardData', { value: { files: [file('image.png', 'image/png')] } });
    act(() => void w.$('textarea')!.dispatchEvent(paste));
    await settle();
    expect(w.widget.chat.files.value.map((f) => f.name)).toEqual(['dropped.pdf', 'image.png']);
    // Text pasted as text stays the browser's business.
    const text = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(text, 'clipboardData', { value: { files: [] } });
    act(() => void w.$('textarea')!.dispatchEvent(text));
    expect(text.defaultPrevented).toBe(false);
  });

  it('checks files again in the attach chunk itself, whatever called it', async () => {
    w.connect({ uploads });
    await act(() => stageChecked(w.widget, [file('a.png', 'image/png'), file('b.svg', 'image/svg+xml')]));
    expect(w.widget.chat.files.value.map((f) => f.name)).toEqual(['a.png']);
  });

  it('sends a message written offline with its file after a reload, from IndexedDB', async () => {
    w.connect({ uploads });
    act(() => w.transport.setConnected(false));
    await stageFiles(w.widget, [file('terms.pdf', 'application/pdf', 42)]);
    act(() => w.widget.chat.submit());
    const [entry] = w.widget.chat.waiting.value;
    const key = entry!.payload.files![0]!.key;
    w.unmount();

    // The reload: the bytes are in IndexedDB, the entry in storage; a fresh widget sends them.
    expect((await reloadedBlobStore().get(key))?.size).toBe(42);
    w = mountWidget();
    expect(w.widget.chat.waiting.value.map((i) => i.clientId)).toEqual([entry!.clientId]);
    const grants: UploadGrantPayload[] = [];
    w.transport.answer = async (_event, payload) => {
      grants.push(payload as UploadGrantPayload);
      return { ok: true, attachment: attachmentOf('a1') };
    };
    w.connect({ uploads });
    await settle();
    expect(grants).toEqual([{ key, name: 'terms.pdf', size: 42, mime: 'application/pdf' }]);
    expect(w.transport.sent).toEqual([
      expect.objectContaining({ clientId: entry!.clientId, text: '', attachments: ['a1'] }),
    ]);
    expect(w.widget.chat.waiting.value).toEqual([]);
  });

  it('keeps chosen files across a reload: the row comes back from IndexedDB, with remove', async () => {
    w.connect({ uploads });
    await stageFiles(w.widget, [file('photo.png', 'image/png', 100), file('terms.pdf', 'application/pdf', 300)]);
    const [photo, terms] = w.widget.chat.files.value;
    w.unmount();
    // What a new page view has: no bytes in memory, only what IndexedDB kept.
    for (const chosen of [photo!, terms!]) {
      const bytes = await getBlob(chosen.key);
      await deleteBlob(chosen.key);
      await reloadedBlobStore().put(chosen.key, bytes!);
    }

    w = mountWidget();
    w.connect({ uploads });
    await settle();
    const items = w.$$('.chosen li');
    expect(items.map((li) => li.querySelector('.name')?.textContent)).toEqual(['photo.png', 'terms.pdf']);
    expect(items[0]!.querySelector('img')?.getAttribute('src')).toMatch(/^blob:/);
    expect(items[1]!.querySelector('.size')?.textContent).toBe('300 B');
    act(() => (w.$('[aria-label="Remove photo.png"]') as HTMLButtonElement).click());
    await settle();
    expect(w.$$('.chosen .name').map((name) => name.textContent)).toEqual(['terms.pdf']);
    // A removed file's bytes leave the browser; the other's stay until it is sent.
    expect(await reloadedBlobStore().get(photo!.key)).toBeUndefined();
    expect((await reloadedBlobStore().get(terms!.key))?.size).toBe(300);
  });

  it('drops a chosen file whose bytes did not survive the reload, instead of failing later', async () => {
    w.connect({ uploads });
    await stageFiles(w.widget, [file('kept.pdf', 'application/pdf', 5), file('lost.pdf', 'application/pdf', 6)]);
    const lost = w.widget.chat.files.value[1]!;
    w.unmount();
    await deleteBlob(lost.key);
    w = mountWidget();
    w.connect({ uploads });
    await settle();
    expect(w.widget.chat.files.value.map((f) => f.name)).toEqual(['kept.pdf']);
    expect(w.$$('.chosen .name').map((name) => name.textContent)).toEqual(['kept.pdf']);
  });

  it('lets the bytes go when a message whose ack was lost is settled by the server’s replay', async () => {
    w.connect({ uploads });
    w.transport.answer = async () => ({ ok: true, attachment: attachmentOf('a1') });
    // The message reaches the server; its answer does not reach the page.
    w.transport.reply = () => Promise.reject(new Error('no ack in time'));
    await stageFiles(w.widget, [file('terms.pdf', 'application/pdf', 42)]);
    act(() => w.widget.chat.submit());
    await settle();
    const [entry] = w.widget.chat.waiting.value;
    expect(entry).toMatchObject({ state: 'failed' });
    const key = entry!.payload.files![0]!.key;
    expect((await reloadedBlobStore().get(key))?.size).toBe(42);

    // Reconnected, the server replays the stored message under the same client id.
    w.connect({
      uploads,
      messages: [messageOf(1, 'visitor', '', { clientId: entry!.clientId, attachments: [attachmentOf('a1')] })],
    });
    await settle();
    expect(w.widget.chat.waiting.value).toEqual([]);
    expect(await reloadedBlobStore().get(key)).toBeUndefined();
    expect(await getBlob(key)).toBeUndefined();
  });

  it('sweeps the bytes of a message the replay settled in a page that never loaded the files’ code', async () => {
    w.connect({ uploads });
    w.transport.answer = async () => ({ ok: true, attachment: attachmentOf('a3') });
    w.transport.reply = () => Promise.reject(new Error('no ack in time'));
    await stageFiles(w.widget, [file('lost-ack.pdf', 'application/pdf', 9)]);
    const [sent] = w.widget.chat.files.value;
    act(() => w.widget.chat.submit());
    await settle();
    const [entry] = w.widget.chat.waiting.value;
    w.unmount();
    expect((await reloadedBlobStore().get(sent!.key))?.size).toBe(9);

    // The replay settled it in a page that never loaded the files' code (its panel stayed
    // closed): the entry left the stored outbox, its bytes stayed behind.
    const outboxKey = Object.keys(localStorage).find((key) => key.endsWith(':outbox'))!;
    localStorage.setItem(outboxKey, '[]');
    expect((await reloadedBlobStore().get(sent!.key))?.size).toBe(9);
    // The next page shows the message, which loads the files' code: its sweep lets them go.
    w = mountWidget({}, { closed: true });
    w.connect({
      uploads,
      messages: [
        messageOf(1, 'visitor', '', { id: 'm3', clientId: entry!.clientId, attachments: [attachmentOf('a3')] }),
      ],
    });
    await settle();
    expect(w.widget.chat.waiting.value).toEqual([]);
    w.command('open');
    await settle();
    expect(w.$('.msg.visitor .file .name')?.textContent).toBe('a3.pdf');
    expect(await reloadedBlobStore().get(sent!.key)).toBeUndefined();
  });

  it('lets the bytes go when the server acks, and when the visitor cancels a refused message', async () => {
    w.connect({ uploads });
    w.transport.answer = async () => ({ ok: true, attachment: attachmentOf('a2') });
    await stageFiles(w.widget, [file('sent.pdf', 'application/pdf', 7)]);
    const sent = w.widget.chat.files.value[0]!.key;
    act(() => w.widget.chat.submit());
    await settle();
    expect(w.widget.chat.waiting.value).toEqual([]);
    expect(await reloadedBlobStore().get(sent)).toBeUndefined();

    w.transport.answer = async () => ({ ok: false, error: { code: 'quota', message: 'quota' } });
    await stageFiles(w.widget, [file('refused.pdf', 'application/pdf', 8)]);
    const refused = w.widget.chat.files.value[0]!.key;
    act(() => w.widget.chat.submit());
    await settle();
    expect((await reloadedBlobStore().get(refused))?.size).toBe(8);
    const cancel = w.$$('.msg.failed button').find((b) => b.textContent === 'Cancel')!;
    act(() => cancel.click());
    await settle();
    expect(await reloadedBlobStore().get(refused)).toBeUndefined();
  });
});
