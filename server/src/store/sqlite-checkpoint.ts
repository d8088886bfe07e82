/**
 * Checkpoints of SQLite's write-ahead log on a worker thread, not on the event loop.
 *
 * A checkpoint copies the pages the log holds into the database file and flushes both
 * to disk. SQLite runs one by itself inside a COMMIT once the log passes 1,000 pages,
 * and better-sqlite3 runs every statement on the event loop: under a stream of messages
 * that was a copy and two disk flushes stopping the whole server every few commits.
 * Here the store's own connection never checkpoints (`wal_autocheckpoint = 0`); after a
 * commit has been made durable, this asks a worker with a connection of its own for a
 * PASSIVE checkpoint, which copies what is committed without waiting for (or stopping)
 * the writer. At most one runs at a time and one starts per `CHECKPOINT_EVERY_MS`: the
 * commits in between are copied together.
 *
 * Durability does not rest on checkpoints (a committed write is in the log, flushed to
 * disk before it is answered); they only keep the log from growing. The log restarts
 * from its beginning when a transaction begins after a checkpoint copied all of it; under
 * a steady stream of commits a checkpoint never quite catches up, so once the log holds
 * more than `limitPages`, the writer waits (without blocking the event loop: its writes
 * queue) for one checkpoint that copies everything, and the next commit restarts the log.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

/** The worker's whole program (CommonJS, evaluated): one connection, one checkpoint per message. */
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error) });
  }
});
`;

export const CHECKPOINT_EVERY_MS = 100;
/** Log pages (4 KiB each) past which the writer waits for a checkpoint to catch up. */
export const LOG_LIMIT_PAGES = 4000;

export interface Checkpointer {
  /** A commit was made durable: checkpoint what the log holds, soon and off the event loop. */
  afterCommit(): void;
  /**
   * Before a transaction: undefined when the log is within its limit, else a promise that
   * settles once a checkpoint has copied all of it (the writer waits for it).
   */
  caughtUp(): Promise<void> | undefined;
  /** Waits for a checkpoint in progress, then ends the worker. */
  close(): Promise<void>;
}

export function workerCheckpointer(
  file: string,
  { limitPages = LOG_LIMIT_PAGES, onError = () => {} }: { limitPages?: number; onError?: (error: string) => void } = {},
): Checkpointer {
  let worker: Worker | undefined;
  /**
   * The last checkpoint found the log past its limit: with commits going on, it may have
   * copied all it saw, yet a newer commit kept the log from restarting.
   */
  let behind = false;
  /** The writer waits for this; `started`: the checkpoint that settles it has begun. */
  let catchingUp: { promise: Promise<void>; resolve: () => void; started: boolean } | undefined;
  let running = false;
  let wanted = false;
  let timer: NodeJS.Timeout | undefined;
  let lastStarted = 0;
  let settled: (() => void) | undefined;

  const start = () => {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const started = new Worker(PROGRAM, { eval: true, workerData: { driver, file } });
    started.unref();
    started.on('message', (answer: { ok: boolean; error?: string; log?: number; checkpointed?: number }) => {
      // Idle, the worker does not keep the process alive; while it works, it does (someone may wait for it).
      started.unref();
      running = false;
      if (!answer.ok) onError(answer.error ?? 'checkpoint failed');
      behind = answer.ok && answer.log! > limitPages;
      settled?.();
      if (catchingUp?.started) {
        // It began with the writer already waiting, so it copied everything there was.
        const { resolve } = catchingUp;
        catchingUp = undefined;
        behind = false;
        resolve();
      }
      if (catchingUp) run();
      else if (wanted) later();
    });
    started.on('error', (error) => {
      onError(String(error));
      running = false;
      worker = undefined;
      settled?.();
      catchingUp?.resolve();
      catchingUp = undefined;
    });
    return started;
  };

  const run = () => {
    clearTimeout(timer);
    timer = undefined;
    if (catchingUp) catchingUp.started = true;
    wanted = false;
    running = true;
    lastStarted = performance.now();
    worker ??= start();
    worker.ref();
    worker.postMessage('checkpoint');
  };
  /** Starts one once the last is done and `CHECKPOINT_EVERY_MS` have passed since it began. */
  const later = () => {
    if (running) {
      wanted = true;
      return;
    }
    if (timer) return;
    const wait = lastStarted + CHECKPOINT_EVERY_MS - performance.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait).unref();
  };

  return {
    afterCommit: later,
    caughtUp() {
      if (!behind) return undefined;
      if (!catchingUp) {
        let resolve!: () => void;
        const promise = new Promise<void>((done) => (resolve = done));
        catchingUp = { promise, resolve, started: false };
        // A checkpoint running now may have begun before the last commit: the one that
        // counts starts after it (or now).
        if (!running) run();
      }
      return catchingUp.promise;
    },
    async close() {
      wanted = false;
      clearTimeout(timer);
      timer = undefined;
      if (running) await new Promise<void>((resolve) => (settled = resolve));
      const ending = worker;
      worker = undefined;
      if (!ending) return;
      await new Promise<void>((resolve) => {
        ending.once('exit', () => resolve());
        ending.ref();
        ending.postMessage('close');
      });
    },
  };
}
