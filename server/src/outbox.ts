/**
 * The worker of an outbox in the store (webhook.ts, mail.ts): claims what is due, hands
 * each item to its sender, and records how the attempt ended. A failed attempt is retried
 * with growing delays, across restarts (the row stays due), by whichever server claims it
 * first; after the last retry it is given up and stays visible as failed. One drain runs at
 * a time (asked again meanwhile, it runs once more); a poll picks up retries and other
 * servers' leftovers; only the leader node sends (leader.ts).
 *
 * Closing waits for the drain in progress to hand over every item it claimed, then for
 * those attempts to be answered: a claim that committed just before closing is still
 * attempted and finished, instead of waiting out its lease after a restart.
 */

/** What an outbox holds: its rows as the store's claim returns them. */
export interface OutboxItem {
  id: string;
  site: string;
  /** Attempts so far, this one included (the claim counts it). */
  attempts: number;
}

/** How one attempt went: done, not needed any more (skipped, with why), or failed with why. */
export type AttemptResult = { done: true } | { skipped: string } | { error: string };

export interface OutboxWorkerOptions<Item extends OutboxItem> {
  /** "webhook" or "e-mail": how the log names this outbox. */
  name: string;
  log: (message: string) => void;
  claim: (leaseMs: number, limit: number) => Promise<Item[]>;
  attempt: (item: Item) => Promise<AttemptResult>;
  /** Records the end of an attempt: done, skipped, failed for good, or pending again at `retryAt`. */
  finish: (
    item: Item,
    outcome:
      | { status: 'done' }
      | { status: 'skipped' | 'failed'; error: string }
      | { status: 'pending'; error: string; retryAt: number },
  ) => Promise<void>;
  /** How the log names one item, e.g. "webhook lead.created for shop". */
  describe: (item: Item) => string;
  /** Waits before each retry; after the last, the item is given up. */
  retryDelaysMs: number[];
  /** How long a claim keeps other workers off an item: longer than one attempt can take. */
  leaseMs: number;
  batch: number;
  pollMs: number;
  isLeader: () => boolean;
  /**
   * How long closing waits for a claim still out (default 2 s): a store closed or gone
   * under it may never answer. What it claims after that is left to its lease.
   */
  claimWaitOnCloseMs?: number;
}

export function createOutboxWorker<Item extends OutboxItem>(options: OutboxWorkerOptions<Item>) {
  const { name, log, claim, attempt, finish, describe, retryDelaysMs, leaseMs, batch, pollMs, isLeader } = options;
  const claimWaitOnCloseMs = options.claimWaitOnCloseMs ?? 2_000;
  /** Closing stopped waiting for the claim out: whatever it brings back waits for its lease to end. */
  let abandoned = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let draining = false;
  let again = false;
  /** Settles when the drain in progress has handed every claimed item to `inFlight`. */
  let drained: Promise<void> = Promise.resolve();

  async function run(item: Item): Promise<void> {
    const result = await attempt(item);
    if ('done' in result) return finish(item, { status: 'done' });
    if ('skipped' in result) return finish(item, { status: 'skipped', error: result.skipped });
    const delay = retryDelaysMs[item.attempts - 1];
    if (delay === undefined) {
      log(`${describe(item)}: gave up after ${item.attempts} attempts (${result.error})`);
      return finish(item, { status: 'failed', error: result.error });
    }
    log(`${describe(item)}: attempt ${item.attempts} failed (${result.error}); retrying in ${delay} ms`);
    await finish(item, { status: 'pending', error: result.error, retryAt: Date.now() + delay });
    later(delay);
  }

  function later(ms: number) {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void drain();
    }, ms);
    timers.add(timer);
  }

  /** Claims what is due and starts each attempt; runs once at a time, and again if asked meanwhile. */
  async function drain(): Promise<void> {
    if (closed || !isLeader()) return;
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    let handedOver!: () => void;
    drained = new Promise((resolve) => (handedOver = resolve));
    try {
      do {
        again = false;
        for (const item of await claim(leaseMs, batch)) {
          if (abandoned) break;
          const work = run(item).catch((error: unknown) => log(`${name} outbox: ${String(error)}`));
          inFlight.add(work);
          void work.finally(() => inFlight.delete(work));
        }
      } while (again && !closed);
    } catch (error) {
      if (!closed) log(`${name} outbox: ${String(error)}`);
    } finally {
      draining = false;
      handedOver();
    }
  }

  const poll = setInterval(() => void drain(), pollMs);
  poll.unref();
  // Items left by an earlier run (or another server) that are due now.
  void drain();

  return {
    /** Looks at the outbox now (an item was just stored). */
    nudge: () => void drain(),
    /** An item due later is sent by the poll, or by this timer sooner. */
    nudgeAt: (ms: number) => later(ms),
    /** Stops retrying here (due rows stay for the next start) and waits for the attempts claimed. */
    async close(): Promise<void> {
      closed = true;
      clearInterval(poll);
      timers.forEach(clearTimeout);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const giveUp = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          abandoned = true;
          resolve();
        }, claimWaitOnCloseMs);
      });
      await Promise.race([drained, giveUp]);
      clearTimeout(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
