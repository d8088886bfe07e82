import { describe, expect, it } from 'vitest';
import { createConversationUpdates } from '../../../server/src/conversation-updates';

const turn = () => new Promise((resolve) => setImmediate(resolve));
const RETRY_MS = 30;

/** A read the test finishes by hand, in any order, as a pool of connections may. */
interface Read {
  ids: string[];
  finish(rows: string[]): void;
  fail(error: Error): void;
}

function harness() {
  const reads: Read[] = [];
  const told: string[][] = [];
  const logged: string[] = [];
  const updates = createConversationUpdates(
    (ids) => new Promise<string[]>((resolve, reject) => reads.push({ ids, finish: resolve, fail: reject })),
    (rows) => told.push(rows),
    (message) => logged.push(message),
    RETRY_MS,
  );
  return { updates, reads, told, logged };
}

describe('conversation updates told to the consoles', () => {
  it('reads the changes of one turn together, once per conversation', async () => {
    const { updates, reads, told } = harness();
    updates.changed('a');
    updates.changed('b');
    updates.changed('a');
    expect(reads).toHaveLength(0);
    await turn();
    expect(reads.map((r) => r.ids)).toEqual([['a', 'b']]);
    reads[0]!.finish(['a@1', 'b@1']);
    await turn();
    expect(told).toEqual([['a@1', 'b@1']]);
  });

  it('starts no read while one is out, so the newest state is told last', async () => {
    const { updates, reads, told } = harness();
    updates.changed('a');
    await turn();
    // The conversation changes again while its first read is out.
    updates.changed('a');
    updates.changed('c');
    await turn();
    await turn();
    expect(reads).toHaveLength(1);
    reads[0]!.finish(['a@1']);
    await turn();
    await turn();
    expect(reads.map((r) => r.ids)).toEqual([['a'], ['a', 'c']]);
    reads[1]!.finish(['a@2', 'c@1']);
    await turn();
    expect(told).toEqual([['a@1'], ['a@2', 'c@1']]);
  });

  it('logs a failed read and reads its conversations again later, with the changes made meanwhile', async () => {
    const { updates, reads, told, logged } = harness();
    updates.changed('a');
    await turn();
    updates.changed('b');
    reads[0]!.fail(new Error('connection lost'));
    await turn();
    await turn();
    expect(logged).toEqual(['conversation update not published: Error: connection lost']);
    // Not at once: the store is away.
    expect(reads).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS * 2));
    expect(reads.map((r) => r.ids.sort())).toEqual([['a'], ['a', 'b']]);
    reads[1]!.finish(['a@1', 'b@1']);
    await turn();
    expect(told).toEqual([['a@1', 'b@1']]);
  });
});
