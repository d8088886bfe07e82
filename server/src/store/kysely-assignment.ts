/**
 * Who holds a conversation, on either engine. Every change of hands is one conditional
 * UPDATE (`... WHERE operator_id IS <the holder the caller saw>`): the database decides
 * which of two concurrent pick-ups or hand-overs wins — on SQLite its single writer, on
 * PostgreSQL the row lock and the re-check of the WHERE clause after it — so it holds
 * across processes and nodes without any lock in this process.
 */
import { sql } from 'kysely';
import type { Store } from './types';
import type { Db, Writer } from './writer';

type AssignmentMethods = Pick<Store, 'assignOperator' | 'transferConversation' | 'releaseConversations' | 'openLoad'>;

const changed = (result: { numUpdatedRows: bigint }) => result.numUpdatedRows > 0n;

export function assignmentMethods(db: Db, writer: Writer, now: () => number): AssignmentMethods {
  return {
    assignOperator: (conversationId, operatorId) =>
      writer.write(async (trx) =>
        changed(
          await trx
            .updateTable('conversations')
            .set({ operatorId, updatedAt: now(), revision: sql`revision + 1` })
            .where('id', '=', conversationId)
            .where('operatorId', 'is', null)
            .executeTakeFirst(),
        ),
      ),
    transferConversation: (conversationId, from, to, comment) =>
      writer.write(async (trx) => {
        const at = now();
        return changed(
          await trx
            .updateTable('conversations')
            .set({
              operatorId: to,
              transferFrom: from,
              transferComment: comment,
              transferAt: at,
              updatedAt: at,
              revision: sql`revision + 1`,
            })
            .where('id', '=', conversationId)
            .where('status', '=', 'open')
            .where('operatorId', from === null ? 'is' : '=', from)
            .executeTakeFirst(),
        );
      }),
    releaseConversations: (site, operatorId) =>
      writer.write(async (trx) => {
        const rows = await trx
          .updateTable('conversations')
          .set({
            operatorId: null,
            transferFrom: null,
            transferComment: null,
            transferAt: null,
            revision: sql`revision + 1`,
          })
          .where('site', '=', site)
          .where('operatorId', '=', operatorId)
          .where('status', '=', 'open')
          .returning('id')
          .execute();
        return rows.map((row) => row.id);
      }),
    openLoad: async (site) => {
      const rows = await db
        .selectFrom('conversations')
        .select(['operatorId', (eb) => eb.fn.countAll<number | string | bigint>().as('open')])
        .where('site', '=', site)
        .where('status', '=', 'open')
        .where('operatorId', 'is not', null)
        .groupBy('operatorId')
        .execute();
      return new Map(rows.map((row) => [row.operatorId!, Number(row.open)]));
    },
  };
}
