/**
 * The defects found when the widget was tried as a new visitor would: each test here
 * failed before its fix. Driven through the real `mount`, its views and its models.
 */
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../../src/i18n';
import type { SendMessagePayload } from '../../../src/protocol';
import { BASE_CSS } from '../../../src/themes/base-css';
import { effect } from '@preact/signals';
import { messageOf as message } from '../../support/fixtures';
import { mountWidget, press, typeInto, type MountedWidget } from '../../support/widget';

let w: MountedWidget;

const click = (selector: string) => act(() => (w.$(selector) as HTMLButtonElement).click());
const offline = () => act(() => w.transport.emit('availability', { online: false, reason: 'nobody' }));
const closed = (reason: 'operator' | 'spam', conversationId = 'c1') =>
  act(() => w.transport.emit('conversation:closed', { conversationId, reason }));
/** Every CSS rule adopted into the widget's shadow root. */
const adoptedCss = () =>
  w.root.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText)).join('\n');

beforeEach(async () => {
  localStorage.clear();
  await setLocale('en');
});
afterEach(() => {
  w?.unmount();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('defect 1: lazily loaded views keep their styles', () => {
  it('styles the rating (fields, primary button) when the form was never loaded, and again after a remount', async () => {
    for (let mount = 0; mount < 2; mount++) {
      w = mountWidget();
      w.connect({ messages: [message(1, 'visitor', 'hi')] });
      closed('operator');
      await vi.waitFor(() => expect(w.$$('.star')).toHaveLength(5));
      expect(adoptedCss()).toMatch(/\.primary\s*\{/);
      expect(adoptedCss()).toMatch(/\.field\s*\{/);
      expect(adoptedCss()).toMatch(/\.stars\s*\{/);
      w.unmount();
      localStorage.clear();
    }
  });
});

describe('defect 2: no layout moves under a pressed pointer', () => {
  it('checks a field left by a press only once the click has landed', async () => {
    w = mountWidget();
    w.connect({
      leadForm: { fields: { name: 'required', phone: 'optional', email: 'optional', message: 'optional' } },
    });
    offline();
    await vi.waitFor(() => expect(w.$('form.lead')).not.toBeNull());
    await typeInto(w.$('[name=name]'), 'Ann');
    await typeInto(w.$('[name=name]'), '');
    const consent = w.$('[name=consent]') as HTMLInputElement;
    await act(() => void consent.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true })));
    await act(() => void w.$('[name=name]')!.dispatchEvent(new FocusEvent('blur')));
    // Pressed: nothing may appear above the checkbox yet.
    expect(w.$('#confab-name-error')).toBeNull();
    await act(() => void consent.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, composed: true })));
    await act(() => consent.click());
    await vi.waitFor(() => expect(w.$('#confab-name-error')).not.toBeNull());
    expect(consent.checked).toBe(true);
  });
});

describe('defect 3: answers outlive their conversation', () => {
  it('offers Reply only on messages of the open conversation', () => {
    w = mountWidget();
    w.connect({
      messages: [
        message(1, 'operator', 'Old question', { conversationId: 'c0' }),
        message(2, 'operator', 'Which colour?'),
      ],
    });
    expect(w.$('[data-id=m1] .reply')).toBeNull();
    expect(w.$('[data-id=m2] .reply')).not.toBeNull();
    closed('operator');
    expect(w.$$('.reply')).toEqual([]);
  });

  it('sends an answer whose conversation ended into the next one, with the quote as text', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'operator', 'Which colour do you need?')] });
    await click('.msg.operator .reply');
    await typeInto(w.$('.composer textarea'), 'Blue');
    // The chat ends while the visitor writes: the stale quote goes away.
    closed('operator');
    expect(w.widget.chat.replyingTo.value).toBeNull();
    act(() => w.widget.chat.submit());
    await vi.waitFor(() => expect(w.transport.sent).toHaveLength(1));
    expect(w.transport.sent[0]!.replyTo).toBeUndefined();
  });

  it('resends a reply the server refused for its quote, as text, instead of a Retry that cannot succeed', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'operator', 'Which colour do you need?')] });
    const answer = w.transport.reply;
    w.transport.reply = async (payload: SendMessagePayload) =>
      payload.replyTo
        ? {
            ok: false,
            error: { code: 'invalid', message: 'replyTo is not a message of this conversation', field: 'replyTo' },
          }
        : answer(payload);
    await click('.msg.operator .reply');
    await typeInto(w.$('.composer textarea'), 'Blue');
    await press(w.$('.composer textarea'), 'Enter');
    await vi.waitFor(() => expect(w.transport.sent).toHaveLength(2));
    expect(w.transport.sent[1]).toMatchObject({ text: '> Which colour do you need?\nBlue' });
    expect(w.transport.sent[1]!.replyTo).toBeUndefined();
    await vi.waitFor(() => expect(w.widget.chat.waiting.value).toEqual([]));
    expect(w.root.textContent).not.toContain('cannot be sent');
  });
});

describe('defect 4: after a spam close', () => {
  it("Confab('send') explains itself in the console and leaves nothing behind, across reloads", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'buy cheap pills')] });
    closed('spam');
    w.command('send', 'hello?');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain("Confab('send'");
    expect(w.root.textContent).not.toContain('error.');
    expect(w.$('.msg.failed')).toBeNull();
    expect(w.transport.sent).toEqual([]);
    expect(JSON.parse(localStorage.getItem('confab:demo:outbox') ?? '[]')).toEqual([]);
  });

  it('drops a message the server refuses as blocked instead of showing a raw key with a Retry', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'hi')] });
    w.transport.reply = async () => ({
      ok: false,
      error: { code: 'blocked', message: 'the operator ended the dialogue' },
    });
    w.command('send', 'hello?');
    await vi.waitFor(() => expect(w.transport.sent).toHaveLength(1));
    await vi.waitFor(() => expect(w.widget.chat.waiting.value).toEqual([]));
    expect(w.root.textContent).not.toContain('error.blocked');
    expect(JSON.parse(localStorage.getItem('confab:demo:outbox') ?? '[]')).toEqual([]);
  });
});

describe('defect 6: one greeting, no promise over the form', () => {
  it('shows the greeting once in an empty chat and not in the header', () => {
    w = mountWidget();
    w.connect();
    expect(w.root.textContent!.split('We reply in minutes')).toHaveLength(2);
    expect(w.$('.header')!.textContent).not.toContain('We reply in minutes');
  });
});

describe('defect 7: right-to-left languages', () => {
  it('isolates the direction of the greeting, quotes and the teaser, and mirrors the send arrow', async () => {
    w = mountWidget({ lang: 'ar' });
    await setLocale('ar');
    w.connect({
      messages: [
        message(1, 'visitor', '.مرحبا'),
        message(2, 'operator', 'OK', { replyTo: { id: 'm1', author: 'visitor', text: '.مرحبا' } }),
      ],
    });
    expect(w.$('.panel')!.getAttribute('dir')).toBe('rtl');
    expect(w.$('.quote span')!.getAttribute('dir')).toBe('auto');
    await click('.msg.operator .reply');
    expect(w.$('.replying em')!.getAttribute('dir')).toBe('auto');
    expect(BASE_CSS).toContain('[dir=rtl] .send svg{transform:scaleX(-1)}');
  });
});

describe('defect 9: words', () => {
  it('says "An operator is typing" until an operator has a name, then names them', () => {
    w = mountWidget();
    w.connect();
    act(() => w.transport.emit('typing', { typing: true }));
    expect(w.$('.typing')!.textContent).toBe('An operator is typing…');
    act(() => w.transport.emit('operator:assigned', { id: 'anna', name: 'Anna' }));
    expect(w.$('.typing')!.textContent).toBe('Anna is typing…');
  });

  it("names the call, not data-color, when Confab('update') gets a bad value", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    w = mountWidget();
    w.command('update', { color: 'red' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain(`Confab('update', { color: "red" })`);
    expect(warn.mock.calls[0]![0]).not.toContain('data-color');
  });
});

describe('a chat that closes while nobody is online', () => {
  it('never shows the request form for a tick, nor starts its fill timer', () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'hi')] });
    offline();
    const seen: string[] = [];
    const stop = effect(() => void seen.push(w.widget.view.view.value));
    closed('operator');
    stop();
    expect(seen).toEqual(['chat', 'rating']);
    expect(localStorage.getItem('confab:demo:leadShownAt')).toBeNull();
  });
});

describe('requests are never judged too fast by a restarted clock', () => {
  it('keeps the time the form was first shown with a restored draft', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_000_000);
    w = mountWidget();
    w.connect();
    offline();
    await vi.waitFor(() => expect(w.$('form.lead')).not.toBeNull());
    await typeInto(w.$('[name=phone]'), '+7 701 123 45 67');
    await act(() => {
      const box = w.$('[name=consent]') as HTMLInputElement;
      box.checked = true;
      box.dispatchEvent(new Event('change', { bubbles: true }));
    });
    w.unmount();
    // The visitor reloads a minute later and sends the restored draft at once.
    vi.setSystemTime(1_700_000_060_000);
    w = mountWidget();
    w.connect();
    offline();
    await vi.waitFor(() => expect(w.$('form.lead')).not.toBeNull());
    expect((w.$('[name=phone]') as HTMLInputElement).value).toBe('+7 701 123 45 67');
    await act(() => void w.$('form.lead')!.dispatchEvent(new Event('submit', { cancelable: true })));
    await vi.waitFor(() => expect(w.transport.leads).toHaveLength(1));
    expect(w.transport.leads[0]!.elapsedMs).toBeGreaterThanOrEqual(60_000);
  });
});

describe('the honeypot', () => {
  it('has nothing autofill or a password manager would recognise, and cannot be reached', async () => {
    w = mountWidget();
    w.connect();
    offline();
    await vi.waitFor(() => expect(w.$('form.lead')).not.toBeNull());
    const trap = w.$('.hp input') as HTMLInputElement;
    expect(trap.id).toBe('');
    expect(trap.name).not.toMatch(/name|mail|phone|tel|url|web|site|addr|company|city|zip|country|user|pass/i);
    expect(trap.getAttribute('autocomplete')).toBe('off');
    expect(trap.tabIndex).toBe(-1);
    expect(w.$('.hp')!.getAttribute('aria-hidden')).toBe('true');
    expect(w.$('.hp')!.textContent).toBe('');
    expect(trap.closest('label')).toBeNull();
  });
});

describe('review m10: one "Close chat" tab stop', () => {
  it('takes the launcher out of the tab order while the panel is open, and gives focus back to it on close', async () => {
    w = mountWidget({}, { closed: true });
    w.connect();
    expect(w.launcher.tabIndex).toBe(0);
    w.command('open');
    expect(w.launcher.getAttribute('aria-expanded')).toBe('true');
    expect(w.launcher.tabIndex).toBe(-1);
    expect(w.$('.header .icon-button')!.getAttribute('aria-label')).toBe('Close chat');
    await vi.waitFor(() => expect(w.root.activeElement).toBe(w.$('.composer textarea')));
    w.command('close');
    expect(w.launcher.tabIndex).toBe(0);
    expect(w.root.activeElement).toBe(w.launcher);
  });
});

describe('review m12: the greeting in the widget’s language', () => {
  const greetings = { de: 'Hallo! Fragen Sie uns alles.', ar: 'مرحبًا! اسألنا عن أي شيء.' };

  it('greets in the language of data-lang where the site has it, and follows a switch live', async () => {
    w = mountWidget({ lang: 'de' });
    await setLocale('de');
    w.connect({ site: { greetings } });
    expect(w.$('.msg.greeting .bubble')!.textContent).toBe('Hallo! Fragen Sie uns alles.');
    await act(() => setLocale('ar'));
    expect(w.$('.msg.greeting .bubble')!.textContent).toBe('مرحبًا! اسألنا عن أي شيء.');
  });

  it("keeps the site's own greeting for a language the site did not translate", async () => {
    w = mountWidget({ lang: 'fr' });
    await setLocale('fr');
    w.connect({ site: { greetings } });
    expect(w.$('.msg.greeting .bubble')!.textContent).toBe('We reply in minutes');
  });
});
