/** The webhook outbox part of the store, on either engine (claims and finishes: kysely-outbox.ts). */
import { outboxMethods } from './kysely-outbox';
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
  const outbox = outboxMethods<WebhookDelivery>(db, writer, now, 'webhookDeliveries', COLUMNS);

  return {
    enqueueWebhook: (event) =>
      writer.write(async (trx) => {
        const id = newId();
        const at = now();
        await trx
          .insertInto('webhookDeliveries')
          .values({ id, ...event, status: 'pending', nextAttemptAt: at, createdAt: at, updatedAt: at })
          .execute();
        return (await outbox.get(trx, id))!;
      }),
    claimWebhooks: outbox.claim,
    finishWebhook: outbox.finish,
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
