/**
 * The operator workspace's reads and writes, on either engine: search over the whole
 * history and visitors' names and e-mails (the one place where the two engines' SQL
 * differs: FTS5 on SQLite, full text with GIN indexes on PostgreSQL), a visitor's history
 * across devices, lifting a spam block, the waiting line and the reply times the
 * visitor's expectations come from, and the address follow-up mail may go to.
 *
 * Conversations come back as ids in order; the caller reads each as a list row through
 * the store's prepared lookup, so the list row is defined once (kysely-store.ts).
 */
import { sql, type SqlBool } from 'kysely';
import { searchWordsOf } from '../../../src/protocol';
import { postgresFoldedText, visitorSearchText } from './search-folding';
import type { Engine, Store } from './types';
import type { Db, Writer } from './writer';

type WorkspaceMethods = Pick<
  Store,
  | 'searchConversations'
  | 'visitorHistory'
  | 'unblockOwner'
  | 'waitingConversations'
  | 'responseSamples'
  | 'setFollowUpEmail'
  | 'followUpEmail'
>;

/**
 * The words of a search, folded as the index folds messages (search-folding.ts), letters
 * and digits only: safe inside either engine's query syntax.
 */
export const searchWords = (text: string | undefined): string[] => searchWordsOf(text ?? '').slice(0, 8);

/** Message text as PostgreSQL's search index holds it: the index's own expression (pg-migrations.ts). */
const POSTGRES_SEARCH_VECTOR = sql.raw(`to_tsvector('simple', ${postgresFoldedText('m.text')})`);
/** A visitor's name and e-mail as PostgreSQL's index of them holds them (pg-migrations.ts). */
const POSTGRES_VISITOR_VECTOR = sql.raw(
  `to_tsvector('simple', ${postgresFoldedText(visitorSearchText('name', 'email'))})`,
);

/**
 * The ids of `site`'s visitors whose name and e-mail together hold the words of `query`
 * (in the engine's full-text syntax), by the index of their words (migrations.ts,
 * pg-migrations.ts): a scan of every visitor's lower(name) grew with the site's visitors,
 * and on SQLite lowered A–Z only. On SQLite the index is read first and each hit looked up
 * by its key: SQLite never reorders a CROSS JOIN, and by the site alone it would walk
 * every visitor of the site.
 */
export const visitorsByWords = (engine: Engine, site: string, query: string) =>
  engine === 'sqlite'
    ? sql<{ id: string }>`SELECT v.id FROM visitor_search s CROSS JOIN visitors v ON v.search_key = s.rowid
        WHERE v.site = ${site} AND visitor_search MATCH ${query}`
    : sql<{ id: string }>`SELECT id FROM visitors
        WHERE site = ${site} AND ${POSTGRES_VISITOR_VECTOR} @@ to_tsquery('simple', ${query})`;

/** A page cursor: the last row's activity time and id, in the order the list is sorted. */
export const encodeCursor = (updatedAt: number, id: string) => `${updatedAt}~${id}`;
export function decodeCursor(cursor: string | undefined): { updatedAt: number; id: string } | undefined {
  const match = cursor ? /^(\d{1,16})~([A-Za-z0-9_-]{1,64})$/.exec(cursor) : null;
  return match ? { updatedAt: Number(match[1]), id: match[2]! } : undefined;
}

export function workspaceMethods(db: Db, writer: Writer, engine: Engine): WorkspaceMethods {
  /** Every word as a word prefix, in the engine's full-text query syntax. */
  const everyPrefix = (words: string[]) =>
    engine === 'sqlite' ? words.map((w) => `"${w}"*`).join(' AND ') : words.map((w) => `${w}:*`).join(' & ');

  /** Conversations with a message holding every word (each as a word prefix). */
  const textMatch = (words: string[]) =>
    engine === 'sqlite'
      ? sql<SqlBool>`c.id IN (SELECT m.conversation_id FROM messages m WHERE m.search_key IN
          (SELECT rowid FROM message_search WHERE message_search MATCH ${everyPrefix(words)}))`
      : sql<SqlBool>`c.id IN (SELECT m.conversation_id FROM messages m WHERE
          ${POSTGRES_SEARCH_VECTOR} @@ to_tsquery('simple', ${everyPrefix(words)}))`;

  /** Conversations of visitors whose name and e-mail together hold every word (each as a word prefix). */
  const visitorMatch = (site: string, words: string[]) =>
    sql<SqlBool>`c.visitor_id IN (${visitorsByWords(engine, site, everyPrefix(words))})`;

  /** The visitors of an owner: the device itself, and for a verified user every device of theirs. */
  const ownerVisitors = (q: Db, site: string, owner: string, visitorId: string) =>
    q
      .selectFrom('visitors')
      .select('id')
      .where('site', '=', site)
      .where((eb) =>
        owner.startsWith('u:')
          ? eb.or([eb('id', '=', visitorId), eb('userId', '=', owner.slice(2))])
          : eb('id', '=', visitorId),
      );

  return {
    async searchConversations(site, query) {
      const limit = Math.min(Math.max(query.limit ?? 30, 1), 100);
      const words = searchWords(query.text);
      let select = db
        .selectFrom('conversations as c')
        .select(['c.id', 'c.updatedAt'])
        // Whether a message matched, not only the name or e-mail: only those hits get a snippet.
        .select(words.length > 0 ? textMatch(words).as('byText') : sql<SqlBool>`0`.as('byText'))
        .where('c.site', '=', site);
      if (words.length > 0) select = select.where((eb) => eb.or([textMatch(words), visitorMatch(site, words)]));
      if (query.status === 'open') select = select.where('c.status', '=', 'open');
      if (query.status === 'closed') select = select.where('c.status', '=', 'closed');
      if (query.status === 'spam') select = select.where('c.closeReason', '=', 'spam');
      if (query.operatorId === 'none') select = select.where('c.operatorId', 'is', null);
      else if (query.operatorId) select = select.where('c.operatorId', '=', query.operatorId);
      if (query.from !== undefined) select = select.where('c.updatedAt', '>=', query.from);
      if (query.to !== undefined) select = select.where('c.updatedAt', '<', query.to);
      const after = decodeCursor(query.cursor);
      if (after) {
        select = select.where((eb) =>
          eb.or([
            eb('c.updatedAt', '<', after.updatedAt),
            eb.and([eb('c.updatedAt', '=', after.updatedAt), eb('c.id', '<', after.id)]),
          ]),
        );
      }
      const rows = await select
        .orderBy('c.updatedAt', 'desc')
        .orderBy('c.id', 'desc')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        ids: page.map((row) => row.id),
        byText: page.flatMap((row) => (row.byText ? [row.id] : [])),
        next: rows.length > limit && last ? encodeCursor(Number(last.updatedAt), last.id) : null,
      };
    },

    async visitorHistory(site, visitorId, limit) {
      const visitor = await db
        .selectFrom('visitors')
        .select(['id', 'userId'])
        .where('site', '=', site)
        .where('id', '=', visitorId)
        .executeTakeFirst();
      if (!visitor) return undefined;
      // The keys are the browser's own id and a user id proven by a signed token: never an
      // e-mail or name, which anyone can type.
      const owner = visitor.userId ? `u:${visitor.userId}` : `v:${visitor.id}`;
      const devices = ownerVisitors(db, site, owner, visitor.id);
      const [conversations, leads] = await Promise.all([
        db
          .selectFrom('conversations as c')
          .select('c.id')
          .where('c.site', '=', site)
          .where((eb) => eb.or([eb('c.owner', '=', owner), eb('c.visitorId', 'in', devices)]))
          .orderBy('c.createdAt', 'desc')
          .orderBy('c.id', 'desc')
          .limit(limit)
          .execute(),
        db
          .selectFrom('leads')
          .select('id')
          .where('site', '=', site)
          .where('visitorId', 'in', devices)
          .where('spamReason', 'is', null)
          .orderBy('createdAt', 'desc')
          .limit(limit)
          .execute(),
      ]);
      return { conversationIds: conversations.map((c) => c.id), leadIds: leads.map((l) => l.id) };
    },

    unblockOwner: (site, owner, visitorId) =>
      writer.write(async (trx) => {
        await trx
          .updateTable('visitors')
          .set({ blockedAt: null })
          .where('site', '=', site)
          .where('id', 'in', ownerVisitors(trx, site, owner, visitorId))
          .execute();
      }),

    // In line by the visitor's first message, which is when the chat joined the line: a
    // chat is opened a moment before its first message is stored, so by the opening a chat
    // whose first write was slower would join ahead of one already told its place, and
    // that place would go up. A chat the visitor never wrote in (an operator started it,
    // then went off work) lines up by its opening, the same on both engines.
    waitingConversations: (site) =>
      db
        .selectFrom('conversations as c')
        .select(['c.id', 'c.owner', 'c.createdAt'])
        .where('c.site', '=', site)
        .where('c.status', '=', 'open')
        .where('c.operatorId', 'is', null)
        .where('c.lastSeq', '>', 0)
        .orderBy((eb) =>
          eb.fn.coalesce(
            eb
              .selectFrom('messages as m')
              .select('m.createdAt')
              .whereRef('m.conversationId', '=', 'c.id')
              .where('m.author', '=', 'visitor')
              .orderBy('m.seq')
              .limit(1),
            'c.createdAt',
          ),
        )
        .orderBy('c.createdAt')
        .orderBy('c.id')
        .execute(),

    responseSamples: (site, since, limit) =>
      db
        .selectFrom('messages as m')
        .innerJoin('conversations as c', 'c.id', 'm.conversationId')
        .select(['m.conversationId', 'm.seq', 'm.author', 'm.createdAt'])
        .where('c.site', '=', site)
        .where('c.updatedAt', '>=', since)
        .where('m.createdAt', '>=', since)
        .orderBy('m.conversationId')
        .orderBy('m.seq')
        .limit(limit)
        .execute(),

    setFollowUpEmail: (site, visitorId, email) =>
      writer.write(async (trx) => {
        await trx
          .updateTable('visitors')
          .set({ followUpEmail: email })
          .where('site', '=', site)
          .where('id', '=', visitorId)
          .execute();
      }),

    async followUpEmail(site, owner, visitorId) {
      const rows = await db
        .selectFrom('visitors')
        .select(['followUpEmail', 'lastSeenAt'])
        .where('site', '=', site)
        .where('id', 'in', ownerVisitors(db, site, owner, visitorId))
        .where('followUpEmail', 'is not', null)
        .orderBy('lastSeenAt', 'desc')
        .limit(1)
        .execute();
      return rows[0]?.followUpEmail ?? undefined;
    },
  };
}
