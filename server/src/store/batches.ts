/**
 * Calls gathered into batches: the calls made in one turn of the event loop, and those
 * made while the previous batch is still in flight, go out together as the next batch.
 * One batch is in flight at a time, so batches grow with the load by themselves (the
 * longer a batch takes, the more calls wait for the next one) and run in the order the
 * calls were made.
 *
 * Why: on PostgreSQL every statement is a round trip and a commit. A visitor's message
 * alone in its statement spends most of its cost on that; many in one statement share it.
 */
export interface Batches<I, O> {
  /** Settles with this item's outcome once the batch that holds it has run. */
  add(item: I): Promise<O>;
  /** Settles once every item added so far has been answered (used when closing). */
  drained(): Promise<void>;
}

interface Waiting<I, O> {
  item: I;
  resolve: (outcome: O) => void;
  reject: (error: unknown) => void;
}

/**
 * `run` gets the items of one batch in the order they were added and answers each, in
 * the same order: a value, or an Error for that item alone. When `run` itself throws,
 * every item of the batch fails with that error.
 */
export function batches<I, O>(run: (items: I[]) => Promise<(O | Error)[]>, maxBatch: number): Batches<I, O> {
  let waiting: Waiting<I, O>[] = [];
  let inFlight: Promise<void> | undefined;
  let scheduled = false;

  const send = async (batch: Waiting<I, O>[]) => {
    try {
      const outcomes = await run(batch.map((entry) => entry.item));
      batch.forEach((entry, i) => {
        const outcome = outcomes[i];
        if (outcome instanceof Error) entry.reject(outcome);
        else entry.resolve(outcome as O);
      });
    } catch (error) {
      batch.forEach((entry) => entry.reject(error));
    }
  };

  const next = () => {
    scheduled = false;
    if (inFlight || waiting.length === 0) return;
    const batch = waiting.slice(0, maxBatch);
    waiting = waiting.slice(batch.length);
    inFlight = send(batch).finally(() => {
      inFlight = undefined;
      next();
    });
  };

  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        // The rest of this turn's calls join it; a batch in flight calls `next` when done.
        if (!scheduled && !inFlight) {
          scheduled = true;
          setImmediate(next);
        }
      });
    },
    async drained() {
      while (inFlight || scheduled || waiting.length > 0) {
        await (inFlight ?? new Promise((resolve) => setImmediate(resolve)));
      }
    },
  };
}
