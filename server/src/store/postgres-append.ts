/**
 * Visitors' messages into their open conversations, on PostgreSQL: the messages asked for
 * in one turn of the event loop (and while the previous batch is in flight) are stored by
 * one statement, its own transaction. Each is answered once that statement has committed.
 * The portable path (`appendToOpenConversation` in kysely-store.ts) is the reference;
 * tests/integration/append-paths.test.ts runs both and compares what they store.
 *
 * Why: on PostgreSQL every statement is a round trip and every transaction a commit (a
 * flush of the write-ahead log). One statement per message capped the server at well
 * under a thousand messages a second; a batch shares both among all its messages.
 *
 * The statement, over the batch as arrays (unnest), in the order the messages were asked:
 *   1. each message's target: the owner's newest open conversation, unless the visitor or
 *      their user is blocked or the client id is stored already; a client id asked twice
 *      in the batch is taken once, the first time;
 *   2. those conversations are locked in id order (FOR UPDATE, status rechecked on the
 *      newest row): two nodes' batches touching the same conversations queue instead of
 *      deadlocking, and a conversation closed meanwhile drops out with its messages;
 *   3. each conversation's numbers move by its message count in one update, and its
 *      messages take the numbers in between, in the order asked: no gaps, whoever else
 *      writes into the same conversation from another node;
 *   4. the messages are inserted, and one row per stored message comes back.
 * A message with no row back was not stored ("not here": the caller's careful path
 * decides what to say). Two nodes storing the same resend at once: the later statement
 * fails on UNIQUE (sender, client_id) as a whole, nothing of it written, and the writer
 * runs it again, when that message is found stored and declined. A row PostgreSQL
 * refuses (a data error) fails the statement as a whole too: then each message of the
 * batch is tried alone, so only the one at fault fails.
 */
import { CompiledQuery } from 'kysely';
import { batches } from './batches';
import { CONVERSATION_COLUMNS } from './kysely-store';
import { appendArgs, listRowAfter, visitorMessageRow } from './types';
import type { AppendArgs, AppendResult, ConversationRow, ListedVisitor, NewVisitorMessage } from './types';
import type { Writer } from './writer';

/** Messages per statement at most: bounds its parameters and the time it holds its rows. */
export const MAX_APPEND_BATCH = 500;

const snake = (column: string) => column.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The conversation's columns as the update returns them, by their row names. */
const RETURNED = CONVERSATION_COLUMNS.map((column) => `b.${snake(column)} AS "${column}"`).join(', ');

const APPEND_BATCH = `
WITH asked AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::bigint[])
    WITH ORDINALITY AS a (id, site, owner, visitor_id, user_id, sender, client_id, text, at, ord)
),
placed AS (
  SELECT DISTINCT ON (a.sender, a.client_id) a.*,
    (SELECT c.id FROM conversations c
     WHERE c.site = a.site AND c.owner = a.owner AND c.status = 'open'
     ORDER BY c.created_at DESC LIMIT 1) AS conversation_id
  FROM asked a
  WHERE NOT EXISTS (SELECT 1 FROM visitors v WHERE v.site = a.site AND v.id = a.visitor_id AND v.blocked_at IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM visitors v WHERE v.site = a.site AND v.user_id = a.user_id AND v.blocked_at IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.sender = a.sender AND m.client_id = a.client_id)
  ORDER BY a.sender, a.client_id, a.ord
),
numbered AS (
  SELECT p.*,
    row_number() OVER (PARTITION BY p.conversation_id ORDER BY p.ord) AS k,
    count(*) OVER (PARTITION BY p.conversation_id) AS n,
    last_value(p.at) OVER (PARTITION BY p.conversation_id ORDER BY p.ord
                           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_at
  FROM placed p
  WHERE p.conversation_id IS NOT NULL
),
locked AS (
  SELECT c.id FROM conversations c
  WHERE c.id IN (SELECT conversation_id FROM numbered) AND c.status = 'open'
  ORDER BY c.id
  FOR UPDATE
),
bumped AS (
  UPDATE conversations c
  SET last_seq = c.last_seq + g.n, last_change = c.last_change + g.n, revision = c.revision + g.n,
      updated_at = g.last_at
  FROM (SELECT DISTINCT conversation_id, n, last_at FROM numbered) g
  WHERE c.id = g.conversation_id AND c.status = 'open' AND c.id IN (SELECT id FROM locked)
  RETURNING c.*, g.n
),
inserted AS (
  INSERT INTO messages (id, conversation_id, seq, change_seq, sender, client_id, author, text, created_at)
  SELECT m.id, m.conversation_id, b.last_seq - b.n + m.k, b.last_change - b.n + m.k,
         m.sender, m.client_id, 'visitor', m.text, m.at
  FROM numbered m JOIN bumped b ON b.id = m.conversation_id
  RETURNING id
)
SELECT m.ord, b.last_seq - b.n + m.k AS seq, b.last_change - b.n + m.k AS "changeSeq", ${RETURNED},
  v.name AS "visitorName", v.email AS "visitorEmail", v.user_id AS "visitorUserId"
FROM numbered m JOIN bumped b ON b.id = m.conversation_id
LEFT JOIN visitors v ON v.site = b.site AND v.id = b.visitor_id`;

type StoredRow = ConversationRow & ListedVisitor & { ord: number; seq: number; changeSeq: number };

/** Runs one batch as one statement: per message, in the order given, what was stored or undefined. */
async function storeBatch(writer: Writer, batch: AppendArgs[]): Promise<AppendResult[]> {
  const column = <K extends keyof AppendArgs>(key: K) => batch.map((args) => args[key]);
  const query = CompiledQuery.raw(APPEND_BATCH, [
    column('id'),
    column('site'),
    column('owner'),
    column('visitorId'),
    column('userId'),
    column('sender'),
    column('clientId'),
    column('text'),
    column('at'),
  ]);
  const { rows } = await writer.write((q) => q.executeQuery<StoredRow>(query), { oneStatement: true });
  const answers: AppendResult[] = batch.map(() => undefined);
  for (const { ord, seq, changeSeq, ...row } of rows) {
    const args = batch[ord - 1]!;
    const numbers = { conversationId: row.id, seq, changeSeq };
    // The conversation as this message left it, as if the batch's messages had come one by
    // one: each of them raised its numbers and its revision by one.
    const conversation: ConversationRow & ListedVisitor = {
      ...row,
      lastSeq: seq,
      lastChange: changeSeq,
      revision: row.revision - (row.lastSeq - seq),
      updatedAt: args.at,
    };
    const message = visitorMessageRow(args, numbers);
    answers[ord - 1] = { message, conversation: listRowAfter(conversation, message) };
  }
  return answers;
}

/**
 * Whether PostgreSQL refused the statement for what one of its rows holds (a data
 * exception, class 22, such as a NUL character in a text; or an integrity constraint,
 * class 23, still violated after the writer's retries; or a transaction rollback, class
 * 40, a deadlock or serialization failure still there after them). Anything else — the connection
 * lost, the server shutting down — would fail each message alone just the same, only
 * slower, so the batch fails as a whole and its clients resend.
 */
const refusedForARow = (error: unknown) => /^(2[23]|40)/.test(String((error as { code?: unknown }).code ?? ''));

export function postgresAppend(writer: Writer, newId: () => string, now: () => number) {
  const queue = batches<AppendArgs, AppendResult>(async (batch) => {
    try {
      return await storeBatch(writer, batch);
    } catch (error) {
      if (batch.length === 1 || !refusedForARow(error)) throw error;
      // One message at fault must not fail the others: each alone, in the order asked.
      const answers: (AppendResult | Error)[] = [];
      for (const args of batch) {
        answers.push(
          await storeBatch(writer, [args]).then(
            ([answer]) => answer,
            (failure: unknown) => (failure instanceof Error ? failure : new Error(String(failure))),
          ),
        );
      }
      return answers;
    }
  }, MAX_APPEND_BATCH);
  return {
    append: (input: NewVisitorMessage): Promise<AppendResult> => queue.add(appendArgs(input, newId(), now())),
    drained: () => queue.drained(),
  };
}
