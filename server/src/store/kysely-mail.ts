/** The e-mail outbox part of the store, on either engine (claims and finishes: kysely-outbox.ts, as webhooks). */
import { outboxMethods } from './kysely-outbox';
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
  const outbox = outboxMethods<OutgoingEmail>(db, writer, now, 'emailOutbox', EMAIL_COLUMNS);
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
    claimEmails: outbox.claim,
    finishEmail: outbox.finish,
    listEmails: (site, status?: EmailStatus) => {
      let query = db.selectFrom('emailOutbox').select(EMAIL_COLUMNS).where('site', '=', site);
      if (status) query = query.where('status', '=', status);
      return query.orderBy('createdAt', 'desc').limit(500).execute() as Promise<OutgoingEmail[]>;
    },
  };
}
