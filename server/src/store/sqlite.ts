/**
 * The SQLite store. Everything a client is told is stored was written before the
 * acknowledgement goes out: WAL mode, synchronous writes, one transaction per change.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './migrations';
import { leadMethods } from './sqlite-leads';
import type { ContextSnapshot } from '../../../src/protocol';
import type { ConversationListRow, ConversationRow, MessageRow, NewMessage, PageViewRow, Store, VisitorRow } from './types';

/** Idle time after which the next connection counts as a new visit. */
const VISIT_GAP_MS = 30 * 60 * 1000;

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
const parse = <T>(value: string | null): T | null => (value ? (JSON.parse(value) as T) : null);

interface RawVisitor extends Omit<VisitorRow, 'firstTouch' | 'lastTouch' | 'env'> {
  firstTouch: string | null;
  lastTouch: string | null;
  env: string | null;
}
const toVisitor = (row: RawVisitor): VisitorRow => ({
  ...row,
  firstTouch: parse(row.firstTouch),
  lastTouch: parse(row.lastTouch),
  env: parse(row.env),
});

const CONVERSATION = `c.id, c.site, c.visitor_id AS visitorId, c.owner, c.status, c.close_reason AS closeReason,
  c.operator_id AS operatorId, c.last_seq AS lastSeq, c.last_change AS lastChange,
  c.visitor_read_seq AS visitorReadSeq, c.operator_read_seq AS operatorReadSeq,
  c.rating_state AS ratingState, c.rating_score AS ratingScore, c.rating_comment AS ratingComment,
  c.created_at AS createdAt, c.updated_at AS updatedAt`;
const MESSAGE = `m.id, m.conversation_id AS conversationId, m.seq, m.change_seq AS changeSeq, m.client_id AS clientId,
  m.author, m.operator_id AS operatorId, m.text, m.reply_to AS replyTo, r.author AS replyAuthor, r.text AS replyText,
  r.deleted_at AS replyDeletedAt, m.edited_at AS editedAt, m.deleted_at AS deletedAt, m.created_at AS createdAt`;
const MESSAGE_FROM = `FROM messages m LEFT JOIN messages r ON r.id = m.reply_to`;
const LIST = `SELECT ${CONVERSATION}, v.name AS visitorName, v.email AS visitorEmail, v.user_id AS visitorUserId,
    m.author AS lastAuthor, m.text AS lastText, m.created_at AS lastAt
  FROM conversations c
  LEFT JOIN visitors v ON v.site = c.site AND v.id = c.visitor_id
  LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq`;

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export function openSqliteStore(dataDir: string, newId: () => string, now: () => number = Date.now): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'confab.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const q = {
    touchVisitor: db.prepare(`INSERT INTO visitors
      (site, id, name, email, user_id, first_touch, last_touch, env, ip, region, visits, visit_started_at, created_at, last_seen_at)
      VALUES (@site, @id, @name, @email, @userId, @firstTouch, @lastTouch, @env, @ip, @region, 1, @now, @now, @now)
      ON CONFLICT (site, id) DO UPDATE SET
        visits = visits + (last_seen_at < @now - ${VISIT_GAP_MS}),
        visit_started_at = CASE WHEN last_seen_at < @now - ${VISIT_GAP_MS} THEN @now ELSE visit_started_at END,
        last_seen_at = @now,
        name = COALESCE(@name, name), email = COALESCE(@email, email), user_id = COALESCE(@userId, user_id),
        first_touch = COALESCE(first_touch, @firstTouch), last_touch = COALESCE(@lastTouch, last_touch),
        env = COALESCE(@env, env), ip = COALESCE(@ip, ip), region = COALESCE(@region, region)`),
    getVisitor: db.prepare(`SELECT id, site, name, email, user_id AS userId, blocked_at AS blockedAt,
      first_touch AS firstTouch, last_touch AS lastTouch, env, ip, region, visits, visit_started_at AS visitStartedAt,
      created_at AS createdAt, last_seen_at AS lastSeenAt FROM visitors WHERE site = ? AND id = ?`),
    seen: db.prepare(`UPDATE visitors SET last_seen_at = ? WHERE site = ? AND id = ?`),
    startView: db.prepare(`INSERT INTO page_views (site, visitor_id, url, title, referrer, started_at) VALUES (?, ?, ?, ?, ?, ?)`),
    endView: db.prepare(`UPDATE page_views SET ended_at = ? WHERE id = ? AND ended_at IS NULL`),
    views: db.prepare(`SELECT id, url, title, referrer, started_at AS startedAt, ended_at AS endedAt FROM page_views
      WHERE site = ? AND visitor_id = ? AND started_at >= ? ORDER BY started_at, id`),
    context: db.prepare(`SELECT context FROM conversations WHERE id = ?`),
    lastView: db.prepare(`SELECT id, url, ended_at AS endedAt FROM page_views WHERE site = ? AND visitor_id = ?
      ORDER BY started_at DESC, id DESC LIMIT 1`),
    reopenView: db.prepare(`UPDATE page_views SET ended_at = NULL WHERE id = ?`),
    block: db.prepare(`UPDATE visitors SET blocked_at = ? WHERE site = ? AND id = ?`),
    blocked: db.prepare(`SELECT 1 FROM visitors WHERE site = @site AND blocked_at IS NOT NULL
      AND (id = @visitorId OR (@userId IS NOT NULL AND user_id = @userId)) LIMIT 1`),
    latest: db.prepare(`SELECT ${CONVERSATION} FROM conversations c
      WHERE c.site = ? AND c.owner = ? ORDER BY c.created_at DESC, c.rowid DESC LIMIT 1`),
    recent: db.prepare(`SELECT * FROM (SELECT ${CONVERSATION} FROM conversations c
      WHERE c.site = ? AND c.owner = ? ORDER BY c.created_at DESC, c.rowid DESC LIMIT ?) ORDER BY createdAt`),
    openOf: db.prepare(`SELECT ${CONVERSATION} FROM conversations c
      WHERE c.site = ? AND c.owner = ? AND c.status = 'open' LIMIT 1`),
    insertConversation: db.prepare(`INSERT INTO conversations (id, site, visitor_id, owner, status, context, created_at, updated_at)
      VALUES (?, ?, ?, ?, 'open', ?, ?, ?)`),
    adopt: db.prepare(`UPDATE conversations SET owner = @owner
      WHERE site = @site AND owner = 'v:' || @visitorId`),
    get: db.prepare(`SELECT ${CONVERSATION} FROM conversations c WHERE c.id = ?`),
    list: db.prepare(`${LIST} WHERE c.site = ? ORDER BY c.updated_at DESC LIMIT ?`),
    listRow: db.prepare(`${LIST} WHERE c.id = ?`),
    assign: db.prepare(`UPDATE conversations SET operator_id = ?, updated_at = ? WHERE id = ? AND operator_id IS NULL`),
    close: db.prepare(`UPDATE conversations SET status = 'closed', close_reason = @reason, updated_at = @now,
      rating_state = CASE WHEN @reason = 'spam' THEN NULL ELSE 'pending' END
      WHERE id = @id AND status = 'open'`),
    idle: db.prepare(`SELECT ${CONVERSATION} FROM conversations c WHERE c.status = 'open' AND c.updated_at < ?`),
    readVisitor: db.prepare(`UPDATE conversations SET visitor_read_seq = ? WHERE id = ? AND visitor_read_seq < ?`),
    readOperator: db.prepare(`UPDATE conversations SET operator_read_seq = ? WHERE id = ? AND operator_read_seq < ?`),
    rate: db.prepare(`UPDATE conversations SET rating_state = ?, rating_score = ?, rating_comment = ? WHERE id = ?`),
    bySender: db.prepare(`SELECT ${MESSAGE} ${MESSAGE_FROM} WHERE m.sender = ? AND m.client_id = ?`),
    message: db.prepare(`SELECT ${MESSAGE} ${MESSAGE_FROM} WHERE m.id = ?`),
    bump: db.prepare(`UPDATE conversations SET last_seq = last_seq + 1, last_change = last_change + 1, updated_at = ?
      WHERE id = ? RETURNING last_seq AS seq, last_change AS change`),
    bumpChange: db.prepare(`UPDATE conversations SET last_change = last_change + 1 WHERE id = ? RETURNING last_change AS change`),
    insertMessage: db.prepare(`INSERT INTO messages
      (id, conversation_id, seq, change_seq, sender, client_id, author, operator_id, text, reply_to, created_at)
      VALUES (@id, @conversationId, @seq, @change, @sender, @clientId, @author, @operatorId, @text, @replyTo, @createdAt)`),
    edit: db.prepare(`UPDATE messages SET text = ?, edited_at = ?, change_seq = ? WHERE id = ? AND deleted_at IS NULL`),
    remove: db.prepare(`UPDATE messages SET text = '', deleted_at = ?, change_seq = ? WHERE id = ? AND deleted_at IS NULL`),
    changes: db.prepare(`SELECT ${MESSAGE} ${MESSAGE_FROM} WHERE m.conversation_id = ? AND m.change_seq > ?
      ORDER BY m.seq LIMIT ?`),
    last: db.prepare(`SELECT * FROM (SELECT ${MESSAGE} ${MESSAGE_FROM} WHERE m.conversation_id = ?
      ORDER BY m.seq DESC LIMIT ?) ORDER BY seq`),
    createSession: db.prepare(`INSERT INTO operator_sessions (token_hash, site, operator_id, expires_at) VALUES (?, ?, ?, ?)`),
    findSession: db.prepare(`SELECT site, operator_id AS operatorId FROM operator_sessions WHERE token_hash = ? AND expires_at > ?`),
  };

  const message = (id: string) => q.message.get(id) as MessageRow | undefined;

  const append = db.transaction((input: NewMessage): { message: MessageRow; duplicate: boolean } => {
    const existing = q.bySender.get(input.sender, input.clientId) as MessageRow | undefined;
    if (existing) return { message: existing, duplicate: true };
    const createdAt = now();
    const bumped = q.bump.get(createdAt, input.conversationId) as { seq: number; change: number } | undefined;
    if (!bumped) throw new Error(`conversation ${input.conversationId} does not exist`);
    const id = newId();
    q.insertMessage.run({
      id,
      conversationId: input.conversationId,
      seq: bumped.seq,
      change: bumped.change,
      sender: input.sender,
      clientId: input.clientId,
      author: input.author,
      operatorId: input.operatorId,
      text: input.text,
      replyTo: input.replyTo ?? null,
      createdAt,
    });
    return { message: message(id)!, duplicate: false };
  });

  /** Edits and deletes take the next change number, so reconnecting clients replay them. */
  const changeMessage = db.transaction((id: string, apply: (changeSeq: number) => number): MessageRow | undefined => {
    const row = message(id);
    if (!row || row.deletedAt) return undefined;
    const { change: changeSeq } = q.bumpChange.get(row.conversationId) as { change: number };
    return apply(changeSeq) === 1 ? message(id) : undefined;
  });

  const openConversation = db.transaction((site: string, owner: string, visitorId: string, context?: ContextSnapshot) => {
    const open = q.openOf.get(site, owner) as ConversationRow | undefined;
    if (open) return { conversation: open, created: false };
    const id = newId();
    const at = now();
    q.insertConversation.run(id, site, visitorId, owner, json(context), at, at);
    return { conversation: q.get.get(id) as ConversationRow, created: true };
  });

  return {
    touchVisitor(v) {
      q.touchVisitor.run({
        id: v.id,
        site: v.site,
        name: v.name ?? null,
        email: v.email ?? null,
        userId: v.userId ?? null,
        firstTouch: json(v.firstTouch),
        lastTouch: json(v.lastTouch),
        env: json(v.env),
        ip: v.ip ?? null,
        region: v.region ?? null,
        now: now(),
      });
      return toVisitor(q.getVisitor.get(v.site, v.id) as RawVisitor);
    },
    getVisitor(site, id) {
      const row = q.getVisitor.get(site, id) as RawVisitor | undefined;
      return row && toVisitor(row);
    },
    conversationContext: (id) => parse<ContextSnapshot>((q.context.get(id) as { context: string | null } | undefined)?.context ?? null),
    startPageView(site, visitorId, page) {
      const at = now();
      q.seen.run(at, site, visitorId);
      return Number(q.startView.run(site, visitorId, page.url, page.title ?? null, page.referrer ?? null, at).lastInsertRowid);
    },
    endPageView: (id) => void q.endView.run(now(), id),
    resumePageView(site, visitorId, url, withinMs) {
      const last = q.lastView.get(site, visitorId) as { id: number; url: string; endedAt: number | null } | undefined;
      if (!last || last.url !== url || (last.endedAt !== null && last.endedAt < now() - withinMs)) return undefined;
      q.reopenView.run(last.id);
      q.seen.run(now(), site, visitorId);
      return last.id;
    },
    pageViews: (site, visitorId, since = 0) => q.views.all(site, visitorId, since) as PageViewRow[],
    blockVisitor: (site, id) => void q.block.run(now(), site, id),
    isBlocked: (site, owner, visitorId) =>
      q.blocked.get({ site, visitorId, userId: owner.startsWith('u:') ? owner.slice(2) : null }) !== undefined,
    latestConversation: (site, owner) => q.latest.get(site, owner) as ConversationRow | undefined,
    recentConversations: (site, owner, limit) => q.recent.all(site, owner, limit) as ConversationRow[],
    openConversation,
    adoptConversations: (site, visitorId, owner) => void q.adopt.run({ site, visitorId, owner }),
    getConversation: (id) => q.get.get(id) as ConversationRow | undefined,
    listConversations: (site, limit) => q.list.all(site, limit) as ConversationListRow[],
    getConversationListRow: (id) => q.listRow.get(id) as ConversationListRow | undefined,
    assignOperator: (conversationId, operatorId) => q.assign.run(operatorId, now(), conversationId).changes === 1,
    closeConversation: (id, reason) => q.close.run({ id, reason, now: now() }).changes === 1,
    idleConversations: (before) => q.idle.all(before) as ConversationRow[],
    markRead: (conversationId, by, seq) =>
      (by === 'visitor' ? q.readVisitor : q.readOperator).run(seq, conversationId, seq).changes === 1,
    setRating: (conversationId, state, score, comment) => void q.rate.run(state, score, comment, conversationId),
    findMessage: (sender, clientId) => q.bySender.get(sender, clientId) as MessageRow | undefined,
    getMessage: message,
    appendMessage: append,
    editMessage: (id, text) => changeMessage(id, (seq) => q.edit.run(text, now(), seq, id).changes),
    deleteMessage: (id) => changeMessage(id, (seq) => q.remove.run(now(), seq, id).changes),
    changesAfter: (conversationId, after, limit) => q.changes.all(conversationId, after, limit) as MessageRow[],
    lastMessages: (conversationId, limit) => q.last.all(conversationId, limit) as MessageRow[],
    ...leadMethods(db, newId, now),
    createSession: (tokenHash, site, operatorId, expiresAt) =>
      void q.createSession.run(tokenHash, site, operatorId, expiresAt),
    findSession: (tokenHash) => q.findSession.get(tokenHash, now()) as { site: string; operatorId: string } | undefined,
    close: () => db.close(),
  };
}
