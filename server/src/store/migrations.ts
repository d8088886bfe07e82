/**
 * The SQLite schema, as steps: each entry moves a database one version up, and
 * `PRAGMA user_version` records how far a file has come. Never edit a step that has
 * shipped; add the next one.
 */
export const MIGRATIONS = [
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
  // The conversation lifecycle. `owner` is whose conversation it is: "v:<visitor id>", or
  // "u:<user id>" for a verified user on any device. `change_seq` numbers every insert,
  // edit and delete in a conversation, so a reconnecting client is sent edits too.
  `ALTER TABLE conversations ADD COLUMN owner TEXT;
   UPDATE conversations SET owner = 'v:' || visitor_id;
   CREATE INDEX conversations_by_owner ON conversations (site, owner, created_at);
   ALTER TABLE conversations ADD COLUMN last_change INTEGER NOT NULL DEFAULT 0;
   UPDATE conversations SET last_change = last_seq;
   ALTER TABLE conversations ADD COLUMN close_reason TEXT;
   ALTER TABLE conversations ADD COLUMN visitor_read_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE conversations ADD COLUMN operator_read_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE conversations ADD COLUMN rating_score INTEGER;
   ALTER TABLE conversations ADD COLUMN rating_comment TEXT;
   ALTER TABLE conversations ADD COLUMN rating_state TEXT;
   ALTER TABLE messages ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
   UPDATE messages SET change_seq = seq;
   ALTER TABLE messages ADD COLUMN reply_to TEXT;
   ALTER TABLE messages ADD COLUMN edited_at INTEGER;
   ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
   ALTER TABLE visitors ADD COLUMN user_id TEXT;
   ALTER TABLE visitors ADD COLUMN blocked_at INTEGER;`,
  // Visitor context: first and last touch, environment, network, visits, and page views
  // with time on page. Conversations and requests keep a snapshot of it at their start.
  `ALTER TABLE visitors ADD COLUMN first_touch TEXT;
   ALTER TABLE visitors ADD COLUMN last_touch TEXT;
   ALTER TABLE visitors ADD COLUMN env TEXT;
   ALTER TABLE visitors ADD COLUMN ip TEXT;
   ALTER TABLE visitors ADD COLUMN region TEXT;
   ALTER TABLE visitors ADD COLUMN visits INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE visitors ADD COLUMN visit_started_at INTEGER NOT NULL DEFAULT 0;
   UPDATE visitors SET visit_started_at = last_seen_at;
   ALTER TABLE conversations ADD COLUMN context TEXT;
   ALTER TABLE leads ADD COLUMN snapshot TEXT;
   CREATE TABLE page_views (
     id INTEGER PRIMARY KEY, site TEXT NOT NULL, visitor_id TEXT NOT NULL,
     url TEXT NOT NULL, title TEXT, referrer TEXT, started_at INTEGER NOT NULL, ended_at INTEGER);
   CREATE INDEX page_views_by_visitor ON page_views (site, visitor_id, started_at);`,
  // The hot path: blocked users are found by user id, not by scanning the site's visitors;
  // the idle sweep reads open conversations only; replay reads one conversation's changes.
  `CREATE INDEX visitors_by_user ON visitors (site, user_id);
   CREATE INDEX conversations_open ON conversations (status, updated_at);
   CREATE INDEX messages_by_change ON messages (conversation_id, change_seq);`,
  // Webhooks go through an outbox: delivered with retries across restarts, visible to the owner.
  `CREATE TABLE webhook_deliveries (
     id TEXT PRIMARY KEY, site TEXT NOT NULL, url TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
     attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL, last_error TEXT,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
   CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
   CREATE INDEX webhook_deliveries_by_site ON webhook_deliveries (site, created_at);`,
  // Requests judged as spam are kept, quarantined with the reason, until an operator says "Not spam".
  `ALTER TABLE leads ADD COLUMN spam_reason TEXT CHECK (spam_reason IN ('honeypot', 'too_fast', 'visitor_limit', 'ip_limit'));
   CREATE INDEX leads_spam ON leads (site, spam_reason, created_at);`,
  // Assignment and canned replies: the latest hand-over of a conversation with its comment,
  // and canned replies kept on the server (an operator's own, or the site's shared ones
  // from the owner API: operator_id NULL).
  `ALTER TABLE conversations ADD COLUMN transfer_from TEXT;
   ALTER TABLE conversations ADD COLUMN transfer_comment TEXT;
   ALTER TABLE conversations ADD COLUMN transfer_at BIGINT;
   CREATE INDEX conversations_by_operator ON conversations (site, operator_id, status);
   CREATE TABLE canned_replies (
     id TEXT PRIMARY KEY, site TEXT NOT NULL, operator_id TEXT, title TEXT NOT NULL, text TEXT NOT NULL,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
   CREATE INDEX canned_replies_by_owner ON canned_replies (site, operator_id, created_at);`,
  // Attachments: one row per upload, from its grant to its message. A message keeps what it
  // shows of its attachments (JSON) so history needs no second query; the row holds the file.
  `CREATE TABLE attachments (
     id TEXT PRIMARY KEY, site TEXT NOT NULL, sender TEXT NOT NULL, upload_key TEXT NOT NULL,
     visitor_id TEXT NOT NULL, conversation_id TEXT, message_id TEXT,
     status TEXT NOT NULL CHECK (status IN ('granted', 'uploading', 'ready')),
     grant_hash TEXT, grant_expires_at BIGINT,
     name TEXT NOT NULL, declared_mime TEXT NOT NULL, declared_size BIGINT NOT NULL,
     mime TEXT, kind TEXT CHECK (kind IN ('image', 'file', 'voice')), size BIGINT,
     width INTEGER, height INTEGER, duration_ms INTEGER, storage_key TEXT,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
     UNIQUE (sender, upload_key));
   CREATE UNIQUE INDEX attachments_by_grant ON attachments (grant_hash);
   CREATE INDEX attachments_by_message ON attachments (message_id);
   CREATE INDEX attachments_by_visitor ON attachments (site, visitor_id);
   CREATE INDEX attachments_by_conversation ON attachments (conversation_id);
   CREATE INDEX attachments_unattached ON attachments (created_at) WHERE message_id IS NULL;
   ALTER TABLE messages ADD COLUMN attachments TEXT;`,
  // Search: message text in an FTS5 index (external content: the text is stored once, in
  // messages; triggers keep the index in step with inserts, edits and deletes).
  `CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
   INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
   CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
     INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
   END;
   CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
     INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
   END;
   CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
     INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
     INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
   END;`,
  // E-mail follow-up goes through an outbox like webhooks; `follow_up_email` is the only
  // address mail may go to: typed by the visitor (request form, transcript field) or from
  // a verified identity, never a data-email hint.
  `ALTER TABLE visitors ADD COLUMN follow_up_email TEXT;
   CREATE TABLE email_outbox (
     id TEXT PRIMARY KEY, site TEXT NOT NULL, kind TEXT NOT NULL, dedupe_key TEXT NOT NULL UNIQUE,
     conversation_id TEXT, to_address TEXT NOT NULL, subject TEXT NOT NULL, text TEXT NOT NULL, html TEXT,
     status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
     attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL, last_error TEXT,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
   CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);`,
];
