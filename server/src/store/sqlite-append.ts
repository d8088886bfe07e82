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
 *
 * Both statements give their row back as an array, from which the objects are built here
 * with their shape fixed in the code: better-sqlite3 builds a row object by adding one
 * property after another, which for the two dozen columns of the list row cost more than
 * the update itself (the store benchmark's append statements, CPU per message). Their
 * values go in by position, not by name: better-sqlite3 binds a named value by looking it
 * up on the object given, which for the insert's nine cost about 5 µs a message.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { appendArgs, visitorMessageRow } from './types';
import type { AppendResult, ConversationListRow, NewVisitorMessage } from './types';

/** The insert's values, in the order of its placeholders. */
type InsertValues = [
  id: string,
  sender: string,
  clientId: string,
  text: string,
  at: number,
  site: string,
  owner: string,
  site: string,
  visitorId: string,
  site: string,
  userId: string | null,
];

/** The update's values, in the order of its placeholders. */
type BumpValues = [seq: number, changeSeq: number, at: number, conversationId: string];

/** The insert's row: seq, change_seq, conversation_id. */
type Numbered = [seq: number, changeSeq: number, conversationId: string];

/** The update's row, in the order of its RETURNING list. */
type Bumped = [
  id: string,
  site: string,
  visitorId: string,
  owner: string,
  status: ConversationListRow['status'],
  closeReason: ConversationListRow['closeReason'],
  operatorId: string | null,
  lastSeq: number,
  lastChange: number,
  visitorReadSeq: number,
  operatorReadSeq: number,
  ratingState: ConversationListRow['ratingState'],
  ratingScore: number | null,
  ratingComment: string | null,
  transferFrom: string | null,
  transferComment: string | null,
  transferAt: number | null,
  revision: number,
  createdAt: number,
  updatedAt: number,
  visitorName: string | null,
  visitorEmail: string | null,
  visitorUserId: string | null,
];

export function sqliteAppender(raw: BetterSqlite3.Database, newId: () => string, now: () => number) {
  const insert = raw
    .prepare<InsertValues, Numbered>(`INSERT INTO messages
       (id, conversation_id, seq, change_seq, sender, client_id, author, operator_id, text, reply_to, created_at, attachments)
     SELECT ?, c.id, c.last_seq + 1, c.last_change + 1, ?, ?, 'visitor', NULL, ?, NULL, ?, NULL
     FROM conversations c
     WHERE c.id = (SELECT id FROM conversations
                   WHERE site = ? AND owner = ? AND status = 'open'
                   ORDER BY created_at DESC LIMIT 1)
       AND NOT EXISTS (SELECT 1 FROM visitors WHERE site = ? AND id = ? AND blocked_at IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM visitors WHERE site = ? AND user_id = ? AND blocked_at IS NOT NULL)
     ON CONFLICT (sender, client_id) DO NOTHING
     RETURNING seq, change_seq, conversation_id`)
    .raw(true);

  const bump = raw
    .prepare<BumpValues, Bumped>(
      `UPDATE conversations SET last_seq = ?, last_change = ?, revision = revision + 1, updated_at = ?
     WHERE id = ?
     RETURNING id, site, visitor_id, owner, status, close_reason, operator_id, last_seq, last_change,
       visitor_read_seq, operator_read_seq, rating_state, rating_score, rating_comment,
       transfer_from, transfer_comment, transfer_at, revision, created_at, updated_at,
       (SELECT name FROM visitors v WHERE v.site = conversations.site AND v.id = conversations.visitor_id),
       (SELECT email FROM visitors v WHERE v.site = conversations.site AND v.id = conversations.visitor_id),
       (SELECT user_id FROM visitors v WHERE v.site = conversations.site AND v.id = conversations.visitor_id)`,
    )
    .raw(true);
  const remove = raw.prepare<[string]>('DELETE FROM messages WHERE id = ?');

  /** Runs inside the group commit's transaction (writer.ts). */
  return (input: NewVisitorMessage): AppendResult => {
    const args = appendArgs(input, newId(), now());
    const { id, sender, clientId, text, at, site, owner, visitorId, userId } = args;
    const numbered = insert.get(id, sender, clientId, text, at, site, owner, site, visitorId, site, userId);
    if (!numbered) return undefined;
    const [seq, changeSeq, conversationId] = numbered;
    let row: Bumped | undefined;
    try {
      row = bump.get(seq, changeSeq, at, conversationId);
    } catch (error) {
      remove.run(id);
      throw error;
    }
    const message = visitorMessageRow(args, { conversationId, seq, changeSeq });
    const r = row!;
    const conversation: ConversationListRow = {
      id: r[0],
      site: r[1],
      visitorId: r[2],
      owner: r[3],
      status: r[4],
      closeReason: r[5],
      operatorId: r[6],
      lastSeq: r[7],
      lastChange: r[8],
      visitorReadSeq: r[9],
      operatorReadSeq: r[10],
      ratingState: r[11],
      ratingScore: r[12],
      ratingComment: r[13],
      transferFrom: r[14],
      transferComment: r[15],
      transferAt: r[16],
      revision: r[17],
      createdAt: r[18],
      updatedAt: r[19],
      visitorName: r[20],
      visitorEmail: r[21],
      visitorUserId: r[22],
      lastAuthor: message.author,
      lastText: message.text,
      lastAt: message.createdAt,
    };
    return { message, conversation };
  };
}
