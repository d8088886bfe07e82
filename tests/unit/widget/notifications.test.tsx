/**
 * System notifications of replies, through the real widget (mount, models, views, the
 * lazy chunks). happy-dom has no `Notification`, so a recording stand-in takes its place
 * here; the browser test (tests/e2e/attention.test.ts) runs Chromium's own.
 */
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wanted } from '../../../src/widget/attention-settings';
import { messageOf } from '../../support/fixtures';
import { mountWidget, press, typeInto, type MountedWidget } from '../../support/widget';

class RecordingNotification {
  static permission: NotificationPermission = 'default';
  static asked = 0;
  static shown: RecordingNotification[] = [];
  static requestPermission(): Promise<NotificationPermission> {
    RecordingNotification.asked++;
    RecordingNotification.permission = 'granted';
    return Promise.resolve('granted');
  }
  onclick: (() => void) | null = null;
  closed = false;
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    RecordingNotification.shown.push(this);
  }
  close() {
    this.closed = true;
  }
}

let w: MountedWidget;
const reply = (seq: number, text: string) => messageOf(seq, 'operator', text);
const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
};
const offer = () => w.$('.attend button');
/** The attention chunk has run for a reply (the title shows it), and the notification chunk has loaded. */
async function attended() {
  await vi.waitFor(() => expect(document.title).toMatch(/^\(\d\)/));
  await import('../../../src/widget/notify');
  await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
}
/** The panel's lazy part is there. */
const attentive = () => vi.waitFor(() => expect(w.$('.attend')).not.toBeNull());

beforeEach(() => {
  localStorage.clear();
  RecordingNotification.permission = 'default';
  RecordingNotification.asked = 0;
  RecordingNotification.shown = [];
  vi.stubGlobal('Notification', RecordingNotification);
});
afterEach(() => {
  w?.unmount();
  setVisibility('visible');
  vi.unstubAllGlobals();
});

describe('the setting', () => {
  it('is off by default; the page\'s "on" or "off" beats the site\'s', () => {
    expect(wanted(undefined, undefined)).toBe(false);
    expect(wanted(undefined, true)).toBe(true);
    expect(wanted('off', true)).toBe(false);
    expect(wanted('on', undefined)).toBe(true);
    expect(wanted('maybe', undefined)).toBe(false);
  });
});

describe('asking for permission', () => {
  it("never asks on page load or because a reply came; asks once, from the visitor's click on the offer", async () => {
    w = mountWidget();
    w.connect({ site: { notifications: true } });
    await attentive();
    // Nothing written yet: no reply is awaited, so nothing is offered.
    expect(offer()).toBeNull();

    setVisibility('hidden');
    act(() => w.transport.emit('message:new', reply(1, 'Hello there')));
    await attended();
    setVisibility('visible');
    expect(RecordingNotification.asked).toBe(0);
    expect(RecordingNotification.shown).toEqual([]);

    await typeInto(w.$('textarea'), 'Do you ship to Almaty?');
    await press(w.$('textarea'), 'Enter');
    await vi.waitFor(() => expect(offer()?.textContent).toBe('Notify me of replies'));
    expect(RecordingNotification.asked).toBe(0);

    await act(() => offer()!.click());
    expect(RecordingNotification.asked).toBe(1);
    expect(offer()).toBeNull();
  });

  it('offers nothing when the site has not turned notifications on, or the page turned them off', async () => {
    w = mountWidget();
    w.connect();
    await typeInto(w.$('textarea'), 'Hello');
    await press(w.$('textarea'), 'Enter');
    await attentive();
    expect(offer()).toBeNull();

    w.command('update', { notifications: 'on' });
    // Any render shows it now; a reply to read is one.
    act(() => w.transport.emit('message:new', reply(1, 'Hi')));
    await vi.waitFor(() => expect(offer()).not.toBeNull());
    w.command('update', { notifications: 'off' });
    act(() => w.transport.emit('message:new', reply(2, 'Still there?')));
    await vi.waitFor(() => expect(offer()).toBeNull());
    expect(RecordingNotification.asked).toBe(0);
  });

  it('offers nothing once the visitor has decided', async () => {
    RecordingNotification.permission = 'denied';
    w = mountWidget();
    w.connect({ site: { notifications: true } });
    await typeInto(w.$('textarea'), 'Hello');
    await press(w.$('textarea'), 'Enter');
    await attentive();
    expect(offer()).toBeNull();
  });
});

describe('a reply to a hidden tab', () => {
  it("shows the operator's name and the text; a click focuses the tab and opens the panel", async () => {
    RecordingNotification.permission = 'granted';
    const focus = vi.spyOn(window, 'focus').mockImplementation(() => {});
    w = mountWidget({}, { closed: true });
    w.connect({ site: { notifications: true } });
    setVisibility('hidden');
    act(() => w.transport.emit('message:new', reply(1, 'Yes, <b>we ship</b> there')));
    await vi.waitFor(() => expect(RecordingNotification.shown).toHaveLength(1));
    const [shown] = RecordingNotification.shown;
    expect(shown!.title).toBe('Anna');
    expect(shown!.options).toEqual({ body: 'Yes, <b>we ship</b> there', tag: 'confab-m1' });
    expect(w.widget.panel.isOpen.value).toBe(false);

    act(() => shown!.onclick!());
    expect(focus).toHaveBeenCalled();
    expect(shown!.closed).toBe(true);
    expect(w.widget.panel.isOpen.value).toBe(true);
    focus.mockRestore();
  });

  it('shows nothing for a visible tab, nor when the page turned notifications off', async () => {
    RecordingNotification.permission = 'granted';
    w = mountWidget({ notifications: 'off' }, { closed: true });
    w.connect({ site: { notifications: true } });
    act(() => w.transport.emit('message:new', reply(1, 'Visible tab')));
    setVisibility('hidden');
    act(() => w.transport.emit('message:new', reply(2, 'Turned off')));
    // The title still says it (a separate setting), so the chunk has run.
    await attended();
    expect(RecordingNotification.shown).toEqual([]);
  });
});
