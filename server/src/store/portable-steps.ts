/**
 * Migration steps whose SQL is the same on SQLite and PostgreSQL (portable types only:
 * TEXT, INTEGER, BIGINT, CHECK, partial indexes). Each engine's list (migrations.ts,
 * pg-migrations.ts) takes them in its own place; steps differ per engine only where the
 * dialects do (the first schema's key types, full-text search). Never edit one that has
 * shipped: both engines' databases recorded it as done.
 */

/**
 * Webhooks go through an outbox: delivered with retries across restarts, visible to the owner.
 */
export const WEBHOOK_OUTBOX = `CREATE TABLE webhook_deliveries (
     id TEXT PRIMARY KEY, site TEXT NOT NULL, url TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
     attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL, last_error TEXT,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
   CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
   CREATE INDEX webhook_deliveries_by_site ON webhook_deliveries (site, created_at);`;

/**
 * Requests judged as spam are kept, quarantined with the reason, until an operator says "Not spam".
 */
export const SPAM_QUARANTINE = `ALTER TABLE leads ADD COLUMN spam_reason TEXT CHECK (spam_reason IN ('honeypot', 'too_fast', 'visitor_limit', 'ip_limit'));
   CREATE INDEX leads_spam ON leads (site, spam_reason, created_at);`;

/**
 * Assignment and canned replies: the latest hand-over of a conversation with its comment,
 * and canned replies kept on the server (an operator's own, or the site's shared ones
 * from the owner API: operator_id NULL).
 */
export const ASSIGNMENT_AND_CANNED_REPLIES = `ALTER TABLE conversations ADD COLUMN transfer_from TEXT;
   ALTER TABLE conversations ADD COLUMN transfer_comment TEXT;
   ALTER TABLE conversations ADD COLUMN transfer_at BIGINT;
   CREATE INDEX conversations_by_operator ON conversations (site, operator_id, status);
   CREATE TABLE canned_replies (
     id TEXT PRIMARY KEY, site TEXT NOT NULL, operator_id TEXT, title TEXT NOT NULL, text TEXT NOT NULL,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
   CREATE INDEX canned_replies_by_owner ON canned_replies (site, operator_id, created_at);`;

/**
 * Attachments: one row per upload, from its grant to its message. A message keeps what it
 * shows of its attachments (JSON) so history needs no second query; the row holds the file.
 */
export const ATTACHMENTS = `CREATE TABLE attachments (
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
   ALTER TABLE messages ADD COLUMN attachments TEXT;`;

/**
 * E-mail follow-up goes through an outbox like webhooks; `follow_up_email` is the only
 * address mail may go to: typed by the visitor (request form, transcript field) or from
 * a verified identity, never a data-email hint.
 */
export const EMAIL_OUTBOX = `ALTER TABLE visitors ADD COLUMN follow_up_email TEXT;
   CREATE TABLE email_outbox (
     id TEXT PRIMARY KEY, site TEXT NOT NULL, kind TEXT NOT NULL, dedupe_key TEXT NOT NULL UNIQUE,
     conversation_id TEXT, to_address TEXT NOT NULL, subject TEXT NOT NULL, text TEXT NOT NULL, html TEXT,
     status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
     attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL, last_error TEXT,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
   CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);`;

/**
 * Server-written lines ("Anna passed the chat to Max.") keep what they say as a code and
 * parameters (JSON), so each visitor's widget can say it in the visitor's language; `text`
 * keeps the English line for the console, transcripts and search.
 */
export const SYSTEM_LINE_CODES = `ALTER TABLE messages ADD COLUMN system TEXT;`;

/**
 * Conversation summaries carry a revision: every write to a conversation's row raises it,
 * so a console told two summaries of one chat that crossed on their way keeps the newer.
 */
export const CONVERSATION_REVISION = `ALTER TABLE conversations ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;`;
