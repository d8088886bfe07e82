/**
 * A visitor's message into their open conversation, on PostgreSQL, in one statement.
 * The portable path (`appendToOpenConversation` in kysely-store.ts) is the reference;
 * tests/integration/append-paths.test.ts runs both and compares what they store.
 *
 * Why: on PostgreSQL every statement is a round trip, and the portable path is five
 * (BEGIN, the resend lookup, the numbering update, the insert, COMMIT), each holding one
 * of the pool's connections while the server's event loop and the database take turns.
 * Here one statement does it all, as its own transaction (no BEGIN/COMMIT): a
 * data-modifying WITH numbers the owner's open conversation (row lock; unless the visitor
 * or their user is blocked, or the client id was stored already) and inserts the message
 * from the row it returns. No row back means "not here", and nothing was written. Two
 * resends racing each other: the second fails on UNIQUE (sender, client_id) as a whole
 * and the writer runs it again, when it finds the stored one and declines.
 */
import { sql } from 'kysely';
import { CONVERSATION_COLUMNS } from './kysely-store';
import { prepare } from './prepared';
import { appendArgs, visitorMessageRow } from './types';
import type { AppendArgs, AppendResult, ConversationRow, NewVisitorMessage } from './types';
import type { Writer } from './writer';

const appendQuery = prepare<AppendArgs, ConversationRow>((q, s) => {
  const blocked = (column: 'id' | 'userId', value: string | null) =>
    q
      .selectFrom('visitors')
      .select('id')
      .where('site', '=', s.site)
      .where(column, '=', value)
      .where('blockedAt', 'is not', null);
  return q
    .with('bumped', (w) =>
      w
        .updateTable('conversations')
        .set((eb) => ({ lastSeq: eb('lastSeq', '+', 1), lastChange: eb('lastChange', '+', 1), updatedAt: s.at }))
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
        .where(({ not, exists }) => not(exists(blocked('id', s.visitorId))))
        .where(({ not, exists }) => not(exists(blocked('userId', s.userId))))
        .where(({ not, exists }) =>
          not(
            exists(
              q.selectFrom('messages').select('id').where('sender', '=', s.sender).where('clientId', '=', s.clientId),
            ),
          ),
        )
        .returning(CONVERSATION_COLUMNS),
    )
    .with('inserted', (w) =>
      w
        .insertInto('messages')
        .columns(['id', 'conversationId', 'seq', 'changeSeq', 'sender', 'clientId', 'author', 'text', 'createdAt'])
        .expression((eb) =>
          eb
            .selectFrom('bumped')
            .select([
              sql<string>`cast(${s.id} as text)`.as('id'),
              'bumped.id as conversationId',
              'bumped.lastSeq as seq',
              'bumped.lastChange as changeSeq',
              sql<string>`cast(${s.sender} as text)`.as('sender'),
              sql<string>`cast(${s.clientId} as text)`.as('clientId'),
              sql<string>`'visitor'`.as('author'),
              sql<string>`cast(${s.text} as text)`.as('text'),
              sql<number>`cast(${s.at} as bigint)`.as('createdAt'),
            ]),
        )
        .returning('id'),
    )
    .selectFrom('bumped')
    .selectAll();
});

export function postgresAppend(writer: Writer, newId: () => string, now: () => number) {
  return async (input: NewVisitorMessage): Promise<AppendResult> => {
    const args = appendArgs(input, newId(), now());
    const conversation = await writer.write((q) => appendQuery.first(q, args), { oneStatement: true });
    if (!conversation) return undefined;
    const numbers = { conversationId: conversation.id, seq: conversation.lastSeq, changeSeq: conversation.lastChange };
    return { message: visitorMessageRow(args, numbers), conversation };
  };
}
