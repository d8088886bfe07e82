import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/protocol';
import { openPostgresStore, openSqliteStore, type Store } from '../../server/src/store';
import { MIGRATIONS } from '../../server/src/store/migrations';
import { PG_MIGRATIONS } from '../../server/src/store/pg-migrations';
import { postgresFoldedText, visitorSearchText } from '../../server/src/store/search-folding';
import { sqliteFoldedTextV1 } from '../../server/src/store/search-folding-v1';
import { postgresSkipReason, startPostgres, type PostgresCluster } from '../support/postgres';

const dirs: string[] = [];

/** A SQLite file as a server of an older release left it: the first `count` migration steps applied. */
function sqliteAfterSteps(count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'confab-migrate-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'confab.sqlite'));
  MIGRATIONS.slice(0, count).forEach((step, i) => {
    db.exec(step);
    db.pragma(`user_version = ${i + 1}`);
  });
  return { dir, db };
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A data directory as the first release (schema version 2) left it, with a chat and a request. */
function firstReleaseData(): string {
  const { dir, db } = sqliteAfterSteps(2);
  db.exec(`INSERT INTO visitors VALUES ('shop', 'visitor-aaaaaaaaaaaaaaaa', 'Ann', NULL, 1000, 2000);
    INSERT INTO conversations VALUES ('conv-aaaaaaaaaaaaaaaaaa', 'shop', 'visitor-aaaaaaaaaaaaaaaa', 'open', NULL, 2, 1000, 2000);
    INSERT INTO messages VALUES ('msg-1-aaaaaaaaaaaaaaaaa', 'conv-aaaaaaaaaaaaaaaaaa', 1, 'v:visitor-aaaaaaaaaaaaaaaa', 'client-1-aaaaaaaaaaaaa', 'visitor', NULL, 'hello', 1500);
    INSERT INTO messages VALUES ('msg-2-aaaaaaaaaaaaaaaaa', 'conv-aaaaaaaaaaaaaaaaaa', 2, 'o:anna', 'client-2-aaaaaaaaaaaaa', 'operator', 'anna', 'hi Ann', 1600);
    INSERT INTO leads VALUES ('lead-aaaaaaaaaaaaaaaaaa', 'shop', 'visitor-aaaaaaaaaaaaaaaa', 'client-3-aaaaaaaaaaaaa', 'Ann', '+77011234567', NULL, 'call me', NULL, 'new', NULL, 1700, 1700);`);
  db.close();
  return dir;
}

/** The first-release data's visitor writes into their open conversation. */
const visitorWrites = (store: Store, clientId: string, text: string) =>
  store.appendToOpenConversation({
    site: 'shop',
    owner: 'v:visitor-aaaaaaaaaaaaaaaa',
    visitorId: 'visitor-aaaaaaaaaaaaaaaa',
    sender: 'v:visitor-aaaaaaaaaaaaaaaa',
    clientId,
    text,
  });

describe('upgrading the store', () => {
  it('keeps every conversation, message and request, and the next message continues the numbering', async () => {
    const store = openSqliteStore(firstReleaseData(), newId);
    const conversation = (await store.latestConversation('shop', 'v:visitor-aaaaaaaaaaaaaaaa'))!;
    expect(conversation).toMatchObject({
      id: 'conv-aaaaaaaaaaaaaaaaaa',
      owner: 'v:visitor-aaaaaaaaaaaaaaaa',
      lastSeq: 2,
      lastChange: 2,
    });
    expect((await store.lastMessages(conversation.id, 10)).map((m) => [m.seq, m.changeSeq, m.text])).toEqual([
      [1, 1, 'hello'],
      [2, 2, 'hi Ann'],
    ]);
    // A client that had everything gets nothing again; one that had the first message gets the second.
    expect(await store.changesAfter(conversation.id, 2, 10)).toEqual([]);
    expect((await store.changesAfter(conversation.id, 1, 10)).map((m) => m.text)).toEqual(['hi Ann']);
    expect(await store.listLeads('shop')).toEqual([
      expect.objectContaining({ name: 'Ann', phone: '+77011234567', status: 'new' }),
    ]);
    expect(await store.getVisitor('shop', 'visitor-aaaaaaaaaaaaaaaa')).toMatchObject({
      name: 'Ann',
      visits: 1,
      firstTouch: null,
    });

    const next = await store.appendMessage({
      conversationId: conversation.id,
      sender: 'v:visitor-aaaaaaaaaaaaaaaa',
      clientId: newId(),
      author: 'visitor',
      operatorId: null,
      text: 'after the upgrade',
    });
    expect(next.message).toMatchObject({ seq: 3, changeSeq: 3 });
    // A resend of a message stored before the upgrade is still recognised.
    expect((await store.findMessage('v:visitor-aaaaaaaaaaaaaaaa', 'client-1-aaaaaaaaaaaaa'))?.text).toBe('hello');
    await store.close();
  });

  it('is idempotent: opening an upgraded store again changes nothing', async () => {
    const dir = firstReleaseData();
    await openSqliteStore(dir, newId).close();
    const store = openSqliteStore(dir, newId);
    expect(await store.lastMessages('conv-aaaaaaaaaaaaaaaaaa', 10)).toHaveLength(2);
    await store.close();
    const db = new Database(join(dir, 'confab.sqlite'));
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });
});

describe('search on SQLite', () => {
  const search = (store: ReturnType<typeof openSqliteStore>, text: string) =>
    store.searchConversations('shop', { text }).then((found) => found.ids);

  it('finds messages written before the upgrade, and keeps finding them after a VACUUM', async () => {
    const dir = firstReleaseData();
    let store = openSqliteStore(dir, newId);
    // Indexed by the upgrade: messages from before it are found.
    expect(await search(store, 'hello')).toEqual(['conv-aaaaaaaaaaaaaaaaaa']);
    const later = await store.appendMessage({
      conversationId: 'conv-aaaaaaaaaaaaaaaaaa',
      sender: 'o:anna',
      clientId: newId(),
      author: 'operator',
      operatorId: 'anna',
      text: 'your parcel ships tomorrow',
    });
    await store.close();

    // VACUUM may renumber the rows of a table without an INTEGER PRIMARY KEY; the search
    // key is the messages' INTEGER PRIMARY KEY, which VACUUM keeps.
    const db = new Database(join(dir, 'confab.sqlite'));
    const keys = () => db.prepare('SELECT id, search_key FROM messages ORDER BY id').all();
    const before = keys();
    expect(db.prepare("SELECT name FROM pragma_table_info('messages') WHERE pk = 1").all()).toEqual([
      { name: 'search_key' },
    ]);
    db.exec('VACUUM;');
    expect(keys()).toEqual(before);
    db.close();

    store = openSqliteStore(dir, newId);
    expect(await search(store, 'hello')).toEqual(['conv-aaaaaaaaaaaaaaaaaa']);
    expect(await search(store, 'parcel tomorrow')).toEqual(['conv-aaaaaaaaaaaaaaaaaa']);
    // Edits and deletes still reach the index under the message's own key.
    await store.editMessage(later.message.id, 'your order ships on Monday');
    expect(await search(store, 'parcel')).toEqual([]);
    expect(await search(store, 'monday')).toEqual(['conv-aaaaaaaaaaaaaaaaaa']);
    await store.deleteMessage(later.message.id);
    expect(await search(store, 'monday')).toEqual([]);
    await store.close();
  });
});

/** The step that first folded search (ё), on each engine: the tests below start before it. */
const YO_STEP = MIGRATIONS.findIndex((step) => step.includes("instr(text, 'ё')"));
const PG_FOLDED_STEP = PG_MIGRATIONS.findIndex((step) => step.includes('CREATE INDEX messages_search_folded'));

/** A chat in words search used not to fold (ё, capitals, accents), written by the release before. */
const UNFOLDED_CHAT = `
  INSERT INTO visitors (site, id, created_at, last_seen_at) VALUES ('shop', 'visitor-ёлка', 1000, 2000);
  INSERT INTO conversations (id, site, visitor_id, owner, status, last_seq, last_change, created_at, updated_at)
    VALUES ('conv-folding', 'shop', 'visitor-ёлка', 'v:visitor-ёлка', 'open', 2, 2, 1000, 2000);
  INSERT INTO messages (id, conversation_id, seq, change_seq, sender, client_id, author, text, created_at) VALUES
    ('msg-folding-1', 'conv-folding', 1, 1, 'v:visitor-ёлка', 'client-folding-1', 'visitor', 'Ещё одна Ёлка', 1500),
    ('msg-folding-2', 'conv-folding', 2, 2, 'o:anna', 'client-folding-2', 'operator', 'Кофе в Café Noir', 1600);`;

/** What search must find in that chat once the store is upgraded, and what the chat still says. */
async function expectFoldedSearch(store: Store) {
  const found = async (text: string) => (await store.searchConversations('shop', { text })).ids;
  expect(await found('еще елка')).toEqual(['conv-folding']);
  expect(await found('ЁЛКА')).toEqual(['conv-folding']);
  expect(await found('кофе cafe')).toEqual(['conv-folding']);
  expect(await found('мои')).toEqual([]);
  // The messages themselves keep their letters: only the index is folded.
  expect((await store.lastMessages('conv-folding', 10)).map((m) => m.text)).toEqual([
    'Ещё одна Ёлка',
    'Кофе в Café Noir',
  ]);
  // An edit after the upgrade is indexed folded too.
  await store.editMessage('msg-folding-2', 'Чай с мёдом');
  expect(await found('кофе')).toEqual([]);
  expect(await found('мед')).toEqual(['conv-folding']);
}

describe('search folding on a database from before it', () => {
  it('on SQLite: indexes again what the index held with ё, and keeps every message', async () => {
    const { dir, db } = sqliteAfterSteps(YO_STEP);
    db.exec(UNFOLDED_CHAT);
    // As the release before indexed them: the text as it is, the mark moved past it.
    db.exec(`INSERT INTO message_search (rowid, text) SELECT search_key, text FROM messages;
             UPDATE message_search_progress SET indexed_through = (SELECT max(search_key) FROM messages);`);
    db.close();

    const store = openSqliteStore(dir, newId);
    await expectFoldedSearch(store);
    await store.close();
  });

  const skip = postgresSkipReason();
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    if (!skip) cluster = await startPostgres();
  }, 60_000);
  afterAll(async () => cluster?.stop());

  it.skipIf(skip)('on PostgreSQL: builds the folded index, drops the old one and keeps every message', async () => {
    const url = await cluster!.createDatabase();
    const client = new pg.Client(url);
    await client.connect();
    try {
      await client.query('CREATE TABLE confab_schema (version INTEGER NOT NULL)');
      for (const step of PG_MIGRATIONS.slice(0, PG_FOLDED_STEP)) await client.query(step);
      await client.query('INSERT INTO confab_schema (version) VALUES ($1)', [PG_FOLDED_STEP]);
      await client.query(UNFOLDED_CHAT);

      const store = await openPostgresStore(url, newId);
      await expectFoldedSearch(store);
      await store.close();

      const indexes = await client.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'messages'`,
      );
      const names = indexes.rows.map((row) => row.indexname);
      // The step after this one builds the index anew, folding more letters.
      expect(names).toContain('messages_search_words');
      expect(names).not.toContain('messages_search_folded');
      expect(names).not.toContain('messages_fts');
      // The search's expression is the index's: PostgreSQL can answer it from the index.
      await client.query('SET enable_seqscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM messages m
         WHERE to_tsvector('simple', ${postgresFoldedText('m.text')}) @@ to_tsquery('simple', 'елка:*')`,
      );
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('messages_search_words');
    } finally {
      await client.end();
      await cluster!.dropDatabase(url);
    }
  });
});

/** The schema just before the search key moved onto the message row, as a running server left it. */
function separateSearchKeysData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'confab-migrate-keys-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'confab.sqlite'));
  const before = MIGRATIONS.findIndex((step) => step.includes('CREATE TABLE messages_keyed'));
  MIGRATIONS.slice(0, before).forEach((step) => db.exec(step));
  db.pragma(`user_version = ${before}`);
  const message = db.prepare(`INSERT INTO messages
    (id, conversation_id, seq, change_seq, sender, client_id, author, operator_id, text, created_at)
    VALUES (?, 'conv-aaaaaaaaaaaaaaaaaa', ?, ?, ?, ?, ?, NULL, ?, ?)`);
  db.exec(`INSERT INTO visitors (site, id, created_at, last_seen_at, visit_started_at)
      VALUES ('shop', 'visitor-aaaaaaaaaaaaaaaa', 1000, 2000, 1000);
    INSERT INTO conversations (id, site, visitor_id, owner, status, last_seq, last_change, created_at, updated_at)
      VALUES ('conv-aaaaaaaaaaaaaaaaaa', 'shop', 'visitor-aaaaaaaaaaaaaaaa', 'v:visitor-aaaaaaaaaaaaaaaa', 'open', 4, 5, 1000, 2000);`);
  message.run('msg-1', 1, 1, 'v:visitor-aaaaaaaaaaaaaaaa', 'client-1', 'visitor', 'hello there', 1500);
  message.run('msg-2', 2, 2, 'o:anna', 'client-2', 'operator', 'hi Ann', 1600);
  message.run('msg-3', 3, 3, 'v:visitor-aaaaaaaaaaaaaaaa', 'client-3', 'visitor', 'refund please', 1700);
  // The index took the first three (keys 1-3); the newest of them was deleted since, so the
  // mark is above every key left, and the message after it waits for its batch.
  db.exec(`INSERT INTO message_search (rowid, text)
      SELECT k.key, m.text FROM message_search_keys k JOIN messages m ON m.id = k.message_id;
    UPDATE message_search_progress SET indexed_through = 3;
    DELETE FROM messages WHERE id = 'msg-3';`);
  message.run('msg-4', 4, 5, 'v:visitor-aaaaaaaaaaaaaaaa', 'client-4', 'visitor', 'where is my parcel', 1800);
  expect(db.prepare('SELECT message_id, key FROM message_search_keys ORDER BY key').all()).toEqual([
    { message_id: 'msg-1', key: 1 },
    { message_id: 'msg-2', key: 2 },
    { message_id: 'msg-4', key: 4 },
  ]);
  db.close();
  return dir;
}

describe('the search key on the message row', () => {
  const search = (store: ReturnType<typeof openSqliteStore>, text: string) =>
    store.searchConversations('shop', { text }).then((found) => found.ids);
  const keysIn = (dir: string) => {
    const db = new Database(join(dir, 'confab.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT id, search_key AS key FROM messages ORDER BY search_key').all() as {
        id: string;
        key: number;
      }[];
    } finally {
      db.close();
    }
  };

  it('keeps every message with its key, indexed or waiting, and never gives a key twice', async () => {
    const dir = separateSearchKeysData();
    let store = openSqliteStore(dir, newId);
    expect((await store.lastMessages('conv-aaaaaaaaaaaaaaaaaa', 10)).map((m) => [m.seq, m.changeSeq, m.text])).toEqual([
      [1, 1, 'hello there'],
      [2, 2, 'hi Ann'],
      [4, 5, 'where is my parcel'],
    ]);
    expect(await search(store, 'hello')).toEqual(['conv-aaaaaaaaaaaaaaaaaa']);
    expect(await search(store, 'parcel')).toEqual(['conv-aaaaaaaaaaaaaaaaaa']);
    expect(await search(store, 'refund')).toEqual([]);
    // Dedupe by client id still holds for messages from before the upgrade.
    expect((await store.findMessage('v:visitor-aaaaaaaaaaaaaaaa', 'client-4'))?.text).toBe('where is my parcel');

    const next = await visitorWrites(store, 'client-5', 'any news on the delivery');
    expect(next?.message).toMatchObject({ seq: 5, changeSeq: 6 });
    expect(await search(store, 'delivery')).toEqual(['conv-aaaaaaaaaaaaaaaaaa']);
    await store.close();
    // The newest message, indexed, is erased (as erasing a visitor does): the next one
    // still gets a key of its own, above the erased one's.
    const erasedKey = keysIn(dir).find((k) => k.id === next!.message.id)!.key;
    expect(erasedKey).toBeGreaterThan(4);
    const db = new Database(join(dir, 'confab.sqlite'));
    db.prepare('DELETE FROM messages WHERE id = ?').run(next!.message.id);
    db.close();

    store = openSqliteStore(dir, newId);
    expect(await search(store, 'delivery')).toEqual([]);
    const after = await store.appendMessage({
      conversationId: 'conv-aaaaaaaaaaaaaaaaaa',
      sender: 'o:anna',
      clientId: newId(),
      author: 'operator',
      operatorId: 'anna',
      text: 'it ships tomorrow',
    });
    await store.editMessage('msg-1', 'good morning');
    expect(await search(store, 'hello')).toEqual([]);
    expect(await search(store, 'morning')).toEqual(['conv-aaaaaaaaaaaaaaaaaa']);
    expect(await search(store, 'tomorrow')).toEqual(['conv-aaaaaaaaaaaaaaaaaa']);
    expect(await search(store, 'delivery')).toEqual([]);
    await store.close();

    const keys = keysIn(dir);
    expect(keys.slice(0, 3)).toEqual([
      { id: 'msg-1', key: 1 },
      { id: 'msg-2', key: 2 },
      { id: 'msg-4', key: 4 },
    ]);
    expect(keys.map((k) => k.id)).toEqual(['msg-1', 'msg-2', 'msg-4', after.message.id]);
    expect(keys[3]!.key).toBeGreaterThan(erasedKey);
  });
});

/**
 * A chat and visitors as the release before this one left them: message text indexed by
 * the first folding (ł, ß, æ and ı kept), names and e-mails in no index at all.
 */
const LATIN_CHAT = `
  INSERT INTO visitors (site, id, name, email, created_at, last_seen_at) VALUES
    ('shop', 'visitor-lukasz', 'Łukasz Weiß', NULL, 1000, 2000),
    ('shop', 'visitor-anna', 'Анна Ёжикова', 'Anna.K@Example.COM', 1000, 2000),
    ('shop', 'visitor-nameless', NULL, NULL, 1000, 2000),
    ('other', 'visitor-elsewhere', 'Łukasz Nowak', NULL, 1000, 2000);
  INSERT INTO conversations (id, site, visitor_id, owner, status, last_seq, last_change, created_at, updated_at) VALUES
    ('conv-lukasz', 'shop', 'visitor-lukasz', 'v:visitor-lukasz', 'open', 2, 2, 1000, 2000),
    ('conv-anna', 'shop', 'visitor-anna', 'v:visitor-anna', 'open', 0, 0, 1000, 1900),
    ('conv-nameless', 'shop', 'visitor-nameless', 'v:visitor-nameless', 'open', 0, 0, 1000, 1800),
    ('conv-elsewhere', 'other', 'visitor-elsewhere', 'v:visitor-elsewhere', 'open', 0, 0, 1000, 1700);
  INSERT INTO messages (id, conversation_id, seq, change_seq, sender, client_id, author, text, created_at) VALUES
    ('msg-latin-1', 'conv-lukasz', 1, 1, 'v:visitor-lukasz', 'client-latin-1', 'visitor', 'Dostawa do Łodzi, Hauptstraße 5', 1500),
    ('msg-latin-2', 'conv-lukasz', 2, 2, 'o:anna', 'client-latin-2', 'operator', 'Tomorrow, as agreed', 1600);`;

/** What search must find in those once the store is upgraded, and what they still hold. */
async function expectLatinAndNameSearch(store: Store) {
  const found = async (text: string) => (await store.searchConversations('shop', { text })).ids;
  expect(await found('lodzi hauptstrasse')).toEqual(['conv-lukasz']);
  expect(await found('ŁODZI')).toEqual(['conv-lukasz']);
  expect(await found('lukasz weiss')).toEqual(['conv-lukasz']);
  expect(await found('анна ежикова')).toEqual(['conv-anna']);
  expect(await found('anna.k@example')).toEqual(['conv-anna']);
  expect(await found('nowak')).toEqual([]);
  // The rows themselves keep their letters: only the indexes are folded.
  expect((await store.lastMessages('conv-lukasz', 10)).map((m) => m.text)).toEqual([
    'Dostawa do Łodzi, Hauptstraße 5',
    'Tomorrow, as agreed',
  ]);
  expect(await store.getVisitor('shop', 'visitor-anna')).toMatchObject({
    name: 'Анна Ёжикова',
    email: 'Anna.K@Example.COM',
  });
  // Names given, changed and erased after the upgrade are followed.
  await store.touchVisitor({ site: 'shop', id: 'visitor-nameless', name: 'Zoë Ørsted' });
  await store.touchVisitor({ site: 'shop', id: 'visitor-lukasz', name: 'Luke' });
  expect(await found('zoe orsted')).toEqual(['conv-nameless']);
  expect(await found('lukasz')).toEqual([]);
  expect(await found('luke')).toEqual(['conv-lukasz']);
  await store.eraseVisitor('shop', 'visitor-anna');
  expect(await found('анна')).toEqual([]);
}

describe('search folding of ł, ß, æ, ı and of names, on a database from before it', () => {
  // The steps before the one that folds these letters and indexes names (later steps may follow it).
  const sqliteLatinStep = MIGRATIONS.findIndex((step) => step.includes('CREATE VIRTUAL TABLE visitor_search'));
  const postgresLatinStep = PG_MIGRATIONS.findIndex((step) => step.includes('CREATE INDEX visitors_search_words'));

  it('on SQLite: indexes again what the new letters change, indexes every name, keeps every row', async () => {
    expect(sqliteLatinStep).toBeGreaterThan(0);
    const { dir, db } = sqliteAfterSteps(sqliteLatinStep);
    db.exec(LATIN_CHAT);
    // As the release before indexed them: by its folding, the mark moved past them.
    db.exec(`INSERT INTO message_search (rowid, text) SELECT search_key, ${sqliteFoldedTextV1('text')} FROM messages;
             UPDATE message_search_progress SET indexed_through = (SELECT max(search_key) FROM messages);`);
    db.close();

    const store = openSqliteStore(dir, newId);
    await expectLatinAndNameSearch(store);
    await store.close();
    // The names' index keys are columns of their own: a VACUUM keeps them.
    const after = new Database(join(dir, 'confab.sqlite'));
    const keys = () => after.prepare('SELECT site, id, search_key FROM visitors ORDER BY site, id').all();
    const before = keys();
    after.exec('VACUUM;');
    expect(keys()).toEqual(before);
    after.close();
    const reopened = openSqliteStore(dir, newId);
    expect((await reopened.searchConversations('shop', { text: 'zoe' })).ids).toEqual(['conv-nameless']);
    await reopened.close();
  });

  const skip = postgresSkipReason();
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    if (!skip) cluster = await startPostgres();
  }, 60_000);
  afterAll(async () => cluster?.stop());

  it.skipIf(skip)('on PostgreSQL: builds both word indexes, drops the old one and keeps every row', async () => {
    const url = await cluster!.createDatabase();
    const client = new pg.Client(url);
    await client.connect();
    try {
      await client.query('CREATE TABLE confab_schema (version INTEGER NOT NULL)');
      expect(postgresLatinStep).toBeGreaterThan(0);
      for (const step of PG_MIGRATIONS.slice(0, postgresLatinStep)) await client.query(step);
      await client.query('INSERT INTO confab_schema (version) VALUES ($1)', [postgresLatinStep]);
      await client.query(LATIN_CHAT);
      await client.query(`INSERT INTO messages (id, conversation_id, seq, change_seq, sender, client_id, author, text, created_at)
        VALUES ('msg-latin-3', 'conv-anna', 1, 1, 'o:anna', 'client-latin-3', 'operator', 'Заказ №42 — «готов»', 1700)`);

      const store = await openPostgresStore(url, newId);
      // Chat punctuation beyond ASCII splits words: "№42" is the word 42.
      expect((await store.searchConversations('shop', { text: '42 готов' })).ids).toEqual(['conv-anna']);
      await expectLatinAndNameSearch(store);
      await store.close();

      const indexes = await client.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE tablename IN ('messages', 'visitors')`,
      );
      const names = indexes.rows.map((row) => row.indexname);
      expect(names).toEqual(expect.arrayContaining(['messages_search_words', 'visitors_search_words']));
      expect(names).not.toContain('messages_search_folded');

      // The search's expressions are the indexes': PostgreSQL answers them from the indexes.
      await client.query('SET enable_seqscan = off');
      const plan = async (sql: string) =>
        (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`)).rows
          .map((row) => row['QUERY PLAN'])
          .join('\n');
      expect(
        await plan(`SELECT id FROM messages m
          WHERE to_tsvector('simple', ${postgresFoldedText('m.text')}) @@ to_tsquery('simple', 'lodzi:*')`),
      ).toContain('messages_search_words');
      expect(
        await plan(`SELECT id FROM visitors WHERE to_tsvector('simple',
          ${postgresFoldedText(visitorSearchText('name', 'email'))}) @@ to_tsquery('simple', 'anna:*')`),
      ).toContain('visitors_search_words');
    } finally {
      await client.end();
      await cluster!.dropDatabase(url);
    }
  });
});

describe('replay without an index entry per message, on a database from before it', () => {
  const step = MIGRATIONS.findIndex((s) => s.includes('DROP INDEX messages_by_change'));

  it('on SQLite: keeps every message, indexes only the edited and deleted ones, and replays as before', async () => {
    expect(step).toBeGreaterThan(0);
    const { dir, db } = sqliteAfterSteps(step);
    // Four messages, the first edited after the third was sent (change 4), the second
    // deleted after that (change 5), the fourth sent after both (seq 4, change 6).
    db.exec(`INSERT INTO visitors (site, id, created_at, last_seen_at, visit_started_at)
        VALUES ('shop', 'visitor-aaaaaaaaaaaaaaaa', 1000, 2000, 1000);
      INSERT INTO conversations (id, site, visitor_id, owner, status, last_seq, last_change, created_at, updated_at)
        VALUES ('conv-aaaaaaaaaaaaaaaaaa', 'shop', 'visitor-aaaaaaaaaaaaaaaa', 'v:visitor-aaaaaaaaaaaaaaaa', 'open', 4, 6, 1000, 2000);`);
    const message = db.prepare(`INSERT INTO messages
      (id, conversation_id, seq, change_seq, sender, client_id, author, text, created_at, edited_at, deleted_at)
      VALUES (?, 'conv-aaaaaaaaaaaaaaaaaa', ?, ?, 'v:visitor-aaaaaaaaaaaaaaaa', ?, 'visitor', ?, 1500, ?, ?)`);
    message.run('msg-1', 1, 4, 'client-1', 'hello, edited', 1900, null);
    message.run('msg-2', 2, 5, 'client-2', '', null, 1950);
    message.run('msg-3', 3, 3, 'client-3', 'third', null, null);
    message.run('msg-4', 4, 6, 'client-4', 'fourth', null, null);
    db.close();

    const store = openSqliteStore(dir, newId);
    const replay = async (change: number) =>
      (await store.changesAfter('conv-aaaaaaaaaaaaaaaaaa', change, 10)).map((m) => [m.seq, m.changeSeq]);
    expect(await replay(0)).toEqual([
      [1, 4],
      [2, 5],
      [3, 3],
      [4, 6],
    ]);
    expect(await replay(3)).toEqual([
      [1, 4],
      [2, 5],
      [4, 6],
    ]);
    expect(await replay(5)).toEqual([[4, 6]]);
    expect(await replay(6)).toEqual([]);
    const next = await visitorWrites(store, 'client-5', 'fifth');
    expect(next?.message).toMatchObject({ seq: 5, changeSeq: 7 });
    expect(await replay(6)).toEqual([[5, 7]]);
    await store.close();

    const after = new Database(join(dir, 'confab.sqlite'), { readonly: true });
    try {
      const indexes = after
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL`)
        .pluck()
        .all();
      expect(indexes).not.toContain('messages_by_change');
      expect(indexes).toContain('messages_changed');
      // A message as it was sent has no entry in it: only the edited one and the deleted one.
      const entries = after
        .prepare(`SELECT id FROM messages INDEXED BY messages_changed
          WHERE conversation_id = 'conv-aaaaaaaaaaaaaaaaaa' AND change_seq > 0
            AND (edited_at IS NOT NULL OR deleted_at IS NOT NULL) ORDER BY id`)
        .pluck()
        .all();
      expect(entries).toEqual(['msg-1', 'msg-2']);
    } finally {
      after.close();
    }
  });
});
