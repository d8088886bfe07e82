/**
 * The store, written once: every query is built with Kysely and runs unchanged on
 * SQLite and on PostgreSQL. What differs between engines lives elsewhere: how a write
 * commits (writer.ts), the schema steps (migrations.ts, pg-migrations.ts) and one lock
 * in `openConversation`.
 *
 * Concurrency rests on the database, not on this process: a message takes its number by
 * `UPDATE conversations SET last_seq = last_seq + 1 ... RETURNING` (a row lock on
 * PostgreSQL, the single writer on SQLite), and UNIQUE (sender, client_id) and UNIQUE
 * (conversation_id, seq) turn any race into a retry that finds the stored row.
 */
import { sql, type Insertable } from 'kysely';
import type { ContextSnapshot } from '../../../src/protocol';
import { assignmentMethods } from './kysely-assignment';
import { cannedMethods } from './kysely-canned';
import { ATTACHMENT, attachmentMethods, storedAttachment } from './kysely-attachments';
import { dataCareMethods } from './kysely-data-care';
import { leadMethods } from './kysely-leads';
import { mailMethods } from './kysely-mail';
import { workspaceMethods } from './kysely-workspace';
import { timeOrderedMessageId } from './message-ids';
import { prepare } from './prepared';
import { webhookMethods } from './kysely-webhooks';
import type { Database } from './schema';
import {
  appendArgs,
  listRowAfter,
  visitorMessageRow,
  AttachmentUnavailableError,
  type AppendArgs,
  type AttachmentRow,
  type ConversationListRow,
  type ConversationRow,
  type Engine,
  type MessageRow,
  type NewMessage,
  type NewVisitorMessage,
  type PageViewRow,
  type Store,
  type VisitorRow,
} from './types';
import type { Db, Writer } from './writer';

/** Conversations read per prepared list-row query. */
const LIST_ROWS_AT_ONCE = 16;

/** Idle time after which the next connection counts as a new visit. */
const VISIT_GAP_MS = 30 * 60 * 1000;

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
const parse = <T>(value: string | null): T | null => (value ? (JSON.parse(value) as T) : null);
const changed = (result: { numUpdatedRows: bigint }) => result.numUpdatedRows > 0n;

export const CONVERSATION_COLUMNS = [
  'id',
  'site',
  'visitorId',
  'owner',
  'status',
  'closeReason',
  'operatorId',
  'lastSeq',
  'lastChange',
  'visitorReadSeq',
  'operatorReadSeq',
  'ratingState',
  'ratingScore',
  'ratingComment',
  'transferFrom',
  'transferComment',
  'transferAt',
  'revision',
  'createdAt',
  'updatedAt',
] as const;
const CONVERSATION = CONVERSATION_COLUMNS.map((column) => `c.${column}` as const);

const VISITOR = [
  'id',
  'site',
  'name',
  'email',
  'userId',
  'blockedAt',
  'firstTouch',
  'lastTouch',
  'env',
  'ip',
  'region',
  'visits',
  'visitStartedAt',
  'createdAt',
  'lastSeenAt',
] as const;

type RawVisitor = Database['visitors'] & { visits: number };
const toVisitor = (row: RawVisitor): VisitorRow => ({
  ...row,
  firstTouch: parse(row.firstTouch),
  lastTouch: parse(row.lastTouch),
  env: parse(row.env),
});

export interface KyselyStoreOptions {
  db: Db;
  engine: Engine;
  writer: Writer;
  newId: () => string;
  now: () => number;
  /** Lets the writes in flight finish, then closes the connection(s). */
  close: () => Promise<void>;
}

export function createKyselyStore({ db, engine, writer, newId, now, close }: KyselyStoreOptions): Store {
  const conversations = (q: Db) => q.selectFrom('conversations as c').select(CONVERSATION);
  // The queries of the message path are prepared: built and compiled once (prepared.ts).
  const conversationById = prepare<{ id: string }, unknown>((q, s) => conversations(q).where('c.id', '=', s.id));
  const conversation = (q: Db, id: string) => conversationById.first(q, { id }) as Promise<ConversationRow | undefined>;
  /** Newest first; of two started in the same millisecond, the open one is the newer. */
  const ownerConversationsQuery = prepare<{ site: string; owner: string; limit: number }, unknown>((q, s) =>
    conversations(q)
      .where('c.site', '=', s.site)
      .where('c.owner', '=', s.owner)
      .orderBy('c.createdAt', 'desc')
      .orderBy(sql`CASE WHEN c.status = 'open' THEN 0 ELSE 1 END`)
      .orderBy('c.id', 'desc')
      .limit(s.limit),
  );
  const ownerConversations = (q: Db, site: string, owner: string, limit: number) =>
    ownerConversationsQuery.all(q, { site, owner, limit }) as Promise<ConversationRow[]>;
  const openOf = (q: Db, site: string, owner: string) =>
    conversations(q)
      .where('c.site', '=', site)
      .where('c.owner', '=', owner)
      .where('c.status', '=', 'open')
      .limit(1)
      .executeTakeFirst() as Promise<ConversationRow | undefined>;

  const listRows = (q: Db) =>
    q
      .selectFrom('conversations as c')
      .leftJoin('visitors as v', (join) => join.onRef('v.site', '=', 'c.site').onRef('v.id', '=', 'c.visitorId'))
      .leftJoin('messages as m', (join) => join.onRef('m.conversationId', '=', 'c.id').onRef('m.seq', '=', 'c.lastSeq'))
      .select(CONVERSATION)
      .select([
        'v.name as visitorName',
        'v.email as visitorEmail',
        'v.userId as visitorUserId',
        'm.author as lastAuthor',
        'm.text as lastText',
        'm.createdAt as lastAt',
      ]);

  const messages = (q: Db) =>
    q
      .selectFrom('messages as m')
      .leftJoin('messages as r', 'r.id', 'm.replyTo')
      .select([
        'm.id',
        'm.conversationId',
        'm.seq',
        'm.changeSeq',
        'm.clientId',
        'm.author',
        'm.operatorId',
        'm.text',
        'm.replyTo',
        'r.author as replyAuthor',
        'r.text as replyText',
        'r.deletedAt as replyDeletedAt',
        'm.editedAt',
        'm.deletedAt',
        'm.createdAt',
        'm.attachments',
        'm.system',
      ]);
  const messageById = prepare<{ id: string }, unknown>((q, s) => messages(q).where('m.id', '=', s.id));
  const message = (q: Db, id: string) => messageById.first(q, { id }) as Promise<MessageRow | undefined>;
  const messageBySenderQuery = prepare<{ sender: string; clientId: string }, unknown>((q, s) =>
    messages(q).where('m.sender', '=', s.sender).where('m.clientId', '=', s.clientId),
  );
  const messageBySender = (q: Db, sender: string, clientId: string) =>
    messageBySenderQuery.first(q, { sender, clientId }) as Promise<MessageRow | undefined>;
  const listRowById = prepare<{ id: string }, unknown>((q, s) => listRows(q).where('c.id', '=', s.id));
  /**
   * Many list rows at once (every conversation a turn changed, told to the consoles): an
   * `in` list of `LIST_ROWS_AT_ONCE` slots, prepared once; unused slots hold null, which
   * matches nothing. Built and compiled per call, that read was a large part of a busy
   * server's time.
   */
  const listRowsByIds = prepare<Record<string, string | null>, unknown>((q, s) =>
    listRows(q).where(
      'c.id',
      'in',
      Array.from({ length: LIST_ROWS_AT_ONCE }, (_, i) => s[`id${i}`] as string),
    ),
  );
  const listRowsOf = async (wanted: string[]): Promise<ConversationListRow[]> => {
    const ids = [...new Set(wanted)];
    const reads: Promise<unknown[]>[] = [];
    for (let start = 0; start < ids.length; start += LIST_ROWS_AT_ONCE) {
      const slots: Record<string, string | null> = {};
      for (let i = 0; i < LIST_ROWS_AT_ONCE; i++) slots[`id${i}`] = ids[start + i] ?? null;
      reads.push(listRowsByIds.all(db, slots));
    }
    return (await Promise.all(reads)).flat() as ConversationListRow[];
  };
  const blocked = (q: Db) => q.selectFrom('visitors').select('id').where('blockedAt', 'is not', null);
  const blockedVisitor = prepare<{ site: string; id: string }, unknown>((q, s) =>
    blocked(q).where('site', '=', s.site).where('id', '=', s.id),
  );
  const blockedUser = prepare<{ site: string; userId: string }, unknown>((q, s) =>
    blocked(q).where('site', '=', s.site).where('userId', '=', s.userId).limit(1),
  );
  /** The next message number and change number of a conversation; the row lock orders concurrent senders. */
  const bumpSeq = prepare<{ id: string; at: number }, { lastSeq: number; lastChange: number }>((q, s) =>
    q
      .updateTable('conversations')
      .set((eb) => ({
        lastSeq: eb('lastSeq', '+', 1),
        lastChange: eb('lastChange', '+', 1),
        revision: eb('revision', '+', 1),
        updatedAt: s.at,
      }))
      .where('id', '=', s.id)
      .returning(['lastSeq', 'lastChange']),
  );
  type NewMessageRow = Omit<Insertable<Database['messages']>, 'editedAt' | 'deletedAt' | 'attachments' | 'system'> & {
    replyTo: string | null;
    attachments: string | null;
    system: string | null;
  };
  const insertMessage = prepare<Required<NewMessageRow>, unknown>((q, s) =>
    q.insertInto('messages').values({
      id: s.id,
      conversationId: s.conversationId,
      seq: s.seq,
      changeSeq: s.changeSeq,
      sender: s.sender,
      clientId: s.clientId,
      author: s.author,
      operatorId: s.operatorId,
      text: s.text,
      replyTo: s.replyTo,
      createdAt: s.createdAt,
      attachments: s.attachments,
      system: s.system,
    }),
  );
  /**
   * The visitor's message path in one statement: the owner's open conversation takes the
   * next numbers, unless the visitor (or, verified, their user on any device) is blocked.
   * No row comes back when either is not so. The outer `status = 'open'` is checked again
   * on PostgreSQL after waiting for the row lock, so a conversation closed meanwhile is left.
   */
  type OpenBump = Pick<AppendArgs, 'site' | 'owner' | 'visitorId' | 'userId' | 'at'>;
  const blockedBy = (q: Db, site: string, column: 'id' | 'userId', value: string | null) =>
    q
      .selectFrom('visitors')
      .select('id')
      .where('site', '=', site)
      .where(column, '=', value)
      .where('blockedAt', 'is not', null);
  const bumpOpen = prepare<OpenBump, ConversationRow>((q, s) =>
    q
      .updateTable('conversations')
      .set((eb) => ({
        lastSeq: eb('lastSeq', '+', 1),
        lastChange: eb('lastChange', '+', 1),
        revision: eb('revision', '+', 1),
        updatedAt: s.at,
      }))
      .where('id', '=', (eb) =>
        eb
          .selectFrom('conversations')
          .select('id')
          .where('site', '=', s.site)
          .where('owner', '=', s.owner)
          .where('status', '=', 'open')
          .orderBy('createdAt', 'desc')
          .limit(1),
      )
      .where('status', '=', 'open')
      .where(({ not, exists }) => not(exists(blockedBy(q, s.site, 'id', s.visitorId))))
      .where(({ not, exists }) => not(exists(blockedBy(q, s.site, 'userId', s.userId))))
      .returning(CONVERSATION_COLUMNS),
  );

  /**
   * Ties the sender's finished, unsent uploads to a new message (in the write that stores
   * it) and returns what the message shows of them; throws when any is not such an upload.
   */
  const takeAttachments = async (trx: Db, input: NewMessage, messageId: string) => {
    const ids = input.attachments ?? [];
    if (!ids.length) return null;
    const rows = (await trx
      .selectFrom('attachments')
      .select(ATTACHMENT)
      .where('id', 'in', ids)
      .execute()) as AttachmentRow[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    const usable = (row: AttachmentRow | undefined) =>
      row?.sender === input.sender &&
      row.status === 'ready' &&
      row.messageId === null &&
      (row.conversationId === null || row.conversationId === input.conversationId);
    if (!ids.every((id) => usable(byId.get(id)))) throw new AttachmentUnavailableError();
    // Two messages racing for one upload: only one of them takes it.
    const taken = await trx
      .updateTable('attachments')
      .set({ messageId, conversationId: input.conversationId, updatedAt: now() })
      .where('id', 'in', ids)
      .where('messageId', 'is', null)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== ids.length) throw new AttachmentUnavailableError();
    return JSON.stringify(ids.map((id) => storedAttachment(byId.get(id)!)));
  };

  const visitor = async (q: Db, site: string, id: string) => {
    const row = await q
      .selectFrom('visitors')
      .select(VISITOR)
      .where('site', '=', site)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toVisitor(row as RawVisitor);
  };

  /** Edits and deletes take the next change number, so reconnecting clients replay them. */
  const changeMessage = (id: string, apply: (trx: Db, changeSeq: number) => Promise<boolean>) =>
    writer.write(async (trx) => {
      const row = await message(trx, id);
      if (!row || row.deletedAt) return undefined;
      const bumped = await trx
        .updateTable('conversations')
        .set((eb) => ({ lastChange: eb('lastChange', '+', 1), revision: eb('revision', '+', 1) }))
        .where('id', '=', row.conversationId)
        .returning('lastChange')
        .executeTakeFirstOrThrow();
      return (await apply(trx, bumped.lastChange)) ? message(trx, id) : undefined;
    });

  const base: Omit<Store, 'purgeBefore' | 'exportVisitor' | 'eraseVisitor'> = {
    engine,

    touchVisitor: (v) =>
      writer.write(async (trx) => {
        const at = now();
        // Only a name or an e-mail given can change what the consoles list (COALESCE below).
        const before = v.name != null || v.email != null ? await visitor(trx, v.site, v.id) : undefined;
        const newVisit = sql<boolean>`visitors.last_seen_at < ${at - VISIT_GAP_MS}`;
        await trx
          .insertInto('visitors')
          .values({
            site: v.site,
            id: v.id,
            name: v.name ?? null,
            email: v.email ?? null,
            userId: v.userId ?? null,
            firstTouch: json(v.firstTouch),
            lastTouch: json(v.lastTouch),
            env: json(v.env),
            ip: v.ip ?? null,
            region: v.region ?? null,
            visits: 1,
            visitStartedAt: at,
            createdAt: at,
            lastSeenAt: at,
          })
          .onConflict((conflict) =>
            conflict.columns(['site', 'id']).doUpdateSet({
              visits: sql`CASE WHEN ${newVisit} THEN visitors.visits + 1 ELSE visitors.visits END`,
              visitStartedAt: sql`CASE WHEN ${newVisit} THEN ${at} ELSE visitors.visit_started_at END`,
              lastSeenAt: at,
              name: sql`COALESCE(${v.name ?? null}, visitors.name)`,
              email: sql`COALESCE(${v.email ?? null}, visitors.email)`,
              userId: sql`COALESCE(${v.userId ?? null}, visitors.user_id)`,
              firstTouch: sql`COALESCE(visitors.first_touch, ${json(v.firstTouch)})`,
              lastTouch: sql`COALESCE(${json(v.lastTouch)}, visitors.last_touch)`,
              env: sql`COALESCE(${json(v.env)}, visitors.env)`,
              ip: sql`COALESCE(${v.ip ?? null}, visitors.ip)`,
              region: sql`COALESCE(${v.region ?? null}, visitors.region)`,
            }),
          )
          .execute();
        const after = (await visitor(trx, v.site, v.id))!;
        if (before && (before.name !== after.name || before.email !== after.email)) {
          // Their conversations' list rows show the name and the e-mail: a new one is a new
          // revision, so a console that is told an older and a newer row keeps the newer.
          await trx
            .updateTable('conversations')
            .set({ revision: sql`revision + 1` })
            .where('site', '=', v.site)
            .where('visitorId', '=', v.id)
            .execute();
        }
        return after;
      }),
    getVisitor: (site, id) => visitor(db, site, id),
    blockVisitor: (site, id) =>
      writer.write(async (trx) => {
        await trx
          .updateTable('visitors')
          .set({ blockedAt: now() })
          .where('site', '=', site)
          .where('id', '=', id)
          .execute();
      }),
    // Two lookups, each on an index (the primary key, then visitors_by_user): the cost
    // does not grow with the number of visitors a site ever had.
    async isBlocked(site, owner, visitorId) {
      if (await blockedVisitor.first(db, { site, id: visitorId })) return true;
      if (!owner.startsWith('u:')) return false;
      return (await blockedUser.first(db, { site, userId: owner.slice(2) })) !== undefined;
    },

    latestConversation: async (site, owner) => (await ownerConversations(db, site, owner, 1))[0],
    recentConversations: async (site, owner, limit) => (await ownerConversations(db, site, owner, limit)).reverse(),
    async openConversation(site, owner, visitorId, context?: ContextSnapshot) {
      const open = await openOf(db, site, owner);
      if (open) return { conversation: open, created: false };
      return writer.write(async (trx) => {
        // Two servers opening the owner's first conversation at once: the second waits
        // here, then finds the first one's. (SQLite has a single writer already.)
        if (engine === 'postgres')
          await sql`SELECT pg_advisory_xact_lock(hashtext(${`${site}/${owner}`}))`.execute(trx);
        const again = await openOf(trx, site, owner);
        if (again) return { conversation: again, created: false };
        const id = newId();
        const at = now();
        await trx
          .insertInto('conversations')
          .values({ id, site, visitorId, owner, status: 'open', context: json(context), createdAt: at, updatedAt: at })
          .execute();
        return { conversation: (await conversation(trx, id))!, created: true };
      });
    },
    conversationContext: async (id) => {
      const row = await db.selectFrom('conversations').select('context').where('id', '=', id).executeTakeFirst();
      return parse<ContextSnapshot>(row?.context ?? null);
    },
    startPageView: (site, visitorId, page) =>
      writer.write(async (trx) => {
        const at = now();
        await trx
          .updateTable('visitors')
          .set({ lastSeenAt: at })
          .where('site', '=', site)
          .where('id', '=', visitorId)
          .execute();
        const row = await trx
          .insertInto('pageViews')
          .values({
            site,
            visitorId,
            url: page.url,
            title: page.title ?? null,
            referrer: page.referrer ?? null,
            startedAt: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return Number(row.id);
      }),
    endPageViews: (ids) =>
      writer.write(
        async (trx) => {
          if (ids.length === 0) return;
          await trx
            .updateTable('pageViews')
            .set({ endedAt: now() })
            .where('id', 'in', ids)
            .where('endedAt', 'is', null)
            .execute();
        },
        { oneStatement: true },
      ),
    resumePageView: (site, visitorId, url, withinMs) =>
      writer.write(async (trx) => {
        const last = await trx
          .selectFrom('pageViews')
          .select(['id', 'url', 'endedAt'])
          .where('site', '=', site)
          .where('visitorId', '=', visitorId)
          .orderBy('startedAt', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        const at = now();
        if (!last || last.url !== url || (last.endedAt !== null && last.endedAt < at - withinMs)) return undefined;
        await trx.updateTable('pageViews').set({ endedAt: null }).where('id', '=', last.id).execute();
        await trx
          .updateTable('visitors')
          .set({ lastSeenAt: at })
          .where('site', '=', site)
          .where('id', '=', visitorId)
          .execute();
        return Number(last.id);
      }),
    pageViews: (site, visitorId, since = 0) =>
      db
        .selectFrom('pageViews')
        .select(['id', 'url', 'title', 'referrer', 'startedAt', 'endedAt'])
        .where('site', '=', site)
        .where('visitorId', '=', visitorId)
        .where('startedAt', '>=', since)
        .orderBy('startedAt')
        .orderBy('id')
        .execute() as Promise<PageViewRow[]>,
    adoptConversations: (site, visitorId, owner) =>
      writer.write(async (trx) => {
        await trx
          .updateTable('conversations')
          .set({ owner, revision: sql`revision + 1` })
          .where('site', '=', site)
          .where('owner', '=', `v:${visitorId}`)
          .execute();
      }),
    getConversation: (id) => conversation(db, id),
    listConversations: (site, limit) =>
      listRows(db).where('c.site', '=', site).orderBy('c.updatedAt', 'desc').limit(limit).execute() as Promise<
        ConversationListRow[]
      >,
    getConversationListRow: (id) => listRowById.first(db, { id }) as Promise<ConversationListRow | undefined>,
    getConversationListRows: listRowsOf,
    closeConversation: (conversationId, reason) =>
      writer.write(async (trx) =>
        changed(
          await trx
            .updateTable('conversations')
            .set({
              status: 'closed',
              closeReason: reason,
              updatedAt: now(),
              ratingState: reason === 'spam' ? null : 'pending',
              revision: sql`revision + 1`,
            })
            .where('id', '=', conversationId)
            .where('status', '=', 'open')
            .executeTakeFirst(),
        ),
      ),
    idleConversations: (before) =>
      conversations(db).where('c.status', '=', 'open').where('c.updatedAt', '<', before).execute() as Promise<
        ConversationRow[]
      >,
    markRead: (conversationId, by, seq) =>
      writer.write(async (trx) => {
        const column = by === 'visitor' ? 'visitorReadSeq' : 'operatorReadSeq';
        return changed(
          await trx
            .updateTable('conversations')
            .set({ [column]: seq, revision: sql`revision + 1` })
            .where('id', '=', conversationId)
            .where(column, '<', seq)
            .executeTakeFirst(),
        );
      }),
    setRating: (conversationId, state, score, comment) =>
      writer.write(async (trx) => {
        await trx
          .updateTable('conversations')
          .set({ ratingState: state, ratingScore: score, ratingComment: comment, revision: sql`revision + 1` })
          .where('id', '=', conversationId)
          .execute();
      }),

    findMessage: (sender, clientId) => messageBySender(db, sender, clientId),
    getMessage: (id) => message(db, id),
    appendMessage: (input) =>
      writer.write(async (trx) => {
        const existing = await messageBySender(trx, input.sender, input.clientId);
        if (existing) return { message: existing, duplicate: true };
        const createdAt = now();
        // The row lock taken here orders concurrent senders: numbers without gaps or repeats.
        const bumped = await bumpSeq.first(trx, { id: input.conversationId, at: createdAt });
        if (!bumped) throw new Error(`conversation ${input.conversationId} does not exist`);
        const id = timeOrderedMessageId(createdAt, newId());
        const attachments = await takeAttachments(trx, input, id);
        const row = {
          id,
          conversationId: input.conversationId,
          seq: bumped.lastSeq,
          changeSeq: bumped.lastChange,
          clientId: input.clientId,
          author: input.author,
          operatorId: input.operatorId,
          text: input.text,
          replyTo: input.replyTo ?? null,
          createdAt,
          attachments,
          system: input.system ? JSON.stringify(input.system) : null,
        };
        await insertMessage.run(trx, { ...row, sender: input.sender });
        // The stored row is known; only a quoted message needs reading.
        const quoted = input.replyTo
          ? await trx
              .selectFrom('messages')
              .select(['author', 'text', 'deletedAt'])
              .where('id', '=', input.replyTo)
              .executeTakeFirst()
          : undefined;
        const stored: MessageRow = {
          ...row,
          replyAuthor: quoted?.author ?? null,
          replyText: quoted?.text ?? null,
          replyDeletedAt: quoted?.deletedAt ?? null,
          editedAt: null,
          deletedAt: null,
        };
        return { message: stored, duplicate: false };
      }),
    appendToOpenConversation: (input: NewVisitorMessage) =>
      writer.write(async (trx) => {
        // A resend is answered by the caller's careful path, which also says `blocked` first.
        if (await messageBySender(trx, input.sender, input.clientId)) return undefined;
        const args = appendArgs(input, newId(), now());
        const conversation = await bumpOpen.first(trx, args);
        if (!conversation) return undefined;
        const message = visitorMessageRow(args, {
          conversationId: conversation.id,
          seq: conversation.lastSeq,
          changeSeq: conversation.lastChange,
        });
        await insertMessage.run(trx, { ...message, sender: input.sender });
        const visitor = await trx
          .selectFrom('visitors')
          .select(['name as visitorName', 'email as visitorEmail', 'userId as visitorUserId'])
          .where('site', '=', conversation.site)
          .where('id', '=', conversation.visitorId)
          .executeTakeFirst();
        const listed = { ...conversation, visitorName: null, visitorEmail: null, visitorUserId: null, ...visitor };
        return { message, conversation: listRowAfter(listed, message) };
      }),
    editMessage: (id, text) =>
      changeMessage(id, async (trx, changeSeq) =>
        changed(
          await trx
            .updateTable('messages')
            .set({ text, editedAt: now(), changeSeq })
            .where('id', '=', id)
            .where('deletedAt', 'is', null)
            .executeTakeFirst(),
        ),
      ),
    deleteMessage: (id) =>
      changeMessage(id, async (trx, changeSeq) =>
        changed(
          await trx
            .updateTable('messages')
            .set({ text: '', attachments: null, deletedAt: now(), changeSeq })
            .where('id', '=', id)
            .where('deletedAt', 'is', null)
            .executeTakeFirst(),
        ),
      ),
    changesAfter: (conversationId, change, limit) => {
      // A message's change number is its conversation's change count when it was stored,
      // and moves again only when it is edited or deleted. Until then it is its `seq` plus
      // the edits and deletes the conversation had before it, at most the conversation's
      // edits and deletes so far (last_change - last_seq): so an untouched message changed
      // after `change` has a `seq` above `change` minus that count, a short range of the
      // `(conversation_id, seq)` index, and the touched ones are read from the small index
      // that holds only them (migrations.ts). No replay scans a whole conversation.
      const after = messages(db).where('m.conversationId', '=', conversationId).where('m.changeSeq', '>', change);
      const untouchedFrom = sql<number>`${change} - (SELECT last_change - last_seq FROM conversations WHERE id = ${conversationId})`;
      const changed = after
        .where('m.seq', '>', untouchedFrom)
        .where('m.editedAt', 'is', null)
        .where('m.deletedAt', 'is', null)
        .unionAll(after.where((eb) => eb.or([eb('m.editedAt', 'is not', null), eb('m.deletedAt', 'is not', null)])));
      // Ordered outside the union: SQLite and PostgreSQL name a union's columns differently.
      return db.selectFrom(changed.as('changed')).selectAll().orderBy('changed.seq').limit(limit).execute() as Promise<
        MessageRow[]
      >;
    },
    lastMessages: async (conversationId, limit) =>
      (
        (await messages(db)
          .where('m.conversationId', '=', conversationId)
          .orderBy('m.seq', 'desc')
          .limit(limit)
          .execute()) as MessageRow[]
      ).reverse(),
    messagesBefore: async (conversationId, beforeSeq, limit) =>
      (
        (await messages(db)
          .where('m.conversationId', '=', conversationId)
          .where('m.seq', '<', beforeSeq)
          .orderBy('m.seq', 'desc')
          .limit(limit)
          .execute()) as MessageRow[]
      ).reverse(),
    countOperatorMessages: async (conversationId, afterSeq, beforeSeq) =>
      Number(
        (
          await db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
            .where('conversationId', '=', conversationId)
            .where('seq', '>', afterSeq)
            .where('seq', '<', beforeSeq)
            .where('author', '=', 'operator')
            .executeTakeFirstOrThrow()
        ).count,
      ),

    ...leadMethods(db, writer, newId, now),
    ...attachmentMethods(db, writer, newId, now),
    ...webhookMethods(db, writer, newId, now),
    ...workspaceMethods(db, writer, engine),
    ...mailMethods(db, writer, newId, now),
    ...assignmentMethods(db, writer, now),
    ...cannedMethods(db, writer, newId, now),

    createSession: (tokenHash, site, operatorId, expiresAt) =>
      writer.write(async (trx) => {
        await trx.insertInto('operatorSessions').values({ tokenHash, site, operatorId, expiresAt }).execute();
      }),
    findSession: (tokenHash) =>
      db
        .selectFrom('operatorSessions')
        .select(['site', 'operatorId'])
        .where('tokenHash', '=', tokenHash)
        .where('expiresAt', '>', now())
        .executeTakeFirst(),
    close,
  };
  return {
    ...base,
    ...dataCareMethods(db, writer, base, {
      visitor,
      conversations: (q, site, visitorId) =>
        conversations(q)
          .where('c.site', '=', site)
          .where('c.visitorId', '=', visitorId)
          .orderBy('c.createdAt')
          .execute() as Promise<ConversationRow[]>,
      messages: (q, conversationId) =>
        messages(q).where('m.conversationId', '=', conversationId).orderBy('m.seq').execute() as Promise<MessageRow[]>,
    }),
  };
}
