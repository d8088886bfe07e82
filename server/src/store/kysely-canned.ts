/**
 * Canned replies kept on the server, on either engine: each operator's own (so they
 * follow the operator to any device) and the site's shared ones set through the owner
 * API (operator_id NULL). The sites file's shared replies are not stored: they live in
 * the file.
 */
import type { CannedReply } from '../../../src/protocol';
import type { Store } from './types';
import type { Db, Writer } from './writer';

type CannedMethods = Pick<
  Store,
  'listCannedReplies' | 'saveCannedReply' | 'deleteCannedReply' | 'replaceSharedCannedReplies'
>;

export function cannedMethods(db: Db, writer: Writer, newId: () => string, now: () => number): CannedMethods {
  const list = async (q: Db, site: string, operatorId: string | null): Promise<CannedReply[]> =>
    q
      .selectFrom('cannedReplies')
      .select(['id', 'title', 'text'])
      .where('site', '=', site)
      .where('operatorId', operatorId === null ? 'is' : '=', operatorId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();

  return {
    listCannedReplies: (site, operatorId) => list(db, site, operatorId),
    saveCannedReply: (site, operatorId, input, limit) =>
      writer.write(async (trx) => {
        const at = now();
        if (input.id) {
          const updated = await trx
            .updateTable('cannedReplies')
            .set({ title: input.title, text: input.text, updatedAt: at })
            .where('site', '=', site)
            .where('operatorId', '=', operatorId)
            .where('id', '=', input.id)
            .executeTakeFirst();
          if (updated.numUpdatedRows > 0n) return { reply: { id: input.id, title: input.title, text: input.text } };
          return { error: 'not_found' as const };
        }
        const count = await trx
          .selectFrom('cannedReplies')
          .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
          .where('site', '=', site)
          .where('operatorId', '=', operatorId)
          .executeTakeFirstOrThrow();
        if (Number(count.n) >= limit) return { error: 'limit' as const };
        const reply = { id: newId(), title: input.title, text: input.text };
        await trx
          .insertInto('cannedReplies')
          .values({ ...reply, site, operatorId, createdAt: at, updatedAt: at })
          .execute();
        return { reply };
      }),
    deleteCannedReply: (site, operatorId, id) =>
      writer.write(
        async (trx) =>
          (
            await trx
              .deleteFrom('cannedReplies')
              .where('site', '=', site)
              .where('operatorId', '=', operatorId)
              .where('id', '=', id)
              .executeTakeFirst()
          ).numDeletedRows > 0n,
      ),
    replaceSharedCannedReplies: (site, replies) =>
      writer.write(async (trx) => {
        await trx.deleteFrom('cannedReplies').where('site', '=', site).where('operatorId', 'is', null).execute();
        const at = now();
        // Kept in the order given: each a millisecond apart, so `createdAt` orders them.
        for (const [i, reply] of replies.entries()) {
          await trx
            .insertInto('cannedReplies')
            .values({
              id: newId(),
              site,
              operatorId: null,
              title: reply.title,
              text: reply.text,
              createdAt: at + i,
              updatedAt: at,
            })
            .execute();
        }
        return list(trx, site, null);
      }),
  };
}
