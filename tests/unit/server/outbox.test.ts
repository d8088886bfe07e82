/** The outbox worker both outboxes run on (webhooks, e-mail): retries, giving up, and closing mid-claim. */
import { describe, expect, it } from 'vitest';
import { createOutboxWorker, type AttemptResult, type OutboxItem } from '../../../server/src/outbox';

interface Item extends OutboxItem {
  status: string;
  error?: string;
}

/** A worker over an in-memory list of items; `claimGate` holds the claim until released. */
function setup(
  results: AttemptResult[],
  options: { claimGate?: Promise<void>; retryDelaysMs?: number[]; claimWaitOnCloseMs?: number } = {},
) {
  const items: Item[] = [{ id: 'a', site: 'shop', attempts: 0, status: 'pending' }];
  const finished: { id: string; status: string; error?: string }[] = [];
  const logs: string[] = [];
  let claims = 0;
  const worker = createOutboxWorker<Item>({
    name: 'test',
    log: (line) => logs.push(line),
    async claim() {
      claims += 1;
      await options.claimGate;
      const due = items.filter((item) => item.status === 'pending');
      for (const item of due) {
        item.attempts += 1;
        item.status = 'claimed';
      }
      return due.map((item) => ({ ...item }));
    },
    attempt: async () => results.shift() ?? { done: true },
    async finish(item, outcome) {
      const row = items.find((i) => i.id === item.id)!;
      row.status = outcome.status;
      finished.push({ id: item.id, ...outcome, ...('retryAt' in outcome ? { retryAt: undefined } : {}) });
    },
    describe: (item) => `test ${item.id} for ${item.site}`,
    retryDelaysMs: options.retryDelaysMs ?? [5, 5],
    leaseMs: 1000,
    batch: 10,
    pollMs: 60_000,
    isLeader: () => true,
    ...(options.claimWaitOnCloseMs ? { claimWaitOnCloseMs: options.claimWaitOnCloseMs } : {}),
  });
  return { worker, finished, logs, claims: () => claims };
}

const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the outbox worker', () => {
  it('retries a failed attempt after its delay, and records it done', async () => {
    const { worker, finished, logs } = setup([{ error: 'HTTP 500' }]);
    await settle();
    await worker.close();
    expect(finished.map((f) => f.status)).toEqual(['pending', 'done']);
    expect(logs).toEqual(['test a for shop: attempt 1 failed (HTTP 500); retrying in 5 ms']);
  });

  it('gives up after the last retry, with the reason', async () => {
    const { worker, finished, logs } = setup([{ error: 'x' }, { error: 'y' }, { error: 'z' }]);
    await settle(100);
    await worker.close();
    expect(finished.map((f) => [f.status, f.error])).toEqual([
      ['pending', 'x'],
      ['pending', 'y'],
      ['failed', 'z'],
    ]);
    expect(logs.at(-1)).toBe('test a for shop: gave up after 3 attempts (z)');
  });

  it('records a skipped item as skipped, never retried', async () => {
    const { worker, finished } = setup([{ skipped: 'no longer needed' }]);
    await settle();
    await worker.close();
    expect(finished).toEqual([{ id: 'a', status: 'skipped', error: 'no longer needed' }]);
  });

  it('closing while a claim is committing waits for that item to be attempted and finished', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { worker, finished, claims } = setup([], { claimGate: gate });
    await settle(10);
    expect(claims()).toBe(1);
    const closing = worker.close();
    release();
    await closing;
    // Not left claimed (its lease would hold it back after a restart): attempted and answered.
    expect(finished).toEqual([{ id: 'a', status: 'done' }]);
  });

  it('closes within its bound when a claim never answers (the store closed under it), and attempts nothing it brings back later', async () => {
    let release!: () => void;
    const claimGate = new Promise<void>((resolve) => (release = resolve));
    const { worker, finished } = setup([], { claimGate, claimWaitOnCloseMs: 30 });
    await settle(10);
    const closing = worker.close();
    const outcome = await Promise.race([closing.then(() => 'closed'), settle(500).then(() => 'still waiting')]);
    expect(outcome).toBe('closed');
    // The claim answers after all: its item waits for its lease instead of an attempt after closing.
    release();
    await settle();
    expect(finished).toEqual([]);
  });
});
