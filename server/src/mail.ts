/**
 * E-mail through an outbox, like webhooks: a mail is written to `email_outbox` first (one
 * per dedupe key), then sent over SMTP with nodemailer; a failed send is retried with
 * growing delays across restarts, by whichever server claims the row, and given up after
 * the last retry. Off (nothing queued, transcripts by e-mail refused) without SMTP_URL.
 *
 * Nothing a visitor typed reaches a header: the subject is made from the site's name,
 * the recipient passed the shared e-mail rule (no spaces or line breaks) before it was
 * stored, and nodemailer encodes every header it writes. Messages are text (and HTML made
 * of escaped text); nodemailer is told not to read files or URLs for them.
 */
import { createTransport } from 'nodemailer';
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
  const leaseMs = timeoutMs * 3;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let draining = false;
  let again = false;
  /** Settles when the drain in progress has handed every claimed mail to `inFlight`. */
  let drained: Promise<void> = Promise.resolve();

  async function send(email: OutgoingEmail): Promise<void> {
    if (!(await stillWanted(email)))
      return store.finishEmail(email.id, { status: 'skipped', error: 'no longer needed' });
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
      await store.finishEmail(email.id, { status: 'sent' });
    } catch (error) {
      const reason = (error as { code?: string }).code ?? 'send failed';
      const delay = retryDelaysMs[email.attempts - 1];
      if (delay === undefined) {
        log(`e-mail ${email.kind} for ${email.site}: gave up after ${email.attempts} attempts (${reason})`);
        return store.finishEmail(email.id, { status: 'failed', error: reason });
      }
      log(
        `e-mail ${email.kind} for ${email.site}: attempt ${email.attempts} failed (${reason}); retrying in ${delay} ms`,
      );
      await store.finishEmail(email.id, { status: 'pending', error: reason, retryAt: Date.now() + delay });
      later(delay);
    }
  }

  function later(ms: number) {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void drain();
    }, ms);
    timers.add(timer);
  }

  async function drain(): Promise<void> {
    if (closed || !isLeader()) return;
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    let handedOver!: () => void;
    drained = new Promise((resolve) => (handedOver = resolve));
    try {
      do {
        again = false;
        for (const email of await store.claimEmails(leaseMs, 20)) {
          const work = send(email).catch((error: unknown) => log(`e-mail outbox: ${String(error)}`));
          inFlight.add(work);
          void work.finally(() => inFlight.delete(work));
        }
      } while (again && !closed);
    } catch (error) {
      if (!closed) log(`e-mail outbox: ${String(error)}`);
    } finally {
      draining = false;
      handedOver();
    }
  }

  const poll = setInterval(() => void drain(), pollMs);
  poll.unref();
  void drain();

  return {
    /** Looks at the outbox now (a mail was just queued). */
    nudge: () => void drain(),
    /** A mail due later (a missed reply's grace period) is sent by the poll or this timer. */
    nudgeAt: (ms: number) => later(ms),
    async close(): Promise<void> {
      closed = true;
      clearInterval(poll);
      timers.forEach(clearTimeout);
      // A claim that committed just before closing must still be attempted and answered;
      // left half-done, its lease would hold the mail back for leaseMs after a restart.
      await drained;
      await Promise.allSettled([...inFlight]);
      transport.close();
    },
  };
}

export type Mailer = ReturnType<typeof createMailer>;
