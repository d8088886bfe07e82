/**
 * The SQLite fast path for a visitor's message (server/src/store/sqlite-append.ts) must
 * agree with the portable Kysely path it stands in for: the same operations, run on two
 * SQLite stores with the same ids and clock, one on each path, give the same answers and
 * leave the same rows (messages, conversations, the full-text index).
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type NewVisitorMessage, type Store } from '../../server/src/store';
import { SQLITE_FILE } from '../../server/src/store/sqlite';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A store on a fresh file with ids of its own and a clock the story moves. */
function storeOn(preparedAppend: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'confab-append-'));
  dirs.push(dir);
  let ids = 0;
  const clock = { at: 1_700_000_000_000 };
  const store = openSqliteStore(
    dir,
    () => `id-${++ids}`,
    () => clock.at,
    { preparedAppend },
  );
  return { dir, store, clock };
}

/**
 * The two paths may draw ids in a different order (the prepared one draws the message id
 * before it knows whether it stores one), so ids are compared by where they first appear.
 */
function sameIds(value: unknown): unknown {
  const labels = new Map<string, string>();
  const json = JSON.stringify(value).replace(/id-\d+/g, (id) => {
    if (!labels.has(id)) labels.set(id, `#${labels.size + 1}`);
    return labels.get(id)!;
  });
  return JSON.parse(json);
}

/** Every row the message path writes, in a stable order. */
function rowsOf(dir: string) {
  const db = new BetterSqlite3(join(dir, SQLITE_FILE), { readonly: true });
  try {
    return {
      messages: db.prepare('SELECT * FROM messages ORDER BY created_at, sender, client_id').all(),
      conversations: db.prepare('SELECT * FROM conversations ORDER BY created_at, owner').all(),
      indexed: db
        .prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'hello OR again' ORDER BY rowid`)
        .all(),
    };
  } finally {
    db.close();
  }
}

/** The same story on a store: first messages, resends, strangers, blocks, a closed chat, a crowded turn. */
async function story({ store, clock }: { store: Store; clock: { at: number } }) {
  const answers: unknown[] = [];
  const send = async (message: NewVisitorMessage) => {
    clock.at += 7;
    answers.push(await store.appendToOpenConversation(message));
  };
  const from = (visitorId: string, owner = `v:${visitorId}`) => ({
    message: (clientId: string, text: string): NewVisitorMessage => ({
      site: 'shop',
      owner,
      visitorId,
      sender: `v:${visitorId}`,
      clientId,
      text,
    }),
  });
  const ann = from('ann');
  const phone = from('phone', 'u:user-1');
  const laptop = from('laptop', 'u:user-1');
  const bob = from('bob');
  await store.touchVisitor({ site: 'shop', id: 'ann' });
  await store.touchVisitor({ site: 'shop', id: 'phone', userId: 'user-1' });
  await store.touchVisitor({ site: 'shop', id: 'laptop', userId: 'user-1' });
  await store.touchVisitor({ site: 'shop', id: 'bob' });

  await send(ann.message('a0', 'hello before any chat'));
  await store.openConversation('shop', 'v:ann', 'ann');
  await store.openConversation('shop', 'u:user-1', 'phone');
  await store.openConversation('shop', 'v:bob', 'bob');
  await send(ann.message('a1', 'hello'));
  await send(ann.message('a2', 'hello again'));
  await send(ann.message('a1', 'hello, resent'));
  await send(phone.message('p1', 'hello from the phone'));
  await send(laptop.message('l1', 'hello from the laptop'));
  // One turn: several owners, the same owner twice, a resend within the turn.
  await Promise.all([
    send(ann.message('a3', 'again one')),
    send(bob.message('b1', 'hello from bob')),
    send(ann.message('a4', 'again two')),
    send(bob.message('b1', 'hello from bob, twice')),
    send(phone.message('p2', 'again from the phone')),
  ]);
  await store.blockVisitor('shop', 'laptop');
  await send(phone.message('p3', 'blocked on the other device'));
  // The store trusts the owner it is given (the gateway decides it).
  await send({ ...bob.message('b2', 'into the chat of the owner named'), owner: 'v:ann' });
  const bobs = await store.latestConversation('shop', 'v:bob');
  await store.closeConversation(bobs!.id, 'visitor');
  await send(bob.message('b3', 'after the end'));
  return answers;
}

describe('the prepared SQLite append', () => {
  it('answers and stores exactly what the portable path does', async () => {
    const portable = storeOn(false);
    const prepared = storeOn(true);
    const expected = await story(portable);
    const actual = await story(prepared);
    await Promise.all([portable.store.close(), prepared.store.close()]);

    // The story is not empty: messages stored, resends and blocked ones declined.
    expect(expected.filter(Boolean)).toHaveLength(9);
    expect(expected.filter((answer) => answer === undefined)).toHaveLength(5);
    expect(sameIds(actual)).toEqual(sameIds(expected));

    const rows = rowsOf(prepared.dir);
    expect(sameIds(rows)).toEqual(sameIds(rowsOf(portable.dir)));
    expect(rows.messages).toHaveLength(9);
    expect(rows.indexed.length).toBeGreaterThan(0);
    // Numbers without gaps within each conversation.
    const seqs = new Map<string, number[]>();
    for (const m of rows.messages as { conversation_id: string; seq: number }[]) {
      seqs.set(m.conversation_id, [...(seqs.get(m.conversation_id) ?? []), m.seq]);
    }
    for (const list of seqs.values()) expect(list.sort((a, b) => a - b)).toEqual(list.map((_, i) => i + 1));
  });
});
