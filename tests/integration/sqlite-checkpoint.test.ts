/**
 * Checkpoints of the SQLite log run on a worker thread (server/src/store/sqlite-checkpoint.ts),
 * not inside the store's commits: what is written still reaches the database file while
 * the store is open, and under a steady stream of writes the log restarts instead of
 * growing without end.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/protocol';
import { openSqliteStore } from '../../server/src/store';
import { SQLITE_FILE } from '../../server/src/store/sqlite';
import { until } from '../support/until';

const dir = mkdtempSync(join(tmpdir(), 'confab-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoints of the SQLite log', () => {
  it('copy the log into the database file off the event loop, and keep the log from growing', {
    timeout: 60_000,
  }, async () => {
    // A low limit, so that a short test goes past it many times.
    const store = openSqliteStore(dir, newId, Date.now, { logLimitPages: 500 });
    const size = (file: string) => statSync(join(dir, file)).size;
    try {
      const before = size(SQLITE_FILE);
      await store.touchVisitor({ site: 'shop', id: 'ann' });
      const { conversation } = await store.openConversation('shop', 'v:ann', 'ann');
      const text = 'a message long enough to fill pages quickly '.repeat(20);
      // 80 turns of 50 messages: about 29 MB through the log (7,000 4-KiB pages, against a
      // limit of 500): a log that never restarted ends up that size.
      for (let turn = 0; turn < 80; turn++) {
        await Promise.all(
          Array.from({ length: 50 }, () =>
            store.appendMessage({
              conversationId: conversation.id,
              sender: 'v:ann',
              clientId: newId(),
              author: 'visitor',
              operatorId: null,
              text,
            }),
          ),
        );
      }
      await until(() => size(SQLITE_FILE) > before + 2 ** 20, 10_000, 'the log copied into the database file');
      expect(size(SQLITE_FILE)).toBeGreaterThan(before + 2 ** 20);
      // The log was reused from its start: it never held more than a part of what was
      // written (on a loaded machine a slow checkpoint lets it pass the limit for a while).
      expect(size(`${SQLITE_FILE}-wal`)).toBeLessThan(8 * 2 ** 20);
      expect((await store.getConversation(conversation.id))!.lastSeq).toBe(4000);
    } finally {
      await store.close();
    }
  });
});
