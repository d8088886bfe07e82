/**
 * What happened when, in milliseconds from the start of a test: long tests on several
 * nodes print it when they fail (and the scale tests when they pass), so a CI log says
 * which step was slow or never came, not only that the test timed out.
 */
import { loadavg } from 'node:os';

const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

export function startTimeline() {
  const startedAt = Date.now();
  const steps: string[] = [`0 ms start (load ${loadAverage()})`];
  const now = () => Date.now() - startedAt;
  return {
    now,
    mark(step: string) {
      steps.push(`${now()} ms ${step} (load ${loadAverage()})`);
    },
    print: () => steps.join('\n'),
  };
}
