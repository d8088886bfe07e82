/**
 * Both engines' search indexes fold every letter as the rule does (src/protocol/search-words.ts):
 * the words an index holds for a text are the words `searchWordsOf` makes of it, letter by
 * letter over the Latin and Cyrillic blocks, for message text and for a visitor's name and
 * e-mail. And a search by a visitor's name is answered from an index, not a scan of visitors.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchWordsOf } from '../../src/protocol';
import { openPostgresStore } from '../../server/src/store';
import { postgresFoldedText, sqliteFoldedText, visitorSearchText } from '../../server/src/store/search-folding';
import { openSqliteDatabase } from '../../server/src/store/sqlite';
import { visitorsByWords } from '../../server/src/store/kysely-workspace';
import { postgresSkipReason, startPostgres, type PostgresCluster } from '../support/postgres';
import { SEARCH_LETTERS } from '../support/search-letters';

/** Every letter checked, each inside a word ("xŁx"), so a letter folded to two stays one word. */
const WORDS = SEARCH_LETTERS.map((letter) => `x${letter}x`);

/**
 * Texts mixing scripts: each engine picks the part of its folding a text needs by what it
 * holds (ASCII only, Latin beyond ASCII, neither), and a text with all must get all.
 */
const MIXED = [
  'Ёлка в Łodzi, Straße',
  'ORDER №42 ещё в пути',
  'Café ЁЛКА',
  'Ærø ışık ĲSSEL İZMİR',
  'ẞ Ё',
  '«Заказ» №42 — готов… don’t „Straße“',
];

/** Where an index's words for a text differ from the rule's. */
const disagreements = (held: Map<string, string>) =>
  [...held].flatMap(([text, words]) => {
    const expected = searchWordsOf(text).join(' ');
    return words === expected ? [] : [`${text}: index ${words}, rule ${expected}`];
  });

describe('search folding on SQLite', () => {
  let dir: string;
  let db: BetterSqlite3.Database;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'confab-folding-'));
    db = openSqliteDatabase(dir);
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The words `table`'s tokenizer holds for each text after the store's folding expression. */
  function indexed(table: 'message_search' | 'visitor_search', texts: readonly string[], expression: string) {
    db.exec(`CREATE VIRTUAL TABLE temp.held USING fts5vocab(main, ${table}, 'instance')`);
    try {
      const insert = db.prepare(`INSERT INTO ${table} (rowid, ${table === 'message_search' ? 'text' : 'words'})
        SELECT @key, ${expression} FROM (SELECT @text AS text, @name AS name, @email AS email)`);
      db.transaction(() => texts.forEach((text, i) => insert.run({ key: i + 1, text, name: text, email: null })))();
      const rows = db.prepare('SELECT doc, term FROM temp.held ORDER BY doc, offset').all() as {
        doc: number;
        term: string;
      }[];
      const held = new Map(texts.map((text) => [text, [] as string[]]));
      for (const row of rows) held.get(texts[row.doc - 1]!)!.push(row.term);
      return new Map([...held].map(([text, words]) => [text, words.join(' ')]));
    } finally {
      db.exec('DROP TABLE temp.held');
    }
  }

  it('holds the words of message text as the rule makes them, letter by letter', () => {
    expect(disagreements(indexed('message_search', [...WORDS, ...MIXED], sqliteFoldedText('text')))).toEqual([]);
  });

  it('holds the words of a visitor’s name and e-mail as the rule makes them', () => {
    // Latin letters the tokenizer keeps and ё in one text: both foldings apply.
    const names = [...WORDS.slice(0, 300), 'Łukasz.Weiß@Example.COM', 'Анна Ёжикова', 'Ёлка в Łodzi, Straße'];
    const expression = sqliteFoldedText(visitorSearchText('name', 'email'));
    expect(disagreements(indexed('visitor_search', names, expression))).toEqual([]);
  });

  it('answers a name search from the visitors’ word index at 100,000 visitors', () => {
    const insert = db.prepare(`INSERT INTO visitors (site, id, name, email, created_at, last_seen_at)
      VALUES ('shop', ?, ?, ?, 1, 1)`);
    db.transaction(() => {
      // Most visitors never give a name or an e-mail; every tenth here does.
      for (let i = 0; i < 100_000; i++) {
        insert.run(`visitor-${i}`, i % 10 === 9 ? `Name ${i}` : null, i % 10 === 9 ? `v${i}@example.com` : null);
      }
    })();
    // The store's own query, compiled as the store compiles it.
    const search = visitorsByWords('sqlite', 'shop', '"name"* AND "99999"*').compile(
      new Kysely<unknown>({ dialect: new SqliteDialect({ database: db }) }),
    );
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${search.sql}`).all(...search.parameters) as { detail: string }[];
    const details = plan.map((row) => row.detail).join('\n');
    expect(details).toContain('SCAN s VIRTUAL TABLE');
    expect(details).toContain('USING INDEX visitors_by_search_key');
    expect(details).not.toContain('sqlite_autoindex_visitors');
    expect(db.prepare(search.sql).all(...search.parameters)).toEqual([{ id: 'visitor-99999' }]);
  }, 60_000);
});

const skip = postgresSkipReason();
describe.skipIf(skip)('search folding on PostgreSQL', () => {
  let cluster: PostgresCluster;
  let url: string;
  let client: pg.Client;
  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase();
    // The store's migrations make the schema and its indexes.
    await (await openPostgresStore(url, () => 'unused')).close();
    client = new pg.Client(url);
    await client.connect();
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await cluster?.stop();
  });

  /** The words to_tsvector holds for each text after `expression` (of the column `t`). */
  async function indexed(texts: readonly string[], expression: string) {
    const result = await client.query<{ t: string; words: string[] }>(
      `SELECT t, ARRAY(SELECT lexeme FROM unnest(to_tsvector('simple', ${expression}))
                       ORDER BY (SELECT min(p) FROM unnest(positions) p)) AS words
       FROM unnest($1::text[]) AS t`,
      [texts],
    );
    return new Map(result.rows.map((row) => [row.t, row.words.join(' ')]));
  }

  it('holds the words of message text as the rule makes them, letter by letter', async () => {
    expect(disagreements(await indexed([...WORDS, ...MIXED], postgresFoldedText('t')))).toEqual([]);
  });

  it('holds the words of a visitor’s name and e-mail as the rule makes them', async () => {
    const names = ['Łukasz.Weiß@Example.COM', 'jean-luc+chat@shop.example.org', 'Анна Ёжикова', 'İZMİR ışık'];
    expect(disagreements(await indexed(names, postgresFoldedText(visitorSearchText('t', 'NULL'))))).toEqual([]);
  });

  it('answers a name search from the visitors’ word index at 100,000 visitors', async () => {
    await client.query(`INSERT INTO visitors (site, id, name, email, created_at, last_seen_at)
      SELECT 'shop', 'visitor-' || i, CASE WHEN i % 10 = 9 THEN 'Name ' || i END,
        CASE WHEN i % 10 = 9 THEN 'v' || i || '@example.com' END, 1, 1
      FROM generate_series(0, 99999) AS i`);
    await client.query('ANALYZE visitors');
    // The store's own query, compiled as the store compiles it (nothing is run through Kysely here).
    const search = visitorsByWords('postgres', 'shop', 'name:* & 99999:*').compile(
      new Kysely<unknown>({
        dialect: {
          createAdapter: () => new PostgresAdapter(),
          createDriver: () => new DummyDriver(),
          createIntrospector: (db) => new PostgresIntrospector(db),
          createQueryCompiler: () => new PostgresQueryCompiler(),
        },
      }),
    );
    const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${search.sql}`, [...search.parameters]);
    expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain(
      'Bitmap Index Scan on visitors_search_words',
    );
    const found = await client.query(search.sql, [...search.parameters]);
    expect(found.rows).toEqual([{ id: 'visitor-99999' }]);
  }, 60_000);
});
