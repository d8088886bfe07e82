/**
 * Mounting after `load` comes in slices (src/widget/slices.ts): the models first (in
 * seven), then the connection, then the look, then Preact's first render (of nothing),
 * then the closed panel in parts, as
 * many a task as fit in its time budget. These tests hold every slice until told (one a
 * wait), so they check the order and that a visitor who reaches for the widget meanwhile
 * gets all of it at once; the budget is checked with a clock the slices move. They also check what the
 * closed launcher never pays for: the request form's model and date formatting.
 */
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { t } from '../../../src/i18n';
import { messageOf } from '../../support/fixtures';
import { afterNextFrame, runInSlices, SLICE_BUDGET_MS, yieldToPage } from '../../../src/widget/slices';
import type { Command } from '../../../src/loader/contract';
import { mountWidget, type MountedWidget } from '../../support/widget';

const loaded = vi.hoisted(() => ({ leadFormModel: 0 }));
vi.mock('../../../src/widget/models/lead-form', async (importOriginal) => {
  loaded.leadFormModel++;
  return importOriginal();
});

let w: MountedWidget | undefined;
const waiting: (() => void)[] = [];
/** A slice waits until `step` lets it run. */
const heldSlice = () => new Promise<void>((resolve) => waiting.push(resolve));
/** Lets the next waiting slice run, and whatever it started settle. */
const step = () =>
  act(async () => {
    expect(waiting.length).toBe(1);
    waiting.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

/** Destroys the widget mid-mount: its transport is closed at once and never connects, no slice left waiting. */
async function destroyAndExpectNoConnection() {
  const { transport } = w!;
  w!.unmount();
  w = undefined;
  expect(transport.closed).toBe(true);
  await step();
  expect(transport.connects).toBe(0);
  expect(waiting).toHaveLength(0);
}

beforeEach(() => {
  localStorage.clear();
  waiting.length = 0;
  // Every slice takes its task's whole time budget, so each waits for a task of its own.
  let now = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => (now += SLICE_BUDGET_MS));
});
afterEach(() => {
  w?.unmount();
  w = undefined;
  vi.restoreAllMocks();
});

describe('mounting in slices', () => {
  it('waits a slice, sets mounting up, then makes the models in seven steps, connects, adopts the look, renders nothing (Preact warmed up), then the closed panel in three, a slice each', async () => {
    const ready = vi.fn();
    const queue: Command[] = [['on', 'ready', ready]];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    w = mountWidget({ position: 'middle' }, { closed: true, nextSlice: heldSlice, queue });
    let mounted = false;
    void w.mounted.then(() => (mounted = true));
    // The module was evaluated in this task: mounting itself starts in the next.
    expect(queue).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();

    // Mounting's own set-up: the page's settings checked, the queued calls taken, nothing made yet.
    await step();
    expect(queue).toHaveLength(0);
    expect(warn).toHaveBeenCalled();
    expect(localStorage.getItem('confab:demo:visitor')).toBeNull();
    expect(w.transport).toBeUndefined();

    // Who the visitor is: the storage's first read and the session, nothing else.
    await step();
    expect(localStorage.getItem('confab:demo:visitor')).not.toBeNull();
    expect(localStorage.getItem('confab:demo:firstTouch')).toBeNull();
    expect(w.transport).toBeUndefined();

    // Where they came from.
    await step();
    expect(localStorage.getItem('confab:demo:firstTouch')).not.toBeNull();
    expect(w.transport).toBeUndefined();

    // The transport, made but not connected.
    await step();
    expect(w.transport).toBeDefined();
    expect(w.transport.connects).toBe(0);
    expect(() => w!.transport.options.auth()).toThrow();

    // The conversation (the handshake can read it now); the form and the ending (the
    // requests' outbox read from storage); then the panel and the chat.
    const read = vi.spyOn(localStorage, 'getItem');
    const outboxRead = () => read.mock.calls.some(([key]) => key === 'confab:demo:leadOutbox');
    await step();
    expect(w.transport.options.auth().lastChange).toBe(0);
    expect(outboxRead()).toBe(false);
    await step();
    expect(outboxRead()).toBe(true);
    expect(localStorage.getItem('confab:demo:draft')).toBeNull();
    await step();
    expect(localStorage.getItem('confab:demo:draft')).not.toBeNull();
    expect(w.transport.handlerCount()).toBe(0);
    expect(ready).not.toHaveBeenCalled();

    // The view, the server's events and the page's navigation: the widget's model, and the queued calls.
    await step();
    expect(w.transport.handlerCount()).toBeGreaterThan(0);
    expect(ready).toHaveBeenCalledTimes(1);
    expect(w.widget.panel.isOpen.value).toBe(false);
    expect(w.transport.connects).toBe(0);
    expect(w.$('.badge')).toBeNull();

    await step();
    expect(w.transport.connects).toBe(1);
    expect(w.$('.badge')).toBeNull();
    // An open conversation, so that the end-chat bar has something to show once rendered.
    w.connect({ messages: [messageOf(1, 'visitor', 'hi')] });

    // The stylesheet and the launcher's label and badge.
    const sheets = w.root.adoptedStyleSheets.length;
    await step();
    expect(w.root.adoptedStyleSheets.length).toBe(sheets + 1);
    expect(w.$('.badge')).not.toBeNull();
    expect(w.launcher.getAttribute('aria-label')).toBe(t('launcher.open'));
    expect(w.$('.panel')).toBeNull();

    // Preact's first render, of nothing; then the closed panel: its frame, then the
    // header, then the composer and the end-chat bar.
    await step();
    expect(w.root.querySelector('div')).not.toBeNull();
    expect(w.$('.panel')).toBeNull();
    await step();
    expect(w.$('.panel')?.hidden).toBe(true);
    expect(w.$('.header')).toBeNull();
    await step();
    expect(w.$('.header')).not.toBeNull();
    expect(w.$('.composer')).toBeNull();
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(w.$('.end-bar')).toBeNull();
    expect(mounted).toBe(false);
    await step();
    expect(w.$('.composer textarea')).not.toBeNull();
    await vi.waitFor(() => expect(w!.$('.end-bar')).not.toBeNull());
    expect(waiting).toHaveLength(0);
    expect(mounted).toBe(true);
  });

  it('runs what is left at once when the visitor opens the widget before the slices are through', async () => {
    w = mountWidget({}, { closed: true, nextSlice: heldSlice });
    await step();
    await step();
    w.command('toggle');
    expect(w.$('.badge')).not.toBeNull();
    expect(w.$('.panel')?.hidden).toBe(false);
    expect(w.$('.composer textarea')).not.toBeNull();
    // The connection comes before the view in this order, so it opened too.
    expect(w.transport.connects).toBe(1);
    // The slice that was waiting finds nothing left to do.
    await step();
    expect(waiting).toHaveLength(0);
    expect(w.transport.connects).toBe(1);
  });

  it('shows the panel at once when a click on the launcher was queued before load, and connects right after', async () => {
    w = mountWidget({}, { closed: true, nextSlice: heldSlice, queue: [['toggle']] });
    expect(w.$('.panel')?.hidden).toBe(false);
    expect(w.$('.composer textarea')).not.toBeNull();
    expect(w.$('.badge')).not.toBeNull();
    expect(w.transport.connects).toBe(0);
    await step();
    expect(w.transport.connects).toBe(1);
    expect(waiting).toHaveLength(0);
  });

  it('stops at destroy during a cold click: the connection that was to follow the view never opens', async () => {
    w = mountWidget({}, { closed: true, nextSlice: heldSlice, queue: [['toggle']] });
    await destroyAndExpectNoConnection();
  });

  it('makes nothing at destroy before mounting began: neither takes the queued calls nor checks the settings', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const queue: Command[] = [['on', 'ready', () => {}]];
    w = mountWidget({ position: 'middle' }, { closed: true, nextSlice: heldSlice, queue });
    let mounted = false;
    void w.mounted.then(() => (mounted = true));
    w.unmount();
    const { transport } = w;
    w = undefined;
    await step();
    expect(mounted).toBe(true);
    expect(queue).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
    expect(transport).toBeUndefined();
    expect(localStorage.length).toBe(0);
    expect(waiting).toHaveLength(0);
  });

  it('stops at destroy between the model slices: makes and connects nothing more, and disposes what was made', async () => {
    w = mountWidget({}, { closed: true, nextSlice: heldSlice });
    // Mounting's set-up, then every model before the widget's: the first of them closes the transport when disposed.
    for (let slice = 0; slice < 7; slice++) await step();
    const { transport, root } = w;
    let mounted = false;
    void w.mounted.then(() => (mounted = true));
    w.unmount();
    w = undefined;
    expect(transport.closed).toBe(true);
    expect(transport.connects).toBe(0);
    expect(transport.handlerCount()).toBe(0);
    expect(root.querySelector('.panel')).toBeNull();
    await step();
    expect(transport.connects).toBe(0);
    expect(waiting).toHaveLength(0);
    expect(mounted).toBe(true);
  });

  it('closes the transport at destroy before the models that would: it listens to the page from the start', async () => {
    w = mountWidget({}, { closed: true, nextSlice: heldSlice });
    // Mounting's set-up, who the visitor is, where they came from, the transport.
    for (let slice = 0; slice < 4; slice++) await step();
    expect(w.transport).toBeDefined();
    await destroyAndExpectNoConnection();
  });

  it('makes the models for a call that needs no view, and leaves the rest to the slices', async () => {
    w = mountWidget({}, { closed: true, nextSlice: heldSlice });
    await step();
    w.command('update', { name: 'Ann' });
    expect(w.widget.panel.isOpen.value).toBe(false);
    expect(w.transport.connects).toBe(0);
    expect(w.$('.panel')).toBeNull();
    await step();
    expect(w.transport.connects).toBe(1);
  });
});

describe('the closed launcher', () => {
  it('neither loads the request form model nor formats a date, with a history; the open panel writes times without Intl', async () => {
    const RealFormat = Intl.DateTimeFormat;
    const formatter = vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(function (
      this: unknown,
      ...args: ConstructorParameters<typeof RealFormat>
    ) {
      return new RealFormat(...args);
    } as unknown as typeof RealFormat);
    const localeTime = vi.spyOn(Date.prototype, 'toLocaleTimeString');
    const localeString = vi.spyOn(Date.prototype, 'toLocaleString');
    w = mountWidget({}, { closed: true });
    const messages = Array.from({ length: 30 }, (_, i) => messageOf(i + 1, i % 2 ? 'operator' : 'visitor', `m${i}`));
    w.connect({ messages });
    act(() => w!.transport.emit('availability', { online: true }));
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(w.$('.panel')?.hidden).toBe(true);
    expect(formatter).not.toHaveBeenCalled();
    expect(localeTime).not.toHaveBeenCalled();
    expect(localeString).not.toHaveBeenCalled();
    expect(loaded.leadFormModel).toBe(0);

    w.command('open');
    expect(w.$$('.msg time').length).toBeGreaterThan(1);
    // The first Intl object in a fresh renderer costs a long task on a phone (views/clock.ts).
    expect(formatter).not.toHaveBeenCalled();
    expect(localeTime).not.toHaveBeenCalled();
    expect(loaded.leadFormModel).toBe(0);
  });
});

describe('after the next frame', () => {
  it('runs in a task after the frame, not in it, and not at all once cancelled', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    try {
      const ran: string[] = [];
      afterNextFrame(() => ran.push('kept'));
      const cancelBeforeFrame = afterNextFrame(() => ran.push('cancelled before the frame'));
      const cancelAfterFrame = afterNextFrame(() => ran.push('cancelled after the frame'));
      requestAnimationFrame(() => ran.push('frame'));
      cancelBeforeFrame();
      vi.advanceTimersToNextFrame();
      expect(ran).toEqual(['frame']);
      cancelAfterFrame();
      vi.runAllTimers();
      expect(ran).toEqual(['frame', 'kept']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the next slice', () => {
  /** The page's clock, moved only by the slices: each takes the time it is given. */
  const sliceClock = () => {
    let now = 0;
    vi.mocked(performance.now).mockImplementation(() => now);
    return (ms: number) => {
      now += ms;
    };
  };
  /** A task of the page's for the next slice, noted where it begins. */
  const nextTask = (ran: string[]) => () =>
    new Promise<void>((resolve) =>
      setTimeout(() => {
        ran.push('task');
        resolve();
      }),
    );

  it('runs slices in a task while it has run less than its budget, then waits for the next task', async () => {
    const spend = sliceClock();
    const ran: string[] = [];
    const costs = [4, 4, 4, 30, 2, 2];
    const slices = runInSlices(
      costs.map((ms, n) => () => {
        ran.push(`slice ${n + 1}`);
        spend(ms);
      }),
      nextTask(ran),
    );
    await slices.done;
    // SLICE_BUDGET_MS is 10: 4 + 4 ms leave room for a third, 12 do not; 30 ms alone; the last two together.
    expect(SLICE_BUDGET_MS).toBe(10);
    expect(ran).toEqual(['task', 'slice 1', 'slice 2', 'slice 3', 'task', 'slice 4', 'task', 'slice 5', 'slice 6']);
  });

  it("counts what a slice set off in microtasks (a render) as the slice's time", async () => {
    const spend = sliceClock();
    const ran: string[] = [];
    const slices = runInSlices(
      [1, 2].map((n) => () => {
        ran.push(`slice ${n}`);
        // Preact renders a signal's change in a microtask.
        void Promise.resolve().then(() => spend(20));
      }),
      nextTask(ran),
    );
    await slices.done;
    expect(ran).toEqual(['task', 'slice 1', 'task', 'slice 2']);
  });

  it('runs one slice a task with no budget: timers queued meanwhile run between them', async () => {
    const ran: string[] = [];
    const slices = runInSlices(
      [1, 2, 3].map((n) => () => void ran.push(`slice ${n}`)),
      yieldToPage,
      0,
    );
    // Queued after the wait for the first slice, before the wait for the second.
    setTimeout(() => ran.push('a task of the page'));
    await slices.done;
    expect(ran).toEqual(['slice 1', 'a task of the page', 'slice 2', 'slice 3']);
  });

  it('waits for scheduler.yield() where the browser has it', async () => {
    const yielded = vi.fn(() => Promise.resolve());
    vi.stubGlobal('scheduler', { yield: yielded });
    try {
      await yieldToPage();
      expect(yielded).toHaveBeenCalledTimes(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
