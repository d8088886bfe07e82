/**
 * A TypeScript child process of the benchmark, asked things over IPC. Every request is
 * answered or fails within its time limit, and a child that exits fails whatever was
 * still waiting on it (with its exit code): the benchmark stops with a reason instead
 * of waiting forever for a process that is gone. Children answer `{ id, ok, value | error }`
 * and announce themselves with id 0 once ready.
 */
import { fork, type ChildProcess } from 'node:child_process';

export interface BenchChild {
  /** What the child said when it was ready. */
  ready: unknown;
  process: ChildProcess;
  ask<T>(request: object, timeoutMs: number, what: string): Promise<T>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone (at once if it already is). */
  stop(): Promise<void>;
}

interface Answer {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export async function startChild(
  script: URL,
  env: Record<string, string>,
  { name, execArgv = [], readyMs = 60_000 }: { name: string; execArgv?: string[]; readyMs?: number },
): Promise<BenchChild> {
  const child = fork(script.pathname, [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let exitReason: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitReason = `${name} exited (${signal ?? `code ${code}`})`;
      for (const { reject } of waiting.values()) reject(new Error(exitReason));
      waiting.clear();
      resolve();
    }),
  );
  child.on('message', (answer: Answer) => {
    const entry = waiting.get(answer.id);
    if (!entry) return;
    waiting.delete(answer.id);
    if (answer.ok) entry.resolve(answer.value);
    else entry.reject(new Error(`${name}: ${answer.error}`));
  });

  const wait = <T>(id: number, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      if (exitReason) return reject(new Error(exitReason));
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`${name}: ${what} did not finish within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });

  const ready = await wait<unknown>(0, readyMs, 'start-up');
  return {
    ready,
    process: child,
    ask<T>(request: object, timeoutMs: number, what: string) {
      const id = nextId++;
      const answer = wait<T>(id, timeoutMs, what);
      child.send({ id, request });
      return answer;
    },
    async stop() {
      if (exitReason) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}
