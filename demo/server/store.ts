/**
 * The embedded store behind one small interface, so another database is a second
 * implementation of `Store`, not a rewrite of the server. Everything a client was told
 * is stored is written before the acknowledgement goes out (SQLite in WAL mode,
 * synchronous writes, one transaction per message).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Author, ConversationStatus, Lead, LeadStatus, PageContext } from '../../src/protocol';

export interface ConversationRow {
  id: string;
  site: string;
  visitorId: string;
  status: ConversationStatus;
  operatorId: string | null;
  lastSeq: number;
  createdAt: number;
  updatedAt: number;
}

export interface MessageRow {
  id: string;
  conversationId: string;
  seq: number;
  clientId: string;
  author: Author;
  operatorId: string | null;
  text: string;
  createdAt: number;
}

export interface VisitorRow {
  id: string;
  site: string;
  name: string | null;
  email: string | null;
  createdAt: number;
  lastSeenAt: number;
}

export interface ConversationListRow extends ConversationRow {
  visitorName: string | null;
  lastAuthor: Author | null;
  lastText: string | null;
  lastAt: number | null;
}

export interface NewMessage {
  conversationId: string;
  /** Who sent it ("v:<visitor>" or "o:<operator>"): client ids are unique per sender. */
  sender: string;
  clientId: string;
  author: Author;
  operatorId: string | null;
  text: string;
}

export interface NewLead {
  site: string;
  visitorId: string;
  clientId: string;
  name?: string;
  phone?: string;
  email?: string;
  message?: string;
  context: PageContext | null;
}

export interface Store {
  touchVisitor(visitor: { id: string; site: string; name?: string; email?: string }): void;
  getVisitor(site: string, id: string): VisitorRow | undefined;
  latestConversation(site: string, visitorId: string): ConversationRow | undefined;
  openConversation(site: string, visitorId: string): { conversation: ConversationRow; created: boolean };
  getConversation(id: string): ConversationRow | undefined;
  listConversations(site: string, limit: number): ConversationListRow[];
  /** One conversation with its visitor's name and last message, as the console lists it. */
  getConversationListRow(id: string): ConversationListRow | undefined;
  assignOperator(conversationId: string, operatorId: string): boolean;
  closeConversation(conversationId: string): boolean;
  findMessage(sender: string, clientId: string): MessageRow | undefined;
  /** Stores a message once per (sender, clientId); a repeat returns the stored one. */
  appendMessage(message: NewMessage): { message: MessageRow; duplicate: boolean };
  messagesAfter(conversationId: string, seq: number, limit: number): MessageRow[];
  lastMessages(conversationId: string, limit: number): MessageRow[];
  /** Stores a request once per (site, visitor, clientId); a repeat returns the stored one. */
  insertLead(lead: NewLead): { lead: Lead; duplicate: boolean };
  findLead(site: string, visitorId: string, clientId: string): Lead | undefined;
  getLead(id: string): (Lead & { site: string }) | undefined;
  listLeads(site: string, options?: { status?: LeadStatus; since?: number; limit?: number }): Lead[];
  updateLeadStatus(id: string, status: LeadStatus, operatorId: string): Lead | undefined;
  createSession(tokenHash: string, site: string, operatorId: string, expiresAt: number): void;
  findSession(tokenHash: string): { site: string; operatorId: string } | undefined;
  close(): void;
}

/** Each entry moves the schema one version up; `PRAGMA user_version` says where a file is. */
const MIGRATIONS = [
  `CREATE TABLE visitors (
     site TEXT NOT NULL, id TEXT NOT NULL, name TEXT, email TEXT,
     created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL,
     PRIMARY KEY (site, id));
   CREATE TABLE conversations (
     id TEXT PRIMARY KEY, site TEXT NOT NULL, visitor_id TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('open', 'closed')), operator_id TEXT,
     last_seq INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
   CREATE INDEX conversations_by_visitor ON conversations (site, visitor_id, created_at);
   CREATE INDEX conversations_by_site ON conversations (site, updated_at);
   CREATE TABLE messages (
     id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL REFERENCES conversations (id),
     seq INTEGER NOT NULL, sender TEXT NOT NULL, client_id TEXT NOT NULL,
     author TEXT NOT NULL, operator_id TEXT, text TEXT NOT NULL, created_at INTEGER NOT NULL,
     UNIQUE (conversation_id, seq), UNIQUE (sender, client_id));
   CREATE TABLE operator_sessions (
     token_hash TEXT PRIMARY KEY, site TEXT NOT NULL, operator_id TEXT NOT NULL, expires_at INTEGER NOT NULL);`,
  `CREATE TABLE leads (
     id TEXT PRIMARY KEY, site TEXT NOT NULL, visitor_id TEXT NOT NULL, client_id TEXT NOT NULL,
     name TEXT, phone TEXT, email TEXT, message TEXT, context TEXT,
     status TEXT NOT NULL CHECK (status IN ('new', 'in_work', 'done')), operator_id TEXT,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
     UNIQUE (site, visitor_id, client_id));
   CREATE INDEX leads_by_site ON leads (site, created_at);`,
];

interface LeadRow {
  id: string;
  site: string;
  visitorId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  message: string | null;
  context: string | null;
  status: LeadStatus;
  operatorId: string | null;
  createdAt: number;
  updatedAt: number;
}

const LEAD_COLUMNS = `id, site, visitor_id AS visitorId, name, phone, email, message, context, status,
  operator_id AS operatorId, created_at AS createdAt, updated_at AS updatedAt`;

function toLead(row: LeadRow): Lead {
  return {
    id: row.id,
    visitorId: row.visitorId,
    ...(row.name ? { name: row.name } : {}),
    ...(row.phone ? { phone: row.phone } : {}),
    ...(row.email ? { email: row.email } : {}),
    ...(row.message ? { message: row.message } : {}),
    context: row.context ? (JSON.parse(row.context) as PageContext) : null,
    status: row.status,
    operatorId: row.operatorId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const CONVERSATION_COLUMNS = `c.id, c.site, c.visitor_id AS visitorId, c.status, c.operator_id AS operatorId,
  c.last_seq AS lastSeq, c.created_at AS createdAt, c.updated_at AS updatedAt`;
const MESSAGE_COLUMNS = `id, conversation_id AS conversationId, seq, client_id AS clientId, author,
  operator_id AS operatorId, text, created_at AS createdAt`;

const LIST_SELECT = `SELECT ${CONVERSATION_COLUMNS}, v.name AS visitorName,
    m.author AS lastAuthor, m.text AS lastText, m.created_at AS lastAt
  FROM conversations c
  LEFT JOIN visitors v ON v.site = c.site AND v.id = c.visitor_id
  LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq`;

export function openSqliteStore(dataDir: string, newId: () => string, now: () => number = Date.now): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'confab.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }

  const q = {
    touchVisitor: db.prepare(`INSERT INTO visitors (site, id, name, email, created_at, last_seen_at)
      VALUES (@site, @id, @name, @email, @now, @now)
      ON CONFLICT (site, id) DO UPDATE SET last_seen_at = @now,
        name = COALESCE(@name, name), email = COALESCE(@email, email)`),
    getVisitor: db.prepare(`SELECT id, site, name, email, created_at AS createdAt, last_seen_at AS lastSeenAt
      FROM visitors WHERE site = ? AND id = ?`),
    latest: db.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c
      WHERE c.site = ? AND c.visitor_id = ? ORDER BY c.created_at DESC, c.rowid DESC LIMIT 1`),
    openOf: db.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c
      WHERE c.site = ? AND c.visitor_id = ? AND c.status = 'open' LIMIT 1`),
    insertConversation: db.prepare(`INSERT INTO conversations (id, site, visitor_id, status, created_at, updated_at)
      VALUES (?, ?, ?, 'open', ?, ?)`),
    getConversation: db.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?`),
    list: db.prepare(`${LIST_SELECT} WHERE c.site = ? ORDER BY c.updated_at DESC LIMIT ?`),
    listRow: db.prepare(`${LIST_SELECT} WHERE c.id = ?`),
    assign: db.prepare(`UPDATE conversations SET operator_id = ?, updated_at = ? WHERE id = ? AND operator_id IS NULL`),
    close: db.prepare(`UPDATE conversations SET status = 'closed', updated_at = ? WHERE id = ? AND status = 'open'`),
    bySenderClientId: db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender = ? AND client_id = ?`),
    bumpSeq: db.prepare(`UPDATE conversations SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING last_seq AS seq`),
    insertMessage: db.prepare(`INSERT INTO messages
      (id, conversation_id, seq, sender, client_id, author, operator_id, text, created_at)
      VALUES (@id, @conversationId, @seq, @sender, @clientId, @author, @operatorId, @text, @createdAt)`),
    after: db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`),
    last: db.prepare(`SELECT * FROM (SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?
      ORDER BY seq DESC LIMIT ?) ORDER BY seq`),
    insertLead: db.prepare(`INSERT INTO leads
      (id, site, visitor_id, client_id, name, phone, email, message, context, status, created_at, updated_at)
      VALUES (@id, @site, @visitorId, @clientId, @name, @phone, @email, @message, @context, 'new', @now, @now)
      ON CONFLICT (site, visitor_id, client_id) DO NOTHING`),
    findLead: db.prepare(`SELECT ${LEAD_COLUMNS} FROM leads WHERE site = ? AND visitor_id = ? AND client_id = ?`),
    getLead: db.prepare(`SELECT ${LEAD_COLUMNS} FROM leads WHERE id = ?`),
    listLeads: db.prepare(`SELECT ${LEAD_COLUMNS} FROM leads
      WHERE site = @site AND (@status IS NULL OR status = @status) AND created_at >= @since
      ORDER BY created_at DESC LIMIT @limit`),
    updateLead: db.prepare(`UPDATE leads SET status = ?, operator_id = ?, updated_at = ? WHERE id = ?`),
    createSession: db.prepare(`INSERT INTO operator_sessions (token_hash, site, operator_id, expires_at) VALUES (?, ?, ?, ?)`),
    findSession: db.prepare(`SELECT site, operator_id AS operatorId FROM operator_sessions WHERE token_hash = ? AND expires_at > ?`),
  };

  const append = db.transaction((message: NewMessage): { message: MessageRow; duplicate: boolean } => {
    const existing = q.bySenderClientId.get(message.sender, message.clientId) as MessageRow | undefined;
    if (existing) return { message: existing, duplicate: true };
    const createdAt = now();
    const bumped = q.bumpSeq.get(createdAt, message.conversationId) as { seq: number } | undefined;
    if (!bumped) throw new Error(`conversation ${message.conversationId} does not exist`);
    const row: MessageRow = {
      id: newId(),
      conversationId: message.conversationId,
      seq: bumped.seq,
      clientId: message.clientId,
      author: message.author,
      operatorId: message.operatorId,
      text: message.text,
      createdAt,
    };
    q.insertMessage.run({ ...row, sender: message.sender });
    return { message: row, duplicate: false };
  });

  const openConversation = db.transaction((site: string, visitorId: string) => {
    const open = q.openOf.get(site, visitorId) as ConversationRow | undefined;
    if (open) return { conversation: open, created: false };
    const id = newId();
    const at = now();
    q.insertConversation.run(id, site, visitorId, at, at);
    return { conversation: q.getConversation.get(id) as ConversationRow, created: true };
  });

  return {
    touchVisitor: ({ id, site, name, email }) =>
      void q.touchVisitor.run({ id, site, name: name ?? null, email: email ?? null, now: now() }),
    getVisitor: (site, id) => q.getVisitor.get(site, id) as VisitorRow | undefined,
    latestConversation: (site, visitorId) => q.latest.get(site, visitorId) as ConversationRow | undefined,
    openConversation,
    getConversation: (id) => q.getConversation.get(id) as ConversationRow | undefined,
    listConversations: (site, limit) => q.list.all(site, limit) as ConversationListRow[],
    getConversationListRow: (id) => q.listRow.get(id) as ConversationListRow | undefined,
    assignOperator: (conversationId, operatorId) => q.assign.run(operatorId, now(), conversationId).changes === 1,
    closeConversation: (conversationId) => q.close.run(now(), conversationId).changes === 1,
    findMessage: (sender, clientId) => q.bySenderClientId.get(sender, clientId) as MessageRow | undefined,
    appendMessage: append,
    messagesAfter: (conversationId, seq, limit) => q.after.all(conversationId, seq, limit) as MessageRow[],
    lastMessages: (conversationId, limit) => q.last.all(conversationId, limit) as MessageRow[],
    insertLead(lead) {
      const id = newId();
      const inserted = q.insertLead.run({
        id,
        site: lead.site,
        visitorId: lead.visitorId,
        clientId: lead.clientId,
        name: lead.name ?? null,
        phone: lead.phone ?? null,
        email: lead.email ?? null,
        message: lead.message ?? null,
        context: lead.context ? JSON.stringify(lead.context) : null,
        now: now(),
      });
      const row = q.findLead.get(lead.site, lead.visitorId, lead.clientId) as LeadRow;
      return { lead: toLead(row), duplicate: inserted.changes === 0 };
    },
    findLead(site, visitorId, clientId) {
      const row = q.findLead.get(site, visitorId, clientId) as LeadRow | undefined;
      return row && toLead(row);
    },
    getLead(id) {
      const row = q.getLead.get(id) as LeadRow | undefined;
      return row && { ...toLead(row), site: row.site };
    },
    listLeads: (site, { status, since = 0, limit = 200 } = {}) =>
      (q.listLeads.all({ site, status: status ?? null, since, limit }) as LeadRow[]).map(toLead),
    updateLeadStatus(id, status, operatorId) {
      q.updateLead.run(status, operatorId, now(), id);
      const row = q.getLead.get(id) as LeadRow | undefined;
      return row && toLead(row);
    },
    createSession: (tokenHash, site, operatorId, expiresAt) =>
      void q.createSession.run(tokenHash, site, operatorId, expiresAt),
    findSession: (tokenHash) =>
      q.findSession.get(tokenHash, now()) as { site: string; operatorId: string } | undefined,
    close: () => db.close(),
  };
}
