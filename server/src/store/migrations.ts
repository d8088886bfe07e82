/**
 * The SQLite schema, as steps: each entry moves a database one version up, and
 * `PRAGMA user_version` records how far a file has come. Never edit a step that has
 * shipped; add the next one.
 */
import {
  WEBHOOK_OUTBOX,
  SPAM_QUARANTINE,
  ASSIGNMENT_AND_CANNED_REPLIES,
  ATTACHMENTS,
  EMAIL_OUTBOX,
  SYSTEM_LINE_CODES,
  CONVERSATION_REVISION,
} from './portable-steps';
import { sqliteFoldedText, visitorSearchText } from './search-folding';
import { sqliteFoldedTextV1 } from './search-folding-v1';

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
  WEBHOOK_OUTBOX,
  SPAM_QUARANTINE,
  ASSIGNMENT_AND_CANNED_REPLIES,
  ATTACHMENTS,
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
  EMAIL_OUTBOX,
  SYSTEM_LINE_CODES,
  // Search keyed by a stable number: the index above points at messages' implicit rowid,
  // which VACUUM may renumber (messages has a TEXT key), leaving search finding nothing.
  // Each message now gets a key of its own (an INTEGER PRIMARY KEY, which VACUUM keeps)
  // in message_search_keys, and a contentless index holds the words under that key.
  `DROP TRIGGER messages_fts_insert;
   DROP TRIGGER messages_fts_delete;
   DROP TRIGGER messages_fts_update;
   DROP TABLE messages_fts;
   CREATE TABLE message_search_keys (key INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE);
   CREATE VIRTUAL TABLE message_search USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
   INSERT INTO message_search_keys (message_id) SELECT id FROM messages ORDER BY created_at, id;
   INSERT INTO message_search (rowid, text)
     SELECT k.key, m.text FROM message_search_keys k JOIN messages m ON m.id = k.message_id;
   CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
     INSERT INTO message_search_keys (message_id) VALUES (new.id);
     INSERT INTO message_search (rowid, text)
       VALUES ((SELECT key FROM message_search_keys WHERE message_id = new.id), new.text);
   END;
   CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
     DELETE FROM message_search WHERE rowid = (SELECT key FROM message_search_keys WHERE message_id = old.id);
     DELETE FROM message_search_keys WHERE message_id = old.id;
   END;
   CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages BEGIN
     DELETE FROM message_search WHERE rowid = (SELECT key FROM message_search_keys WHERE message_id = new.id);
     INSERT INTO message_search (rowid, text)
       VALUES ((SELECT key FROM message_search_keys WHERE message_id = new.id), new.text);
   END;`,
  // Search indexed a moment later, in batches (sqlite-search-index.ts): words went into
  // the index inside each message's own write, the largest part of storing a message.
  // A message still gets its key at once; the index holds every key up to
  // `indexed_through`, and the keys above it wait for the next batch. Keys only grow (one
  // above both the largest key and the mark), so a key the index has seen is never given
  // to another message. Edits and deletes touch the index only for keys it holds; a
  // waiting message is indexed with whatever text it has when its batch runs.
  `CREATE TABLE message_search_progress (
     id INTEGER PRIMARY KEY CHECK (id = 1), indexed_through INTEGER NOT NULL);
   INSERT INTO message_search_progress (id, indexed_through)
     VALUES (1, COALESCE((SELECT max(key) FROM message_search_keys), 0));
   DROP TRIGGER message_search_insert;
   DROP TRIGGER message_search_delete;
   DROP TRIGGER message_search_update;
   CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
     INSERT INTO message_search_keys (key, message_id)
       VALUES (1 + max(COALESCE((SELECT max(key) FROM message_search_keys), 0),
                       (SELECT indexed_through FROM message_search_progress)), new.id);
   END;
   CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
     DELETE FROM message_search
       WHERE rowid = (SELECT key FROM message_search_keys WHERE message_id = old.id)
         AND rowid <= (SELECT indexed_through FROM message_search_progress);
     DELETE FROM message_search_keys WHERE message_id = old.id;
   END;
   CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages
     WHEN (SELECT key FROM message_search_keys WHERE message_id = new.id)
          <= (SELECT indexed_through FROM message_search_progress)
   BEGIN
     DELETE FROM message_search WHERE rowid = (SELECT key FROM message_search_keys WHERE message_id = new.id);
     INSERT INTO message_search (rowid, text)
       VALUES ((SELECT key FROM message_search_keys WHERE message_id = new.id), new.text);
   END;`,
  // The search key moves onto the message row, as the table's INTEGER PRIMARY KEY (its
  // rowid, which VACUUM keeps): message_search_keys gave every stored message one more
  // row and one more entry in a unique index of random ids (a page written per message
  // at each commit): without them the store alone spent about a fifth less CPU per
  // message (100 senders, one group commit per turn). SQLite cannot change a table's key in place, so the table is rebuilt, each
  // message keeping its key. AUTOINCREMENT: a key is never given twice, not even the
  // newest one's after it was deleted, and it starts above the index's mark, so a key
  // the index has seen never comes back (the guarantee the insert trigger gave before).
  `CREATE TABLE messages_keyed (
     search_key INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE, conversation_id TEXT NOT NULL REFERENCES conversations (id),
     seq INTEGER NOT NULL, sender TEXT NOT NULL, client_id TEXT NOT NULL,
     author TEXT NOT NULL, operator_id TEXT, text TEXT NOT NULL, created_at INTEGER NOT NULL,
     change_seq INTEGER NOT NULL DEFAULT 0, reply_to TEXT, edited_at INTEGER, deleted_at INTEGER,
     attachments TEXT, system TEXT,
     UNIQUE (conversation_id, seq), UNIQUE (sender, client_id));
   INSERT INTO sqlite_sequence (name, seq)
     SELECT 'messages_keyed', max(COALESCE((SELECT max(key) FROM message_search_keys), 0), indexed_through)
     FROM message_search_progress;
   INSERT INTO messages_keyed (search_key, id, conversation_id, seq, sender, client_id, author, operator_id,
       text, created_at, change_seq, reply_to, edited_at, deleted_at, attachments, system)
     SELECT k.key, m.id, m.conversation_id, m.seq, m.sender, m.client_id, m.author, m.operator_id,
       m.text, m.created_at, m.change_seq, m.reply_to, m.edited_at, m.deleted_at, m.attachments, m.system
     FROM messages m LEFT JOIN message_search_keys k ON k.message_id = m.id
     ORDER BY k.key IS NULL, k.key, m.created_at;
   DROP TRIGGER message_search_insert;
   DROP TRIGGER message_search_delete;
   DROP TRIGGER message_search_update;
   DROP TABLE message_search_keys;
   DROP TABLE messages;
   ALTER TABLE messages_keyed RENAME TO messages;
   CREATE INDEX messages_by_change ON messages (conversation_id, change_seq);
   CREATE TRIGGER message_search_delete AFTER DELETE ON messages
     WHEN old.search_key <= (SELECT indexed_through FROM message_search_progress)
   BEGIN
     DELETE FROM message_search WHERE rowid = old.search_key;
   END;
   CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages
     WHEN new.search_key <= (SELECT indexed_through FROM message_search_progress)
   BEGIN
     DELETE FROM message_search WHERE rowid = new.search_key;
     INSERT INTO message_search (rowid, text) VALUES (new.search_key, new.text);
   END;`,
  // Search folds ё into е (src/protocol/search-words.ts). FTS5's tokenizer drops Latin
  // accents but not this one, so text is folded on its way in (search-folding.ts): the
  // batch indexer and the edit trigger both, and what the index already holds with ё or
  // Ё is indexed again, folded. The messages themselves are not changed.
  `DROP TRIGGER message_search_update;
   CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages
     WHEN new.search_key <= (SELECT indexed_through FROM message_search_progress)
   BEGIN
     DELETE FROM message_search WHERE rowid = new.search_key;
     INSERT INTO message_search (rowid, text) VALUES (new.search_key, ${sqliteFoldedTextV1('new.text')});
   END;
   DELETE FROM message_search WHERE rowid IN
     (SELECT search_key FROM messages
      WHERE search_key <= (SELECT indexed_through FROM message_search_progress)
        AND (instr(text, 'ё') > 0 OR instr(text, 'Ё') > 0));
   INSERT INTO message_search (rowid, text)
     SELECT search_key, ${sqliteFoldedTextV1('text')} FROM messages
     WHERE search_key <= (SELECT indexed_through FROM message_search_progress)
       AND (instr(text, 'ё') > 0 OR instr(text, 'Ё') > 0);`,
  // Search writes the Latin letters no accent-dropping reaches (ł, ß, æ, ø, Turkish ı, …)
  // as a keyboard without them does (src/protocol/search-words.ts): the edit trigger folds
  // by the new rule, and what the index holds that the new rule folds differently is
  // indexed again. And visitors are found by the words of their name and e-mail, folded
  // alike, through an index of their own: the search scanned every visitor's lower(name),
  // which on SQLite lowers A–Z only. Its key is a column of the visitor (an index row's
  // key must survive VACUUM, which may renumber visitors' own rowids); only a visitor with
  // a name or an e-mail has one. The visitors and messages themselves are not changed.
  `DROP TRIGGER message_search_update;
   CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages
     WHEN new.search_key <= (SELECT indexed_through FROM message_search_progress)
   BEGIN
     DELETE FROM message_search WHERE rowid = new.search_key;
     INSERT INTO message_search (rowid, text) VALUES (new.search_key, ${sqliteFoldedText('new.text')});
   END;
   CREATE TEMP TABLE refolded AS
     SELECT search_key FROM messages
     WHERE search_key <= (SELECT indexed_through FROM message_search_progress)
       AND ${sqliteFoldedText('text')} <> ${sqliteFoldedTextV1('text')};
   DELETE FROM message_search WHERE rowid IN (SELECT search_key FROM refolded);
   INSERT INTO message_search (rowid, text)
     SELECT search_key, ${sqliteFoldedText('text')} FROM messages WHERE search_key IN (SELECT search_key FROM refolded);
   DROP TABLE refolded;
   ALTER TABLE visitors ADD COLUMN search_key INTEGER;
   CREATE UNIQUE INDEX visitors_by_search_key ON visitors (search_key);
   CREATE VIRTUAL TABLE visitor_search USING fts5(words, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
   UPDATE visitors SET search_key = rowid WHERE name IS NOT NULL OR email IS NOT NULL;
   INSERT INTO visitor_search (rowid, words)
     SELECT search_key, ${sqliteFoldedText(visitorSearchText('name', 'email'))} FROM visitors WHERE search_key IS NOT NULL;
   CREATE TRIGGER visitor_search_insert AFTER INSERT ON visitors
     WHEN new.name IS NOT NULL OR new.email IS NOT NULL
   BEGIN
     UPDATE visitors SET search_key = (SELECT coalesce(max(search_key), 0) + 1 FROM visitors)
       WHERE site = new.site AND id = new.id;
     INSERT INTO visitor_search (rowid, words)
       SELECT search_key, ${sqliteFoldedText(visitorSearchText('new.name', 'new.email'))}
       FROM visitors WHERE site = new.site AND id = new.id;
   END;
   CREATE TRIGGER visitor_search_update AFTER UPDATE OF name, email ON visitors
     WHEN old.name IS NOT new.name OR old.email IS NOT new.email
   BEGIN
     DELETE FROM visitor_search WHERE rowid = old.search_key;
     UPDATE visitors SET search_key = (SELECT coalesce(max(search_key), 0) + 1 FROM visitors)
       WHERE site = new.site AND id = new.id AND search_key IS NULL;
     INSERT INTO visitor_search (rowid, words)
       SELECT search_key, ${sqliteFoldedText(visitorSearchText('new.name', 'new.email'))}
       FROM visitors WHERE site = new.site AND id = new.id;
   END;
   CREATE TRIGGER visitor_search_delete AFTER DELETE ON visitors WHEN old.search_key IS NOT NULL
   BEGIN
     DELETE FROM visitor_search WHERE rowid = old.search_key;
   END;`,
  CONVERSATION_REVISION,
  // Replay after a reconnect no longer needs every message in a `(conversation_id,
  // change_seq)` index, which took a page write per message at each commit, at its
  // conversation's place (100 conversations in a commit: 100 pages). A message's change
  // number moves only when it is edited or deleted; until then it follows its `seq` at a
  // distance that never shrinks, so the untouched ones a replay needs lie within a `seq`
  // range (kysely-store.ts, changesAfter) and only the edited and deleted ones are indexed.
  `DROP INDEX messages_by_change;
   CREATE INDEX messages_changed ON messages (conversation_id, change_seq)
     WHERE edited_at IS NOT NULL OR deleted_at IS NOT NULL;`,
];
