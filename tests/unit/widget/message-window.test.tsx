import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/protocol';
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

/**
 * happy-dom has no layout: the log's geometry is defined here, 40 px a message in a
 * 400 px view, so the list's scroll arithmetic meets numbers a browser would give it.
 */
function layOut(log: HTMLElement) {
  let top = 0;
  Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => 400 });
  Object.defineProperty(log, 'scrollHeight', {
    configurable: true,
    get: () => log.querySelectorAll('.msg').length * 40,
  });
  Object.defineProperty(log, 'scrollTop', {
    configurable: true,
    get: () => top,
    set: (value: number) => {
      top = Math.max(0, Math.min(value, log.scrollHeight - log.clientHeight));
    },
  });
}

const ids = () => w.$$('.log .msg').map((m) => m.dataset.id);

beforeEach(() => localStorage.clear());
afterEach(() => w.unmount());

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

  it('opens with only the newest entries, and renders earlier ones on scroll-up keeping the position', () => {
    w = mountWidget({}, { closed: true });
    w.connect({ messages: history(2000) });
    w.command('open');
    expect(ids()).toHaveLength(50);
    expect(ids()[0]).toBe('m1951');
    expect(ids().at(-1)).toBe('m2000');

    const log = w.$('.log')!;
    layOut(log);
    log.scrollTop = 40 * 50; // at the newest
    expect(log.scrollTop).toBe(40 * 50 - 400);

    // Reading in the middle: nothing more renders.
    log.scrollTop = 600;
    act(() => void log.dispatchEvent(new Event('scroll')));
    expect(ids()).toHaveLength(50);

    // Near the top: the 50 before render above, and message 1951 stays where it was on screen.
    log.scrollTop = 20;
    const offsetOf1951 = 0 * 40 - log.scrollTop;
    act(() => void log.dispatchEvent(new Event('scroll')));
    expect(ids()).toHaveLength(100);
    expect(ids()[0]).toBe('m1901');
    const indexOf1951 = ids().indexOf('m1951');
    expect(indexOf1951 * 40 - log.scrollTop).toBe(offsetOf1951);

    // A new message: the view goes to the newest again.
    act(() => w.transport.emit('message:new', history(2001)[2000]!));
    expect(ids().at(-1)).toBe('m2001');
    expect(log.scrollTop).toBe(log.scrollHeight - 400);
  });

  it('shows everything once scrolled to the very beginning', () => {
    w = mountWidget({}, { closed: true });
    w.connect({ messages: history(120) });
    w.command('open');
    const log = w.$('.log')!;
    layOut(log);
    for (let i = 0; i < 5; i++) {
      log.scrollTop = 0;
      act(() => void log.dispatchEvent(new Event('scroll')));
    }
    expect(ids()).toHaveLength(120);
    expect(ids()[0]).toBe('m1');
  });
});
