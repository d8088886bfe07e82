/**
 * E-mail follow-up through the outbox, received by a real SMTP server (smtp-server on
 * 127.0.0.1): transcripts on request, only to an address the visitor typed (never a
 * data-email hint), no header from visitor input; a missed reply mailed exactly once
 * although the SMTP server was down for a while and the Confab server restarted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SMTPServer } from 'smtp-server';
import { LEAD_MIN_FILL_MS, newId } from '../../src/protocol';
import { freePort } from '../support/engines';
import {
  connectOperator,
  connectVisitor,
  socketTracker,
  startHarness,
  visitorSend,
  type Harness,
} from '../support/server';
import { closeReceiver, header, smtpReceiver, type Received } from '../support/smtp-receiver';
import { until } from '../support/until';

let harness: Harness;
let smtpPort: number;
let receiver: SMTPServer | undefined;
const inbox: Received[] = [];
const sockets = socketTracker();
const url = () => harness.server.url;

beforeAll(async () => {
  smtpPort = await freePort();
  receiver = await smtpReceiver(smtpPort, inbox);
  harness = await startHarness({
    server: {
      mail: {
        smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
        from: 'Test Shop <chat@shop.example>',
        retryDelaysMs: [300, 300, 300, 300, 300, 300, 300, 300, 300, 300],
        pollMs: 100,
        missedReplyDelayMs: 150,
      },
    },
  });
});
afterEach(() => sockets.closeAll());
afterAll(async () => {
  await harness.cleanup();
  if (receiver) await closeReceiver(receiver);
});

describe('the transcript by e-mail', () => {
  it('goes once to the address the visitor typed, with headers of our making', async () => {
    const { socket } = await connectVisitor(url());
    sockets.track(socket);
    const sent = await visitorSend(socket, 'Where is my parcel?');
    if (!sent.ok) throw new Error('send failed');
    const conversationId = sent.message.conversationId;

    // A line break in the address would be a header: refused before anything is stored.
    expect(
      await socket.timeout(5000).emitWithAck('transcript:email', {
        conversationId,
        email: 'ann@example.com\r\nBcc: thief@evil.example',
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid', field: 'email' } });

    const before = inbox.length;
    for (let i = 0; i < 2; i++) {
      expect(
        await socket.timeout(5000).emitWithAck('transcript:email', { conversationId, email: 'ann@example.com' }),
      ).toEqual({ ok: true, queued: true });
    }
    await until(() => inbox.length > before);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const mails = inbox.slice(before);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.to).toEqual(['ann@example.com']);
    expect(header(mail!.raw, 'Subject')).toBe('Your chat with Test Shop');
    expect(header(mail!.raw, 'From')).toBe('Test Shop <chat@shop.example>');
    expect(header(mail!.raw, 'Bcc')).toBeUndefined();
    expect(mail!.raw).toContain('Where is my parcel?');
  });

  it('is refused for a visitor whose only address is a data-email hint', async () => {
    const { socket } = await connectVisitor(url(), { email: 'hint@example.com' });
    sockets.track(socket);
    const sent = await visitorSend(socket, 'hello');
    if (!sent.ok) throw new Error('send failed');
    expect(
      await socket.timeout(5000).emitWithAck('transcript:email', { conversationId: sent.message.conversationId }),
    ).toMatchObject({ ok: false, error: { code: 'invalid', field: 'email' } });
    const queued = await harness.server.store.listEmails('shop');
    expect(queued.map((e) => e.toAddress)).not.toContain('hint@example.com');
  });
});

describe('a reply the visitor missed', () => {
  it('is mailed exactly once, across a restart, after the SMTP server was down', async () => {
    // The visitor leaves a request with an e-mail (typed), then chats and leaves.
    const visitor = await connectVisitor(url(), { email: 'hint-only@example.com' });
    sockets.track(visitor.socket);
    const lead = await visitor.socket.timeout(5000).emitWithAck('lead:submit', {
      clientId: newId(),
      fields: { name: 'Bea', email: 'bea@example.com', message: 'Call me', consent: true },
      honeypot: '',
      elapsedMs: LEAD_MIN_FILL_MS + 1000,
    });
    expect(lead.ok).toBe(true);
    const sent = await visitorSend(visitor.socket, 'Is the blue sofa in stock?');
    if (!sent.ok) throw new Error('send failed');
    visitor.socket.disconnect();

    // The SMTP server goes down; the operator answers the absent visitor.
    await closeReceiver(receiver!);
    receiver = undefined;
    const before = inbox.length;
    const { socket: anna } = await connectOperator(url());
    sockets.track(anna);
    const reply = await anna.timeout(5000).emitWithAck('message:send', {
      conversationId: sent.message.conversationId,
      clientId: newId(),
      text: 'Yes, two are left',
    });
    expect(reply.ok).toBe(true);
    const store = () => harness.server.store;
    await until(async () =>
      (await store().listEmails('shop')).some((e) => e.kind === 'missed_reply' && e.attempts >= 2),
    );
    const pending = (await store().listEmails('shop')).find((e) => e.kind === 'missed_reply')!;
    expect(pending).toMatchObject({ status: 'pending', toAddress: 'bea@example.com' });
    expect(pending.lastError).toBeTruthy();

    // Confab restarts while mail cannot go out; the SMTP server comes back.
    anna.disconnect();
    await harness.stop();
    receiver = await smtpReceiver(smtpPort, inbox);
    await harness.restart();

    await until(() => inbox.length > before, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const mails = inbox.slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['bea@example.com']);
    expect(header(mails[0]!.raw, 'Subject')).toBe('Test Shop replied to your message');
    expect(mails[0]!.raw).toContain('Yes, two are left');
    expect((await store().listEmails('shop')).find((e) => e.id === pending.id)).toMatchObject({ status: 'sent' });
  }, 40_000);
});
