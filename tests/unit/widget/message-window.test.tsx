import { act } from 'preact/test-utils';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage, HistoryPagePayload } from '../../../src/protocol';
import { openingEntries } from '../../../src/widget/views/message-list';
import { mountWidget, type MountedWidget } from '../../support/widget';

let w: MountedWidget;

/** A long history alternating visitor and operator, oldest first, one minute apart. */
function history(count: number): ChatMessage[] {
  return Array.from({ length: count }, (_, i): ChatMessage => {
    const seq = i + 1;
    const visitor = seq % 2 === 0;
    return {
      id: `m${seq}`,
      conversationId: 'c1',
      seq,
      changeSeq: seq,
      clientId: `c${seq}`,
      author: visitor ? 'visitor' : 'operator',
      ...(visitor ? {} : { operator: { id: 'anna', name: 'Anna', title: 'Support' } }),
      text: `message ${seq}`,
      createdAt: Date.UTC(2026, 0, 1, 10, 0) + seq * 60_000,
    };
  });
}

const ROW = 56;
const VIEW = 448;
const originalRect = Element.prototype.getBoundingClientRect;

/**
 * happy-dom has no layout: the log's geometry is defined here, 56 px a message (the least
 * one takes) in the 448 px view of a 600 px panel, so the list's scroll arithmetic meets
 * numbers a browser would give it.
 */
function layOut(log: HTMLElement) {
  let top = 0;
  const rows = () => [...log.querySelectorAll('.msg')];
  Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => VIEW });
  Object.defineProperty(log, 'scrollHeight', { configurable: true, get: () => rows().length * ROW });
  Object.defineProperty(log, 'scrollTop', {
    configurable: true,
    get: () => top,
    set: (value: number) => {
      top = Math.max(0, Math.min(value, log.scrollHeight - log.clientHeight));
    },
  });
  Element.prototype.getBoundingClientRect = function (this: Element) {
    const index = rows().indexOf(this);
    const y = index < 0 ? 0 : index * ROW - top;
    return { top: y, bottom: y + ROW, left: 0, right: 0, width: 0, height: ROW, x: 0, y } as DOMRect;
  };
}

const ids = () => w.$$('.log .msg').map((m) => m.dataset.id);
/** Where message `id` is on screen, from the top of the log's view. */
const screenTop = (id: string) => w.$(`.msg[data-id="${id}"]`)!.getBoundingClientRect().top;
/** Lets the lazy chunk, the answer to a request, and the render after them, happen. */
// Several turns: an answered page goes through the transport's promise, the lazy chunk and
// a render; one turn was not always enough on a loaded machine.
const settle = async () => {
  for (let i = 0; i < 10; i++) await act(async () => void (await new Promise((resolve) => setTimeout(resolve, 5))));
};
/** Opens the panel and lets the rest of the opening page (50) render after the first frame. */
const open = async () => {
  w.command('open');
  for (let turn = 0; turn < 20 && ids().length < 50; turn++) await settle();
};
const scrollTo = async (log: HTMLElement, top: number) => {
  await act(() => {
    log.scrollTop = top;
    log.dispatchEvent(new Event('scroll'));
  });
  await settle();
};

// The chunk that moves the window, loaded once up front as a browser would have it cached.
beforeAll(() => import('../../../src/widget/views/older'));
beforeEach(() => localStorage.clear());
afterEach(() => {
  Element.prototype.getBoundingClientRect = originalRect;
  w.unmount();
});

describe('a long history', () => {
  it('renders nothing of the conversation while the panel is closed', () => {
    w = mountWidget({}, { closed: true });
    const before = w.root.querySelectorAll('*').length;
    w.connect({ messages: history(500) });
    expect(w.widget.conversation.messages.value).toHaveLength(500);
    expect(w.$$('.msg')).toHaveLength(0);
    expect(w.$('.log')).toBeNull();
    // The session's 500 messages add no more than the header's few nodes (operator, status).
    expect(w.root.querySelectorAll('*').length - before).toBeLessThan(20);
    // The teaser still shows a new operator message while closed.
    act(() => w.transport.emit('message:new', { ...history(501)[500]!, text: 'Still there?' }));
    expect(w.widget.panel.teaser.value?.text).toBe('Still there?');
    expect(w.$$('.msg')).toHaveLength(0);

    w.command('open');
    expect(w.$$('.log .msg').length).toBeGreaterThan(0);
  });

  it('opens with the newest few in the first frame and the rest of the page above them after it, in place and unannounced', async () => {
    w = mountWidget({}, { closed: true });
    w.connect({ messages: history(2000) });
    w.command('open');
    // As many as the tallest log shows (happy-dom's window: 1024 × 768, so a 600 px panel), fewer than before.
    expect(openingEntries()).toBe(9);
    expect(ids()).toHaveLength(9);
    expect(ids()[0]).toBe('m1992');
    const log = w.$('.log')!;
    layOut(log);
    log.scrollTop = log.scrollHeight; // at the newest, as the list puts it
    expect(screenTop('m2000')).toBe(VIEW - ROW);
    const announced: string[] = [];
    const observer = new MutationObserver((records) => {
      if (log.getAttribute('aria-live') !== 'polite') return;
      for (const record of records) for (const node of record.addedNodes) announced.push(node.textContent ?? '');
    });
    observer.observe(log, { childList: true });

    // A step at a time (10, small enough for a frame on a phone), each in place.
    const rendered = [ids().length];
    for (let turn = 0; turn < 40 && ids().length < 50; turn++) {
      await act(async () => void (await new Promise((resolve) => setTimeout(resolve, 1))));
      if (ids().length !== rendered.at(-1)) {
        rendered.push(ids().length);
        expect(screenTop('m2000')).toBe(VIEW - ROW);
      }
    }
    expect(rendered).toEqual([9, 19, 29, 39, 49, 50]);
    expect(ids()[0]).toBe('m1951');
    await settle();
    expect(log.getAttribute('aria-live')).toBe('polite');
    observer.disconnect();
    expect(announced).toEqual([]);
  });

  it('keeps about a page in the DOM with 2,000 in the model, sliding as the visitor scrolls, keeping the position', async () => {
    w = mountWidget({}, { closed: true });
    w.connect({ messages: history(2000) });
    await open();
    expect(ids()).toHaveLength(50);
    expect(ids()[0]).toBe('m1951');
    expect(ids().at(-1)).toBe('m2000');

    const log = w.$('.log')!;
    layOut(log);
    log.scrollTop = ROW * 50; // at the newest
    expect(log.scrollTop).toBe(ROW * 50 - VIEW);

    // Reading in the middle: nothing more renders.
    await scrollTo(log, 600);
    expect(ids()).toHaveLength(50);

    // Near the top: the 10 before render above (a step small enough for one frame on a
    // phone), and message 1951 stays where it was on screen.
    await scrollTo(log, 20);
    expect(ids()).toHaveLength(60);
    expect(ids()[0]).toBe('m1941');
    expect(screenTop('m1951')).toBe(-20);

    // Further up: the window grows to two pages, then slides; the newest leave the DOM.
    await scrollTo(log, 10);
    expect(ids()).toHaveLength(70);
    expect(screenTop('m1941')).toBe(-10);
    for (const length of [80, 90, 100]) {
      await scrollTo(log, 10);
      expect(ids()).toHaveLength(length);
    }
    await scrollTo(log, 10);
    expect(ids()).toHaveLength(100);
    expect(ids()[0]).toBe('m1891');
    expect(ids().at(-1)).toBe('m1990');
    expect(screenTop('m1901')).toBe(-10);

    // Back down to the end of the window: the later ones return below, and message 1990,
    // at the bottom of the view, stays there.
    await scrollTo(log, log.scrollHeight);
    expect(ids().at(-1)).toBe('m2000');
    expect(ids()).toHaveLength(100);
    expect(screenTop('m1990')).toBe(VIEW - ROW);

    // A new message: the view goes to the newest again, the window still at most two pages.
    await scrollTo(log, 0);
    act(() => w.transport.emit('message:new', history(2001)[2000]!));
    expect(ids().at(-1)).toBe('m2001');
    expect(ids().length).toBeLessThanOrEqual(100);
    expect(log.scrollTop).toBe(log.scrollHeight - VIEW);
  });

  it('reaches the very beginning of what it holds, a window at a time', async () => {
    w = mountWidget({}, { closed: true });
    w.connect({ messages: history(120) });
    await open();
    const log = w.$('.log')!;
    layOut(log);
    for (let i = 0; i < 10; i++) await scrollTo(log, 0);
    expect(ids()[0]).toBe('m1');
    expect(ids()).toHaveLength(100);
    expect(w.transport.requests).toEqual([]);
  });
});

describe('older pages from the server', () => {
  const page = (payload: HistoryPagePayload, all = history(2000)) => ({
    ok: true,
    messages: all.filter((m) => m.seq < payload.beforeSeq).slice(-(payload.limit ?? 50)),
    hasMore: payload.beforeSeq - (payload.limit ?? 50) > 1,
  });

  it('asks for the page before the oldest held when scrolled to the top, and shows it above without a jump or an announcement', async () => {
    w = mountWidget({}, { closed: true });
    w.connect({ messages: history(2000).slice(-50), hasOlder: true });
    await open();
    const log = w.$('.log')!;
    layOut(log);
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    w.transport.answer = async (_event, payload) => {
      await answered;
      return page(payload as HistoryPagePayload);
    };
    // What a screen reader would be told: entries added while the region is live.
    const announced: string[] = [];
    const observer = new MutationObserver((records) => {
      if (log.getAttribute('aria-live') !== 'polite') return;
      for (const record of records) {
        for (const node of record.addedNodes) if (node instanceof HTMLElement) announced.push(node.textContent ?? '');
      }
    });
    observer.observe(log, { childList: true });

    await scrollTo(log, 0);
    expect(w.transport.requests).toEqual([
      { event: 'history:page', payload: { conversationId: 'c1', beforeSeq: 1951 } },
    ]);
    expect(w.$('.log .divider')?.textContent).toBe('Loading earlier messages…');
    expect(log.getAttribute('aria-live')).toBe('off');
    const was = screenTop('m1951');

    release();
    await settle();
    expect(ids()).toHaveLength(60);
    expect(ids()[0]).toBe('m1941');
    expect(screenTop('m1951')).toBe(was);
    expect(w.$('.log .divider')).toBeNull();
    await settle();
    expect(log.getAttribute('aria-live')).toBe('polite');
    observer.disconnect();
    expect(announced).toEqual([]);

    // A new message is still announced.
    const live: string[] = [];
    const listener = new MutationObserver((records) => {
      if (log.getAttribute('aria-live') === 'polite')
        for (const r of records) for (const n of r.addedNodes) live.push(n.textContent ?? '');
    });
    listener.observe(log, { childList: true, subtree: true });
    act(() => w.transport.emit('message:new', { ...history(2001)[2000]!, text: 'Anything else?' }));
    await settle();
    listener.disconnect();
    expect(live.join(' ')).toContain('Anything else?');
  });

  it('offers to try again when a page cannot be had, and stops asking at the beginning', async () => {
    w = mountWidget({}, { closed: true });
    const all = history(120);
    w.connect({ messages: all.slice(-50), hasOlder: true });
    await open();
    const log = w.$('.log')!;
    layOut(log);
    w.transport.answer = async () => {
      throw new Error('ack timeout');
    };
    await scrollTo(log, 0);
    await settle();
    expect(w.$('.log .divider')?.textContent).toBe('Earlier messages could not be loaded. Retry');
    expect(ids()[0]).toBe('m71');

    w.transport.answer = async (_event, payload) => page(payload as HistoryPagePayload, all);
    await act(() => w.$('.log .divider button')!.click());
    await settle();
    expect(w.$('.log .divider')).toBeNull();
    expect(ids()[0]).toBe('m61');
    expect(w.widget.conversation.hasOlder.value).toBe(true);

    // Up through what is held (m21 on), and then the last page, from m1.
    for (let i = 0; i < 10 && ids()[0] !== 'm1'; i++) {
      await scrollTo(log, 0);
      await settle();
    }
    expect(ids()[0]).toBe('m1');
    expect(w.widget.conversation.hasOlder.value).toBe(false);
    const asked = w.transport.requests.length;
    await scrollTo(log, 0);
    await settle();
    expect(w.transport.requests).toHaveLength(asked);
  });

  it('counts an unread history longer than the page on the launcher badge, until the panel opens', async () => {
    w = mountWidget({}, { closed: true });
    // 25 operator messages in the page, and 60 before it the visitor has not read (the server counted them).
    w.connect({ messages: history(2000).slice(-50), hasOlder: true, olderUnread: 60 });
    const badge = w.launcher.querySelector<HTMLElement>('.badge')!;
    expect(badge.textContent).toBe('85');
    expect(w.launcher.getAttribute('aria-label')).toContain('85');
    await open();
    act(() => w.command('close'));
    expect(badge.hidden).toBe(true);
    expect(w.widget.conversation.unread.value).toBe(0);
  });

  it('keeps edits and read marks working, and does not hold changes to messages it has not loaded', async () => {
    w = mountWidget({}, { closed: true });
    w.connect({ messages: history(2000).slice(-50), hasOlder: true, operatorReadSeq: 1990 });
    await open();
    // An edit of a message held shows; one of a message not held is left for its page.
    act(() => w.transport.emit('message:updated', { ...history(2000)[1979]!, text: 'edited', changeSeq: 2001 }));
    act(() => w.transport.emit('message:updated', { ...history(2000)[9]!, text: 'old edit', changeSeq: 2002 }));
    expect(w.$('.msg[data-id="m1980"] .bubble')?.textContent).toBe('edited');
    expect(w.$('.msg[data-id="m10"]')).toBeNull();
    expect(w.widget.conversation.messages.value[0]!.id).toBe('m1951');
    // The catch-up on reconnect starts after the change held; the other comes again and is left again.
    expect(w.widget.conversation.lastChange.value).toBe(2001);
    expect(w.$$('.msg .read').map((m) => m.closest('.msg')!.getAttribute('data-id'))).toEqual(['m1990']);
  });
});
