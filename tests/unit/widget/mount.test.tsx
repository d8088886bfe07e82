/**
 * `mount` wires; `destroy` unwires everything. Effects are counted by wrapping
 * `effect` (every effect the widget makes, its models' included, goes through it: a
 * live effect is one whose cleanup has not run), listeners on the page by spying on
 * EventTarget, timers by the fake clock.
 */
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../../src/protocol';
import { mountWidget, typeInto, press, type MountedWidget } from '../../support/widget';

const live = vi.hoisted(() => new Set<object>());
vi.mock('@preact/signals', async (importOriginal) => {
  const real = await importOriginal<typeof import('@preact/signals')>();
  return {
    ...real,
    // biome-ignore lint/suspicious/noConfusingVoidType: the same callback type as the effect() of @preact/signals it wraps
    effect: (fn: () => void | (() => void)) =>
      real.effect(function (this: unknown) {
        const token = {};
        live.add(token);
        const cleanup = fn.call(this);
        return () => {
          live.delete(token);
          cleanup?.();
        };
      }),
  };
});

let w: MountedWidget | undefined;
beforeEach(() => localStorage.clear());
afterEach(() => {
  w?.unmount();
  w = undefined;
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const operatorMessage = (seq: number): ChatMessage => ({
  id: `o${seq}`,
  conversationId: 'c1',
  seq,
  changeSeq: seq,
  clientId: `oc${seq}`,
  author: 'operator',
  operator: { id: 'anna', name: 'Anna' },
  text: 'Hello',
  createdAt: 1_700_000_000_000 + seq,
});

describe('destroy', () => {
  it('leaves no effect, page listener or timer behind after 50 mounts', async () => {
    vi.useFakeTimers({
      toFake: [
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'requestAnimationFrame',
        'cancelAnimationFrame',
      ],
    });
    const pageTargets = new Set<EventTarget>([window, document, window.history as unknown as EventTarget]);
    const listeners = new Set<string>();
    const ids = new WeakMap<object, number>();
    let next = 0;
    const key = (target: EventTarget, type: string, listener: unknown) =>
      `${target === window ? 'window' : 'document'}:${type}:${ids.get(listener as object) ?? ids.set(listener as object, ++next).get(listener as object)}`;
    const add = EventTarget.prototype.addEventListener;
    const remove = EventTarget.prototype.removeEventListener;
    vi.spyOn(EventTarget.prototype, 'addEventListener').mockImplementation(function (
      this: EventTarget,
      type,
      listener,
      options,
    ) {
      if (pageTargets.has(this) && listener) listeners.add(key(this, type, listener));
      return add.call(this, type, listener, options);
    });
    vi.spyOn(EventTarget.prototype, 'removeEventListener').mockImplementation(function (
      this: EventTarget,
      type,
      listener,
      options,
    ) {
      if (pageTargets.has(this) && listener) listeners.delete(key(this, type, listener));
      return remove.call(this, type, listener, options);
    });
    const effectsBefore = live.size;
    const transports = [];
    for (let i = 0; i < 50; i++) {
      w = mountWidget();
      w.connect({ messages: [operatorMessage(1)] });
      await typeInto(w.$('.composer textarea'), 'typing starts a pause timer');
      await press(w.$('.composer textarea'), 'Enter');
      act(() => w!.transport.emit('typing', { typing: true }));
      transports.push(w.transport);
      w.unmount();
      w = undefined;
    }
    expect(live.size).toBe(effectsBefore);
    expect([...listeners]).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    expect(transports.every((t) => t.closed && t.handlerCount() === 0)).toBe(true);
    expect(document.querySelectorAll('confab-widget')).toHaveLength(0);
    // 50 mounts take about a second alone; on a machine shared with other work, far more.
  }, 30_000);
});

describe('mount', () => {
  it("fires `ready` before the `open` of a Confab('open') queued before load (defect 10)", () => {
    const order: string[] = [];
    w = mountWidget(
      {},
      {
        closed: true,
        queue: [['on', 'open', () => order.push('open')], ['open'], ['on', 'ready', () => order.push('ready')]],
      },
    );
    expect(order).toEqual(['ready', 'open']);
    expect(w.widget.panel.isOpen.value).toBe(true);
  });

  it('opens with consent, focus in the composer, and returns focus to the launcher on close', async () => {
    w = mountWidget({ consent: 'required' }, { closed: true });
    expect(w.transport.connects).toBe(0);
    w.command('open');
    expect(w.transport.connects).toBe(1);
    expect(w.host.hasAttribute('data-open')).toBe(true);
    await vi.waitFor(() => expect(w!.root.activeElement).toBe(w!.$('.composer textarea')));
    w.command('close');
    expect(w.host.hasAttribute('data-open')).toBe(false);
    expect(w.root.activeElement).toBe(w.launcher);
  });

  it('closes by itself a moment after the thank-you, with a fresh form for next time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    w = mountWidget();
    w.connect();
    act(() => w!.transport.emit('availability', { online: false, reason: 'nobody' }));
    await vi.waitFor(() => expect(w!.$('form.lead')).not.toBeNull());
    vi.setSystemTime(Date.now() + 10_000);
    await typeInto(w.$('[name=phone]'), '+7 701 123 45 67');
    await act(() => {
      const box = w!.$('[name=consent]') as HTMLInputElement;
      box.checked = true;
      box.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(() => void w!.$('form.lead')!.dispatchEvent(new Event('submit', { cancelable: true })));
    expect(w.widget.view.view.value).toBe('thanks');
    await act(() => void vi.advanceTimersByTime(4000));
    expect(w.widget.panel.isOpen.value).toBe(false);
    expect(w.widget.request.form.value!.draft.value.phone).toBe('');
  });

  it('settles stars left on close as the rating', async () => {
    w = mountWidget();
    w.connect({ messages: [operatorMessage(1)] });
    act(() => w!.transport.emit('conversation:closed', { conversationId: 'c1', reason: 'operator' }));
    await vi.waitFor(() => expect(w!.$$('.star')).toHaveLength(5));
    await act(() => w!.$$('.star')[3]!.click());
    w.command('close');
    await vi.waitFor(() =>
      expect(w!.transport.ratings.at(-1)).toEqual({ conversationId: 'c1', score: 4, final: true }),
    );
  });
});

describe('error boundary', () => {
  it('shows a retry inside the widget, reports once, and the page sees nothing', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const pageErrors: unknown[] = [];
    const onError = (event: ErrorEvent) => pageErrors.push(event.error);
    window.addEventListener('error', onError);
    w = mountWidget();
    w.connect();
    // A message whose text is not text makes a view throw while rendering.
    act(() => w!.transport.emit('message:new', { ...operatorMessage(1), text: null as never }));
    act(() => w!.transport.emit('message:new', { ...operatorMessage(2), text: null as never }));
    expect(w.$('[role=alert]')!.textContent).toContain('Retry');
    expect(error).toHaveBeenCalledTimes(1);
    window.removeEventListener('error', onError);
    expect(pageErrors).toEqual([]);
  });
});
