/** The e-mail outbox part of the store, on either engine (the same claim rules as webhooks). */
import type { EmailStatus } from './schema';
import type { OutgoingEmail, Store } from './types';
import type { Db, Writer } from './writer';

type MailMethods = Pick<Store, 'enqueueEmail' | 'claimEmails' | 'finishEmail' | 'listEmails'>;

export const EMAIL_COLUMNS = [
  'id',
  'site',
  'kind',
  'dedupeKey',
  'conversationId',
  'toAddress',
  'subject',
  'text',
  'html',
  'status',
  'attempts',
  'nextAttemptAt',
  'lastError',
  'createdAt',
  'updatedAt',
] as const;

export function mailMethods(db: Db, writer: Writer, newId: () => string, now: () => number): MailMethods {
  const get = (q: Db, id: string) =>
    q.selectFrom('emailOutbox').select(EMAIL_COLUMNS).where('id', '=', id).executeTakeFirst() as Promise<
      OutgoingEmail | undefined
    >;
  return {
    // One row per dedupe key: asking twice (two tabs, a resend after a lost ack) mails once.
    enqueueEmail: (email) =>
      writer.write(async (trx) => {
        const at = now();
        const result = await trx
          .insertInto('emailOutbox')
          .values({
            id: newId(),
            site: email.site,
            kind: email.kind,
            dedupeKey: email.dedupeKey,
            conversationId: email.conversationId ?? null,
            toAddress: email.toAddress,
            subject: email.subject,
            text: email.text,
            html: email.html ?? null,
            status: 'pending',
            nextAttemptAt: email.notBefore ?? at,
            createdAt: at,
            updatedAt: at,
          })
          .onConflict((conflict) => conflict.column('dedupeKey').doNothing())
          .executeTakeFirst();
        return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
      }),
    async claimEmails(leaseMs, limit) {
      const at = now();
      const due = await db
        .selectFrom('emailOutbox')
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
              .updateTable('emailOutbox')
              .set((eb) => ({ nextAttemptAt: at + leaseMs, attempts: eb('attempts', '+', 1), updatedAt: at }))
              .where('id', '=', row.id)
              .where('status', '=', 'pending')
              .where('nextAttemptAt', '=', row.nextAttemptAt)
              .executeTakeFirst();
            return result.numUpdatedRows > 0n ? get(trx, row.id) : undefined;
          }),
        ),
      );
      return claimed.filter((row): row is OutgoingEmail => row !== undefined);
    },
    finishEmail: (id, outcome) =>
      writer.write(async (trx) => {
        await trx
          .updateTable('emailOutbox')
          .set({
            status: outcome.status,
            lastError: 'error' in outcome ? outcome.error : null,
            ...(outcome.status === 'pending' ? { nextAttemptAt: outcome.retryAt } : {}),
            updatedAt: now(),
          })
          .where('id', '=', id)
          .execute();
      }),
    listEmails: (site, status?: EmailStatus) => {
      let query = db.selectFrom('emailOutbox').select(EMAIL_COLUMNS).where('site', '=', site);
      if (status) query = query.where('status', '=', status);
      return query.orderBy('createdAt', 'desc').limit(500).execute() as Promise<OutgoingEmail[]>;
    },
  };
}
