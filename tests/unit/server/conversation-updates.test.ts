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

/** A conversation's state written "id@revision", as the tests read and tell it. */
interface State {
  id: string;
  revision: number;
}
const state = (text: string): State => {
  const [id, revision] = text.split('@');
  return { id: id!, revision: Number(revision) };
};
const text = (row: State) => `${row.id}@${row.revision}`;

function harness() {
  const reads: Read[] = [];
  const told: string[][] = [];
  const logged: string[] = [];
  const updates = createConversationUpdates<State>(
    (ids) =>
      new Promise<State[]>((resolve, reject) =>
        reads.push({ ids, finish: (rows) => resolve(rows.map(state)), fail: reject }),
      ),
    (rows) => told.push(rows.map(text)),
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

  it('tells states known without a read in the same turn as those read, keeping the newer of each', async () => {
    const { updates, reads, told } = harness();
    updates.known(state('a@3'));
    updates.known(state('b@2'));
    updates.known(state('b@1'));
    updates.changed('c');
    await turn();
    expect(reads.map((r) => r.ids)).toEqual([['c']]);
    expect(told).toEqual([]);
    reads[0]!.finish(['c@5']);
    await turn();
    expect(told).toEqual([['a@3', 'b@2', 'c@5']]);
  });

  it('tells known states at once when nothing is to be read', async () => {
    const { updates, reads, told } = harness();
    updates.known(state('a@1'));
    updates.known(state('a@2'));
    await turn();
    expect(reads).toHaveLength(0);
    expect(told).toEqual([['a@2']]);
  });

  it('drops a state known while a read was out when the read found it or newer', async () => {
    const { updates, reads, told } = harness();
    updates.changed('a');
    await turn();
    // The message stored at revision 4 is answered while the read (which already sees it) is out.
    updates.known(state('a@4'));
    updates.known(state('b@1'));
    reads[0]!.finish(['a@5']);
    await turn();
    await turn();
    expect(told).toEqual([['a@5'], ['b@1']]);
  });

  it('stops when the server closes: a failed read is not tried again, nothing pending is told', async () => {
    const { updates, reads, told, logged } = harness();
    updates.changed('a');
    await turn();
    updates.known(state('b@1'));
    updates.close();
    reads[0]!.fail(new Error('store closed'));
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS * 3));
    expect(reads).toHaveLength(1);
    expect(told).toEqual([]);
    updates.changed('c');
    updates.known(state('c@1'));
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    expect(reads).toHaveLength(1);
    expect(told).toEqual([]);
    expect(logged.length).toBeLessThanOrEqual(1);
  });
});
