/**
 * A visitor's message into their open conversation, on SQLite only, as two prepared
 * better-sqlite3 statements. The portable path (`appendToOpenConversation` in
 * kysely-store.ts) is the reference and stays the path on PostgreSQL; this one must give
 * the same rows and the same answers (tests/integration/append-paths.test.ts runs both).
 *
 * Why a path of its own: it is the one write every visitor message makes, and measured
 * on the store benchmark it was most of the server's time. The portable path runs a
 * resend lookup, the numbering update and the insert, each through Kysely's async
 * executor, inside a savepoint; and SQLite's full-text index writes its pending rows
 * out at every savepoint, so each message cost the index a segment of its own. Here:
 *
 *   1. one INSERT … SELECT numbers the message from the owner's open conversation (unless
 *      the visitor or their user is blocked) and skips a resend (ON CONFLICT on the
 *      client id): no row back means "not here", and nothing was written;
 *   2. one UPDATE moves the conversation's numbers to the message's and returns the row,
 *      with the visitor's name and e-mail (the consoles' list row, without a read).
 *
 * SQLite has a single writer and both run in the group commit's transaction, so the
 * numbers the insert read are still the conversation's when the update runs. The write
 * takes back what it did when it fails (a failed statement is undone by SQLite; if the
 * update failed, the insert is deleted), so it runs without a savepoint of its own.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { appendArgs, listRowAfter, visitorMessageRow } from './types';
import type { AppendArgs, AppendResult, ConversationRow, ListedVisitor, NewVisitorMessage } from './types';

export function sqliteAppender(raw: BetterSqlite3.Database, newId: () => string, now: () => number) {
  const insert = raw.prepare<
    AppendArgs,
    { seq: number; changeSeq: number; conversationId: string }
  >(`INSERT INTO messages
       (id, conversation_id, seq, change_seq, sender, client_id, author, operator_id, text, reply_to, created_at, attachments)
     SELECT @id, c.id, c.last_seq + 1, c.last_change + 1, @sender, @clientId, 'visitor', NULL, @text, NULL, @at, NULL
     FROM conversations c
     WHERE c.id = (SELECT id FROM conversations
                   WHERE site = @site AND owner = @owner AND status = 'open'
                   ORDER BY created_at DESC LIMIT 1)
       AND NOT EXISTS (SELECT 1 FROM visitors WHERE site = @site AND id = @visitorId AND blocked_at IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM visitors WHERE site = @site AND user_id = @userId AND blocked_at IS NOT NULL)
     ON CONFLICT (sender, client_id) DO NOTHING
     RETURNING seq, change_seq AS changeSeq, conversation_id AS conversationId`);

  const bump = raw.prepare<{ id: string; seq: number; change: number; at: number }, ConversationRow & ListedVisitor>(
    `UPDATE conversations SET last_seq = @seq, last_change = @change, revision = revision + 1, updated_at = @at
     WHERE id = @id
     RETURNING id, site, visitor_id AS visitorId, owner, status, close_reason AS closeReason,
       operator_id AS operatorId, last_seq AS lastSeq, last_change AS lastChange,
       visitor_read_seq AS visitorReadSeq, operator_read_seq AS operatorReadSeq,
       rating_state AS ratingState, rating_score AS ratingScore, rating_comment AS ratingComment,
       transfer_from AS transferFrom, transfer_comment AS transferComment, transfer_at AS transferAt,
       revision, created_at AS createdAt, updated_at AS updatedAt,
       (SELECT name FROM visitors v WHERE v.site = conversations.site AND v.id = conversations.visitor_id) AS visitorName,
       (SELECT email FROM visitors v WHERE v.site = conversations.site AND v.id = conversations.visitor_id) AS visitorEmail,
       (SELECT user_id FROM visitors v WHERE v.site = conversations.site AND v.id = conversations.visitor_id) AS visitorUserId`,
  );
  const remove = raw.prepare<[string]>('DELETE FROM messages WHERE id = ?');

  /** Runs inside the group commit's transaction (writer.ts). */
  return (input: NewVisitorMessage): AppendResult => {
    const args = appendArgs(input, newId(), now());
    const numbered = insert.get(args);
    if (!numbered) return undefined;
    let conversation: (ConversationRow & ListedVisitor) | undefined;
    try {
      conversation = bump.get({
        id: numbered.conversationId,
        seq: numbered.seq,
        change: numbered.changeSeq,
        at: args.at,
      });
    } catch (error) {
      remove.run(args.id);
      throw error;
    }
    const message = visitorMessageRow(args, numbered);
    return { message, conversation: listRowAfter(conversation!, message) };
  };
}
