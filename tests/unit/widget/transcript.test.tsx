/** The visitor's "Save chat" (download, e-mail), the star rating's keys, and server lines in the visitor's language. */
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../../src/i18n';
import { messageOf as message } from '../../support/fixtures';
import { mountWidget, press, typeInto, type MountedWidget } from '../../support/widget';

let w: MountedWidget;
afterEach(async () => {
  w?.unmount();
  vi.restoreAllMocks();
  await setLocale('en');
});

async function openTools(transcriptByEmail: boolean) {
  w = mountWidget();
  w.connect({
    messages: [message(1, 'visitor', 'hi')],
    ...(transcriptByEmail ? { site: { transcriptByEmail: true } } : {}),
  });
  w.command('open');
  // Opening puts the focus in the composer (a frame later); the visitor clicks after that.
  await vi.waitFor(() => expect(w.root.activeElement).toBe(w.$('.composer textarea')));
  await vi.waitFor(() => expect(w.$$('.end-bar .link').map((b) => b.textContent)).toEqual(['End chat', 'Save chat']));
  await act(() => w.$$('.end-bar .link')[1]!.click());
  await vi.waitFor(() => expect(w.$('.transcript')).not.toBeNull());
}

describe('Save chat', () => {
  it('downloads the transcript the server writes, as a file named by the server', async () => {
    await openTools(false);
    const objectUrl = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:transcript');
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });
    w.transport.answer = async () => ({
      ok: true,
      transcript: { filename: 'chat-2026-11-22.html', mime: 'text/html; charset=utf-8', body: '<!doctype html>' },
    });
    expect(w.root.activeElement?.textContent).toBe('Download as text');
    await act(() => w.$$('.transcript .link')[1]!.click());
    await vi.waitFor(() => expect(clicked).toEqual([{ href: 'blob:transcript', download: 'chat-2026-11-22.html' }]));
    expect(w.transport.requests).toEqual([
      { event: 'transcript:get', payload: { conversationId: 'c1', format: 'html' } },
    ]);
    expect(objectUrl).toHaveBeenCalledTimes(1);
    // No e-mail offered by a server that cannot send it.
    expect(w.$$('.transcript .link').map((b) => b.textContent)).toEqual(['Download as text', 'Download as web page']);
  });

  it('says so when the server cannot give the transcript', async () => {
    await openTools(false);
    w.transport.answer = async () => ({ ok: false, error: { code: 'internal', message: 'no' } });
    await act(() => w.$$('.transcript .link')[0]!.click());
    await vi.waitFor(() =>
      expect(w.$('.transcript [role=status]')!.textContent).toBe('That did not work. Please try again.'),
    );
  });

  it('e-mails it to the known address, or asks for one when the server knows none', async () => {
    await openTools(true);
    const answers = [
      { ok: false, error: { code: 'invalid', message: 'type the e-mail address', field: 'email' } },
      { ok: true, queued: true },
    ];
    w.transport.answer = async () => answers.shift();
    await act(() => w.$$('.transcript .link')[2]!.click());
    await vi.waitFor(() => expect(w.$('.transcript input[type=email]')).not.toBeNull());
    expect(w.root.activeElement).toBe(w.$('.transcript input[type=email]'));
    await typeInto(w.$('.transcript input[type=email]'), ' ann@example.com ');
    await act(() => {
      w.$('.transcript form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    });
    await vi.waitFor(() =>
      expect(w.$('.transcript [role=status]')!.textContent).toBe('Sent. It will be in your inbox in a few minutes.'),
    );
    expect(w.transport.requests).toEqual([
      { event: 'transcript:email', payload: { conversationId: 'c1' } },
      { event: 'transcript:email', payload: { conversationId: 'c1', email: 'ann@example.com' } },
    ]);
  });
});

describe('the star rating', () => {
  it('is one tab stop, and the arrow keys move and choose (wrapping)', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'hi')] });
    act(() => w.transport.emit('conversation:closed', { conversationId: 'c1', reason: 'operator' }));
    await vi.waitFor(() => expect(w.$$('.star')).toHaveLength(5));
    expect(w.$$('.star').map((s) => s.tabIndex)).toEqual([0, -1, -1, -1, -1]);
    await press(w.$$('.star')[0]!, 'ArrowRight');
    await vi.waitFor(() => expect(w.transport.ratings.at(-1)).toMatchObject({ score: 2, final: false }));
    expect(w.root.activeElement).toBe(w.$$('.star')[1]);
    expect(w.$$('.star').map((s) => s.tabIndex)).toEqual([-1, 0, -1, -1, -1]);
    expect(w.$$('.star')[1]!.getAttribute('aria-checked')).toBe('true');
    await press(w.$$('.star')[1]!, 'ArrowLeft');
    await press(w.$$('.star')[0]!, 'ArrowLeft');
    await vi.waitFor(() => expect(w.transport.ratings.at(-1)).toMatchObject({ score: 5 }));
    expect(w.root.activeElement).toBe(w.$$('.star')[4]);
    // The ended chat can still be saved from here.
    expect(w.$$('.rating .link').map((b) => b.textContent)).toContain('Save chat');
  });
});

describe('server lines', () => {
  const passedOn = message(2, 'system', 'Anna passed the chat to Max.', {
    system: { code: 'transfer', params: { from: 'Anna', to: 'Max' } },
  });

  it('are said in the visitor’s language from their code, and in the server’s English otherwise', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'hi'), passedOn] });
    w.command('open');
    await vi.waitFor(() => expect(w.$('.notice')!.textContent).toBe('Anna passed the chat to Max.'));
    await act(() => setLocale('de'));
    await vi.waitFor(() => expect(w.$('.notice')!.textContent).toBe('Anna hat den Chat an Max übergeben.'));
    await act(() => setLocale('ru'));
    await vi.waitFor(() => expect(w.$('.notice')!.textContent).toBe('Anna передаёт чат: вам ответит Max.'));
  });
});
