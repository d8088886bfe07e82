/**
 * Resolves once `check` holds (polling every 20 ms); fails after `ms` (10 s unless told)
 * with `what`, which may be a function so that the message says what was still missing at the deadline.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
  what: string | (() => string) = 'the awaited state',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
