/**
 * Pick-up and hand-over races decided by the database, not by a process: two store
 * instances on one database (as two server nodes have) race for the same chats. On
 * SQLite they are two connections to one file; on PostgreSQL (the integration tier's
 * second run) two pools on one database. Exactly one pick-up and one hand-over wins.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/protocol';
import { openPostgresStore, openSqliteStore, type Store } from '../../server/src/store';
import { testStore } from '../support/server';

let stores: Store[] = [];
let cleanup: () => Promise<void>;

beforeAll(async () => {
  if (testStore === 'postgres') {
    const { inject } = await import('vitest');
    const { createDatabase, dropDatabase } = await import('../support/postgres');
    const clusterUrl = inject('postgresUrl');
    const url = await createDatabase(clusterUrl);
    stores = [await openPostgresStore(url, newId), await openPostgresStore(url, newId)];
    cleanup = () => dropDatabase(clusterUrl, url);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'confab-race-'));
    stores = [openSqliteStore(dir, newId), openSqliteStore(dir, newId)];
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await cleanup();
});

async function newChat(store: Store) {
  const visitorId = newId();
  await store.touchVisitor({ id: visitorId, site: 'shop' });
  return (await store.openConversation('shop', `v:${visitorId}`, visitorId)).conversation;
}

describe(`assignment on ${testStore}`, () => {
  it('lets exactly one of many concurrent pick-ups from two nodes win', async () => {
    const operators = ['anna', 'max', 'bea', 'olga', 'ivan', 'lena'];
    for (let round = 0; round < 10; round++) {
      const chat = await newChat(stores[0]!);
      const results = await Promise.all(operators.map((op, i) => stores[i % 2]!.assignOperator(chat.id, op)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = operators[results.indexOf(true)];
      for (const store of stores) expect((await store.getConversation(chat.id))!.operatorId).toBe(winner);
    }
  });

  it('hands a chat over only from the holder the caller saw: one of two racing transfers wins', async () => {
    for (let round = 0; round < 10; round++) {
      const chat = await newChat(stores[0]!);
      expect(await stores[1]!.assignOperator(chat.id, 'anna')).toBe(true);
      const [toMax, toBea] = await Promise.all([
        stores[0]!.transferConversation(chat.id, 'anna', 'max', 'VIP'),
        stores[1]!.transferConversation(chat.id, 'anna', 'bea', 'refund'),
      ]);
      expect([toMax, toBea].filter(Boolean)).toHaveLength(1);
      const row = (await stores[0]!.getConversation(chat.id))!;
      expect(row).toMatchObject(
        toMax
          ? { operatorId: 'max', transferFrom: 'anna', transferComment: 'VIP' }
          : { operatorId: 'bea', transferFrom: 'anna', transferComment: 'refund' },
      );
      // A stale hand-over (from someone who no longer holds it) changes nothing.
      expect(await stores[1]!.transferConversation(chat.id, 'anna', 'olga', '')).toBe(false);
    }
  });

  it('off work returns only that operator\u2019s open chats to the queue; the load counts open chats', async () => {
    const [a, b, closed] = [await newChat(stores[0]!), await newChat(stores[0]!), await newChat(stores[0]!)];
    const site = 'shop';
    const before = await stores[0]!.openLoad(site);
    await stores[0]!.assignOperator(a.id, 'zoe');
    await stores[0]!.assignOperator(b.id, 'yan');
    await stores[0]!.assignOperator(closed.id, 'zoe');
    await stores[0]!.closeConversation(closed.id, 'operator');
    expect((await stores[1]!.openLoad(site)).get('zoe')).toBe((before.get('zoe') ?? 0) + 1);
    expect(await stores[1]!.releaseConversations(site, 'zoe')).toEqual([a.id]);
    expect((await stores[0]!.getConversation(a.id))!.operatorId).toBeNull();
    expect((await stores[0]!.getConversation(b.id))!.operatorId).toBe('yan');
    expect((await stores[0]!.getConversation(closed.id))!.operatorId).toBe('zoe');
    // Back in the queue: anyone may pick it up again.
    expect(await stores[1]!.assignOperator(a.id, 'yan')).toBe(true);
  });

  it("keeps each operator's canned replies apart, within the limit, and the shared list whole", async () => {
    const saved = await stores[0]!.saveCannedReply('shop', 'anna', { title: 'Hi', text: 'Hello!' }, 2);
    expect(saved).toMatchObject({ reply: { title: 'Hi', text: 'Hello!' } });
    const id = 'reply' in saved ? saved.reply.id : '';
    await stores[1]!.saveCannedReply('shop', 'anna', { title: 'Bye', text: 'Goodbye!' }, 2);
    expect(await stores[0]!.saveCannedReply('shop', 'anna', { title: 'Three', text: '3' }, 2)).toEqual({
      error: 'limit',
    });
    expect(await stores[0]!.saveCannedReply('shop', 'max', { id, title: 'x', text: 'y' }, 2)).toEqual({
      error: 'not_found',
    });
    expect((await stores[1]!.listCannedReplies('shop', 'anna')).map((r) => r.title)).toEqual(['Hi', 'Bye']);
    expect(await stores[1]!.listCannedReplies('shop', 'max')).toEqual([]);
    expect(await stores[0]!.deleteCannedReply('shop', 'max', id)).toBe(false);
    expect(await stores[0]!.deleteCannedReply('shop', 'anna', id)).toBe(true);
    const shared = await stores[0]!.replaceSharedCannedReplies('shop', [
      { title: 'B', text: 'second in name, first in order' },
      { title: 'A', text: 'then this' },
    ]);
    expect(shared.map((r) => r.title)).toEqual(['B', 'A']);
    expect(
      (await stores[1]!.replaceSharedCannedReplies('shop', [{ title: 'C', text: 'c' }])).map((r) => r.title),
    ).toEqual(['C']);
    expect((await stores[0]!.listCannedReplies('shop', 'anna')).map((r) => r.title)).toEqual(['Bye']);
  });
});
