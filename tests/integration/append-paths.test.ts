/**
 * Each engine's own path for a visitor's message must agree with the portable Kysely
 * path it stands in for: SQLite's prepared statements (server/src/store/sqlite-append.ts)
 * and PostgreSQL's batched statement (server/src/store/postgres-append.ts). The same
 * operations, run on two stores of one engine with the same ids and clock, one on each
 * path, give the same answers and leave the same rows (messages, conversations; on
 * SQLite the full-text index too).
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPostgresStore,
  openSqliteStore,
  type AppendResult,
  type NewVisitorMessage,
  type Store,
} from '../../server/src/store';
import { SQLITE_FILE } from '../../server/src/store/sqlite';
import { postgresSkipReason, startPostgres, type PostgresCluster } from '../support/postgres';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Subject {
  store: Store;
  clock: { at: number };
  /** Whether messages asked for in one turn are stored in the order asked. */
  inOneTurn: boolean;
  /** Every row the message path writes, in a stable order. */
  rows(): Promise<unknown>;
}

/** Ids of its own for each store. */
const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};

/** A SQLite store on a fresh file (rows read after it is closed). */
function sqliteOn(preparedAppend: boolean): Subject {
  const dir = mkdtempSync(join(tmpdir(), 'confab-append-'));
  dirs.push(dir);
  const clock = { at: 1_700_000_000_000 };
  const store = openSqliteStore(dir, ids(), () => clock.at, { preparedAppend });
  return { store, clock, inOneTurn: true, rows: async () => rowsOf(dir) };
}

let cluster: PostgresCluster | undefined;
async function postgresOn(batchedAppend: boolean): Promise<Subject> {
  const url = await cluster!.createDatabase();
  const clock = { at: 1_700_000_000_000 };
  const store = await openPostgresStore(url, ids(), () => clock.at, { batchedAppend });
  const rows = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return {
        messages: (await client.query('SELECT * FROM messages ORDER BY created_at, sender, client_id')).rows,
        conversations: (await client.query('SELECT * FROM conversations ORDER BY created_at, owner')).rows,
      };
    } finally {
      await client.end();
    }
  };
  return { store, clock, inOneTurn: batchedAppend, rows };
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

/**
 * A message's search key (SQLite) is only ever unique and growing, and a resend the
 * prepared path declines (ON CONFLICT DO NOTHING) uses one up where the portable path's
 * rolled-back savepoint does not: keys are compared by their place in the order.
 */
function keysByPlace(keys: number[]): (key: number) => string {
  const places = new Map([...new Set(keys)].sort((a, b) => a - b).map((key, i) => [key, `key ${i + 1}`]));
  return (key) => places.get(key) ?? `unknown key ${key}`;
}

function rowsOf(dir: string) {
  const db = new BetterSqlite3(join(dir, SQLITE_FILE), { readonly: true });
  try {
    const messages = db.prepare('SELECT * FROM messages ORDER BY created_at, sender, client_id').all() as {
      search_key: number;
    }[];
    const place = keysByPlace(messages.map((m) => m.search_key));
    return {
      messages: messages.map((m) => ({ ...m, search_key: place(m.search_key) })),
      conversations: db.prepare('SELECT * FROM conversations ORDER BY created_at, owner').all(),
      indexed: (
        db
          .prepare(`SELECT rowid FROM message_search WHERE message_search MATCH 'hello OR again' ORDER BY rowid`)
          .all() as { rowid: number }[]
      ).map((row) => place(row.rowid)),
    };
  } finally {
    db.close();
  }
}

/** The same story on a store: first messages, resends, strangers, blocks, a closed chat, a crowded turn. */
async function story({ store, clock, inOneTurn }: Subject) {
  const answers: unknown[] = [];
  const send = async (message: NewVisitorMessage) => {
    clock.at += 7;
    answers.push(await store.appendToOpenConversation(message));
  };
  /** Sent alone: the conversation it answers with is the list row a read finds just after. */
  const sendAlone = async (message: NewVisitorMessage) => {
    await send(message);
    const answer = answers.at(-1) as AppendResult;
    if (answer) expect(answer.conversation).toEqual(await store.getConversationListRow(answer.conversation.id));
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
  await store.touchVisitor({ site: 'shop', id: 'ann', name: 'Ann', email: 'ann@example.com' });
  await store.touchVisitor({ site: 'shop', id: 'phone', userId: 'user-1' });
  await store.touchVisitor({ site: 'shop', id: 'laptop', userId: 'user-1' });
  await store.touchVisitor({ site: 'shop', id: 'bob' });

  await send(ann.message('a0', 'hello before any chat'));
  await store.openConversation('shop', 'v:ann', 'ann');
  await store.openConversation('shop', 'u:user-1', 'phone');
  await store.openConversation('shop', 'v:bob', 'bob');
  await sendAlone(ann.message('a1', 'hello'));
  await sendAlone(ann.message('a2', 'hello again'));
  await sendAlone(ann.message('a1', 'hello, resent'));
  await sendAlone(phone.message('p1', 'hello from the phone'));
  await sendAlone(laptop.message('l1', 'hello from the laptop'));
  // Several owners, the same owner twice, a resend among them, in one turn: one group
  // commit on SQLite, one batch on PostgreSQL, each in the order asked. The portable path
  // on PostgreSQL takes them one after the other, since its concurrent writes finish in
  // any order (the store contract suite races them).
  const crowd = [
    ann.message('a3', 'again one'),
    bob.message('b1', 'hello from bob'),
    ann.message('a4', 'again two'),
    bob.message('b1', 'hello from bob, twice'),
    phone.message('p2', 'again from the phone'),
  ];
  if (inOneTurn) await Promise.all(crowd.map(send));
  else for (const message of crowd) await send(message);
  await store.blockVisitor('shop', 'laptop');
  await sendAlone(phone.message('p3', 'blocked on the other device'));
  // The store trusts the owner it is given (the gateway decides it).
  await sendAlone({ ...bob.message('b2', 'into the chat of the owner named'), owner: 'v:ann' });
  const bobs = await store.latestConversation('shop', 'v:bob');
  await store.closeConversation(bobs!.id, 'visitor');
  await send(bob.message('b3', 'after the end'));
  return answers;
}

async function compare(portable: Subject, fast: Subject) {
  const expected = await story(portable);
  const actual = await story(fast);
  await Promise.all([portable.store.close(), fast.store.close()]);

  // The story is not empty: messages stored, resends and blocked ones declined.
  expect(expected.filter(Boolean)).toHaveLength(9);
  expect(expected.filter((answer) => answer === undefined)).toHaveLength(5);
  expect(sameIds(actual)).toEqual(sameIds(expected));

  const rows = (await fast.rows()) as { messages: { conversation_id: string; seq: number }[] };
  expect(sameIds(rows)).toEqual(sameIds(await portable.rows()));
  expect(rows.messages).toHaveLength(9);
  // Numbers without gaps within each conversation.
  const seqs = new Map<string, number[]>();
  for (const m of rows.messages) seqs.set(m.conversation_id, [...(seqs.get(m.conversation_id) ?? []), Number(m.seq)]);
  for (const list of seqs.values()) expect(list.sort((a, b) => a - b)).toEqual(list.map((_, i) => i + 1));
  return rows;
}

describe('the prepared SQLite append', () => {
  it('answers and stores exactly what the portable path does', async () => {
    const rows = (await compare(sqliteOn(false), sqliteOn(true))) as unknown as { indexed: unknown[] };
    expect(rows.indexed.length).toBeGreaterThan(0);
  });
});

describe('the batched PostgreSQL append', () => {
  const skip = postgresSkipReason();
  if (skip) {
    it.skip(`skipped: ${skip}`, () => {});
    return;
  }
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(() => cluster?.stop());

  // Two stores migrate a fresh database each inside the test: seconds on a loaded machine.
  it('answers and stores exactly what the portable path does', async () => {
    await compare(await postgresOn(false), await postgresOn(true));
  }, 30_000);

  /** A store on a fresh database, an open conversation for each of `count` visitors, and a way to read rows. */
  async function crowd(count: number) {
    const url = await cluster!.createDatabase();
    const store = await openPostgresStore(url, ids(), () => 1_700_000_000_000);
    const visitors = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const id = `visitor-${i}`;
        await store.touchVisitor({ site: 'shop', id });
        await store.openConversation('shop', `v:${id}`, id);
        return (clientId: string, text = `hello ${clientId}`): NewVisitorMessage => ({
          site: 'shop',
          owner: `v:${id}`,
          visitorId: id,
          sender: `v:${id}`,
          clientId,
          text,
        });
      }),
    );
    const query = async <R extends pg.QueryResultRow>(text: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<R>(text)).rows;
      } finally {
        await client.end();
      }
    };
    return { store, visitors, query };
  }

  it('stores the messages asked for in one turn in one transaction, numbered in the order asked', async () => {
    const { store, visitors, query } = await crowd(3);
    const asked = Array.from({ length: 12 }, (_, i) => visitors[i % 3]!(`c${i}`));
    const answers = await Promise.all(asked.map((message) => store.appendToOpenConversation(message)));
    await store.close();
    expect(answers.every(Boolean)).toBe(true);
    // One writing transaction for all twelve: its id is each row's xmin.
    const writers = await query<{ xmin: string }>('SELECT DISTINCT xmin::text FROM messages');
    expect(writers).toHaveLength(1);
    // Each visitor's four, numbered 1 to 4 in the order asked.
    for (const [i, answer] of answers.entries()) {
      expect(answer!.message).toMatchObject({ clientId: `c${i}`, seq: Math.floor(i / 3) + 1 });
    }
  }, 30_000);

  it('fails only the message the database refuses, and stores the rest of its batch', async () => {
    const { store, visitors, query } = await crowd(2);
    const [ann, bob] = visitors as [(typeof visitors)[0], (typeof visitors)[0]];
    // PostgreSQL's text cannot hold a NUL character: that message fails.
    const asked = [ann('a1'), bob('b1'), ann('a2', 'nul \u0000 inside'), bob('b2'), ann('a3')];
    const answers = await Promise.allSettled(asked.map((message) => store.appendToOpenConversation(message)));
    await store.close();
    expect(answers.map((answer) => answer.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const rows = await query<{ client_id: string; seq: number }>(
      'SELECT client_id, seq FROM messages ORDER BY client_id',
    );
    expect(rows).toEqual([
      { client_id: 'a1', seq: 1 },
      { client_id: 'a3', seq: 2 },
      { client_id: 'b1', seq: 1 },
      { client_id: 'b2', seq: 2 },
    ]);
  }, 30_000);
});
