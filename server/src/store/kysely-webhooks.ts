/** The webhook outbox part of the store, on either engine. */
import type { Store, WebhookDelivery } from './types';
import type { Db, Writer } from './writer';

type WebhookMethods = Pick<
  Store,
  'enqueueWebhook' | 'claimWebhooks' | 'finishWebhook' | 'listWebhooks' | 'webhookBacklog'
>;

const COLUMNS = [
  'id',
  'site',
  'url',
  'type',
  'body',
  'status',
  'attempts',
  'nextAttemptAt',
  'lastError',
  'createdAt',
  'updatedAt',
] as const;

export function webhookMethods(db: Db, writer: Writer, newId: () => string, now: () => number): WebhookMethods {
  const get = (q: Db, id: string) =>
    q.selectFrom('webhookDeliveries').select(COLUMNS).where('id', '=', id).executeTakeFirst() as Promise<
      WebhookDelivery | undefined
    >;

  return {
    enqueueWebhook: (event) =>
      writer.write(async (trx) => {
        const id = newId();
        const at = now();
        await trx
          .insertInto('webhookDeliveries')
          .values({ id, ...event, status: 'pending', nextAttemptAt: at, createdAt: at, updatedAt: at })
          .execute();
        return (await get(trx, id))!;
      }),
    // A claim is a conditional update: of two workers that read the same due row, the
    // one whose update still finds the old `next_attempt_at` has it. No lock is held
    // while the HTTP request runs.
    async claimWebhooks(leaseMs, limit) {
      const at = now();
      const due = await db
        .selectFrom('webhookDeliveries')
        .select(['id', 'nextAttemptAt'])
        .where('status', '=', 'pending')
        .where('nextAttemptAt', '<=', at)
        .orderBy('nextAttemptAt')
        .limit(limit)
        .execute();
      const claimed = await Promise.all(
        due.map((row) =>
          writer.write(async (trx) => {
            const result = await trx
              .updateTable('webhookDeliveries')
              .set((eb) => ({ nextAttemptAt: at + leaseMs, attempts: eb('attempts', '+', 1), updatedAt: at }))
              .where('id', '=', row.id)
              .where('status', '=', 'pending')
              .where('nextAttemptAt', '=', row.nextAttemptAt)
              .executeTakeFirst();
            return result.numUpdatedRows > 0n ? get(trx, row.id) : undefined;
          }),
        ),
      );
      return claimed.filter((row): row is WebhookDelivery => row !== undefined);
    },
    finishWebhook: (id, outcome) =>
      writer.write(async (trx) => {
        await trx
          .updateTable('webhookDeliveries')
          .set({
            status: outcome.status,
            lastError: outcome.status === 'delivered' ? null : outcome.error,
            ...(outcome.status === 'pending' ? { nextAttemptAt: outcome.retryAt } : {}),
            updatedAt: now(),
          })
          .where('id', '=', id)
          .execute();
      }),
    listWebhooks: (site, { status, limit = 100 } = {}) => {
      let query = db.selectFrom('webhookDeliveries').select(COLUMNS).where('site', '=', site);
      if (status) query = query.where('status', '=', status);
      return query.orderBy('createdAt', 'desc').limit(limit).execute() as Promise<WebhookDelivery[]>;
    },
    async webhookBacklog() {
      const row = await db
        .selectFrom('webhookDeliveries')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}
