/**
 * E-mail through an outbox, like webhooks: a mail is written to `email_outbox` first (one
 * per dedupe key), then sent over SMTP with nodemailer; a failed send is retried with
 * growing delays across restarts, by whichever server claims the row, and given up after
 * the last retry (the outbox's worker: outbox.ts). Off (nothing queued, transcripts by e-mail refused) without SMTP_URL.
 *
 * Nothing a visitor typed reaches a header: the subject is made from the site's name,
 * the recipient passed the shared e-mail rule (no spaces or line breaks) before it was
 * stored, and nodemailer encodes every header it writes. Messages are text (and HTML made
 * of escaped text); nodemailer is told not to read files or URLs for them.
 */
import { createTransport } from 'nodemailer';
import { createOutboxWorker } from './outbox';
import type { OutgoingEmail, Store } from './store';
import { WEBHOOK_RETRY_DELAYS_MS } from './webhook';

export interface MailOptions {
  store: Store;
  log: (message: string) => void;
  /** smtp://user:password@host:port or smtps://…; the SMTP_URL setting. */
  smtpUrl: string;
  /** The From address, e.g. "Confab <chat@example.com>"; the MAIL_FROM setting. */
  from: string;
  retryDelaysMs?: number[];
  pollMs?: number;
  isLeader?: () => boolean;
  /** Whether a mail is still wanted when its turn comes (a missed reply the visitor has read since is not). */
  stillWanted?: (email: OutgoingEmail) => Promise<boolean>;
}

export function createMailer({
  store,
  log,
  smtpUrl,
  from,
  retryDelaysMs = WEBHOOK_RETRY_DELAYS_MS,
  pollMs = 5_000,
  isLeader = () => true,
  stillWanted = async () => true,
}: MailOptions) {
  const timeoutMs = 15_000;
  const transport = createTransport(smtpUrl, {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as never);
  const worker = createOutboxWorker<OutgoingEmail>({
    name: 'e-mail',
    log,
    claim: (leaseMs, limit) => store.claimEmails(leaseMs, limit),
    attempt: async (email) => {
      if (!(await stillWanted(email))) return { skipped: 'no longer needed' };
      try {
        await transport.sendMail({
          from,
          to: email.toAddress,
          subject: email.subject,
          text: email.text,
          ...(email.html ? { html: email.html } : {}),
          messageId: `<${email.id}@confab>`,
          disableFileAccess: true,
          disableUrlAccess: true,
        });
        return { done: true };
      } catch (error) {
        return { error: (error as { code?: string }).code ?? 'send failed' };
      }
    },
    finish: (email, outcome) => store.finishEmail(email.id, outcome.status === 'done' ? { status: 'sent' } : outcome),
    describe: (email) => `e-mail ${email.kind} for ${email.site}`,
    retryDelaysMs,
    leaseMs: timeoutMs * 3,
    batch: 20,
    pollMs,
    isLeader,
  });

  return {
    /** Looks at the outbox now (a mail was just queued). */
    nudge: worker.nudge,
    /** A mail due later (a missed reply's grace period) is sent by the poll or this timer. */
    nudgeAt: worker.nudgeAt,
    /** Waits for the mails claimed (outbox.ts), then lets go of the SMTP connection. */
    async close(): Promise<void> {
      await worker.close();
      transport.close();
    },
  };
}

export type Mailer = ReturnType<typeof createMailer>;
