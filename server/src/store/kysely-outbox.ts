/**
 * The rules both outboxes of the store share (webhook deliveries, e-mail), on either
 * engine. An item is claimed by a conditional update: of two workers (in this process or
 * on another server) that read the same due row, the one whose update still finds the old
 * `next_attempt_at` has it, and no lock is held while it is sent. The claim is a lease:
 * `next_attempt_at` moves past the attempt, so an item whose worker died mid-send is due
 * again once the lease runs out. An attempt ends as done, failed, skipped, or pending again
 * at a later time.
 */
import type { Db, Writer } from './writer';

/** The tables of the outboxes; each has the columns below, whatever else it holds. */
export type OutboxTable = 'webhookDeliveries' | 'emailOutbox';

/**
 * How an attempt ended, in the table's own words for done (delivered, sent, skipped);
 * `retryAt` with status pending: due again then. The store's WebhookOutcome and EmailOutcome.
 */
export interface OutboxFinish {
  status: string;
  error?: string;
  retryAt?: number;
}

export function outboxMethods<Row>(
  db: Db,
  writer: Writer,
  now: () => number,
  table: OutboxTable,
  columns: readonly string[],
) {
  const get = (q: Db, id: string) =>
    q
      .selectFrom(table)
      .select(columns as never)
      .where('id', '=', id)
      .executeTakeFirst() as Promise<Row | undefined>;

  return {
    get,
    /** Up to `limit` items due now, each leased for `leaseMs` to this caller only. */
    async claim(leaseMs: number, limit: number): Promise<Row[]> {
      const at = now();
      const due = await db
        .selectFrom(table)
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
              .updateTable(table)
              .set((eb) => ({ nextAttemptAt: at + leaseMs, attempts: eb('attempts', '+', 1), updatedAt: at }))
              .where('id', '=', row.id)
              .where('status', '=', 'pending')
              .where('nextAttemptAt', '=', row.nextAttemptAt)
              .executeTakeFirst();
            return result.numUpdatedRows > 0n ? get(trx, row.id) : undefined;
          }),
        ),
      );
      return claimed.filter((row): row is Awaited<Row> => row !== undefined);
    },
    /** Records how an attempt ended; pending again means due at `retryAt`. */
    finish: (id: string, outcome: OutboxFinish) =>
      writer.write(async (trx) => {
        await trx
          .updateTable(table)
          .set({
            status: outcome.status as never,
            lastError: outcome.error ?? null,
            ...(outcome.status === 'pending' && outcome.retryAt !== undefined
              ? { nextAttemptAt: outcome.retryAt }
              : {}),
            updatedAt: now(),
          })
          .where('id', '=', id)
          .execute();
      }),
  };
}
