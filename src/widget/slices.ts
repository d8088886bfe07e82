/**
 * Work in slices, each in its own task, so that mounting the widget after the page's
 * `load` never holds the main thread for long: between two slices the browser can take
 * the visitor's input and paint. A visitor who reaches for the widget meanwhile needs
 * all of it at once, so the rest can be run now, in order (`run`).
 */

export type Slice = () => void;

/** Waits for the moment to run the next slice. */
export type NextSlice = () => Promise<void>;

interface Scheduler {
  yield?: () => Promise<void>;
}

/**
 * `scheduler.yield()` where the browser has it: the rest continues as soon as pending
 * input and rendering have had their turn, ahead of other queued tasks. Elsewhere a new
 * task (a few milliseconds later once nested: room for the page all the same).
 */
export const yieldToPage: NextSlice = () => {
  const scheduler = (globalThis as { scheduler?: Scheduler }).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve));
};

export interface Slices {
  /** Runs, now and in order, the slices up to the `count`th that have not run yet. */
  run(count: number): void;
  /** No slice runs from now on (the widget was destroyed): `done` resolves at the next wait's end. */
  stop(): void;
  /** Resolves once every slice has run, or after `stop`. */
  done: Promise<void>;
}

/**
 * A slice starts in the task of the one before only while that task has run less than
 * this, so a task lasts at most this plus one slice: the longest slice takes ~25 ms at 4×
 * CPU (a mid-range phone), far from a long task's 50. A fast device runs several slices a
 * task and is through sooner; a slow one gets more, smaller tasks.
 */
export const SLICE_BUDGET_MS = 10;

/**
 * Runs `slices` in order, the first after the first wait, then as many a task as have
 * started within `budgetMs` of the task's start (0: one a task). With `next` null none
 * runs by itself: the caller runs them (`run`).
 */
export function runInSlices(slices: Slice[], next: NextSlice | null = yieldToPage, budgetMs = SLICE_BUDGET_MS): Slices {
  let ran = 0;
  let stopped = false;
  // The count goes up before a slice runs: a slice that asks for the ones before it gets them, not itself again.
  const run = (count: number) => {
    while (!stopped && ran < Math.min(count, slices.length)) slices[ran++]!();
  };
  const left = () => !stopped && ran < slices.length;
  const done = (async () => {
    while (next && left()) {
      await next();
      const start = performance.now();
      do {
        run(ran + 1);
        // What the slice set off in microtasks is part of its time: Preact renders a
        // signal's change in one, so a part of the panel is drawn before the clock is read.
        await undefined;
      } while (left() && performance.now() - start < budgetMs);
    }
  })();
  const stop = () => {
    stopped = true;
  };
  return { run, stop, done };
}

/**
 * Runs `then` in a task of its own after the next frame, so that what it adds is not part
 * of that frame. Returns the cancel.
 */
export function afterNextFrame(then: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => (timer = setTimeout(then)));
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
