/**
 * E-mail follow-up, and the rule for where it may go. An address is used only when the
 * visitor gave it to be written to: typed into the request form or the transcript field,
 * or carried by a verified identity token. A `data-email` / `identify` hint is a display
 * hint and never receives mail (nobody asked that visitor).
 *
 * - Transcript by e-mail: on the visitor's request; one mail per conversation state and address.
 * - Missed reply: an operator answers while none of the owner's tabs or devices is
 *   connected; after a short wait (the visitor may come back and read it) one mail with the
 *   reply and a link back to the page, per conversation and read mark.
 */
import { fail, isEmail, type Ack } from '../../src/protocol';
import { rooms, type ServerContext } from './context';
import type { Mailer } from './mail';
import type { SiteConfig } from './sites';
import type { ConversationRow, MessageRow, OutgoingEmail } from './store';
import { buildTranscript } from './transcript';

/** How long a missed reply waits for the visitor to come back before it is mailed. */
export const MISSED_REPLY_DELAY_MS = 120_000;

export interface FollowUp {
  mailer: Mailer | undefined;
  missedReplyDelayMs: number;
}

/** A message's files as transcript links: the name, and a signed download URL (valid for an hour). */
export function fileLinks(ctx: ServerContext) {
  return (message: MessageRow) =>
    ctx.uploads?.attachmentsOf(message)?.map((file) => ({ name: file.name, url: file.url })) ?? [];
}

export function operatorNames(site: SiteConfig) {
  return (id: string | null) => site.operators.find((op) => op.id === id)?.name ?? 'Operator';
}

async function transcriptOf(ctx: ServerContext, site: SiteConfig, conversation: ConversationRow) {
  const messages = await ctx.store.lastMessages(conversation.id, 10_000);
  const source = {
    siteName: site.name,
    conversation,
    messages,
    operatorName: operatorNames(site),
    visitorLabel: 'You',
    files: fileLinks(ctx),
  };
  return { text: buildTranscript(source, 'text'), html: buildTranscript(source, 'html') };
}

/** Keeps an address the visitor typed into a request form as the follow-up address. */
export async function rememberTypedEmail(ctx: ServerContext, site: string, visitorId: string, email: unknown) {
  if (typeof email === 'string' && isEmail(email.trim())) {
    await ctx.store.setFollowUpEmail(site, visitorId, email.trim());
  }
}

export async function emailTranscript(
  ctx: ServerContext,
  site: SiteConfig,
  conversation: ConversationRow,
  visitor: { visitorId: string; owner: string },
  typed: unknown,
): Promise<Ack<{ queued: true }>> {
  const mailer = ctx.followUp?.mailer;
  if (!mailer) return fail('invalid', 'e-mail is not set up on this server');
  if (typed !== undefined && (typeof typed !== 'string' || !isEmail(typed.trim()))) {
    return fail('invalid', 'email is not an e-mail address', 'email');
  }
  if (typeof typed === 'string') await ctx.store.setFollowUpEmail(site.id, visitor.visitorId, typed.trim());
  const to = await ctx.store.followUpEmail(site.id, visitor.owner, visitor.visitorId);
  if (!to) return fail('invalid', 'type the e-mail address to send the transcript to', 'email');
  const { text, html } = await transcriptOf(ctx, site, conversation);
  await ctx.store.enqueueEmail({
    site: site.id,
    kind: 'transcript',
    dedupeKey: `transcript:${conversation.id}:${conversation.lastChange}:${to.toLowerCase()}`,
    conversationId: conversation.id,
    toAddress: to,
    subject: `Your chat with ${site.name}`,
    text: text.body,
    html: html.body,
  });
  mailer.nudge();
  return { ok: true, queued: true };
}

/** After an operator message: if the visitor is nowhere connected, a missed-reply mail is queued. */
export async function noteMissedReply(
  ctx: ServerContext,
  site: SiteConfig,
  conversation: ConversationRow,
  text: string,
) {
  const followUp = ctx.followUp;
  if (!followUp?.mailer) return;
  const connected = await ctx.visitors.in(rooms.owner(site.id, conversation.owner)).fetchSockets();
  if (connected.length > 0) return;
  const to = await ctx.store.followUpEmail(site.id, conversation.owner, conversation.visitorId);
  if (!to) return;
  const page = (await ctx.store.conversationContext(conversation.id))?.page?.url;
  const queued = await ctx.store.enqueueEmail({
    site: site.id,
    kind: 'missed_reply',
    // One mail per conversation until the visitor reads: the read mark is in the key.
    dedupeKey: `missed:${conversation.id}:${conversation.visitorReadSeq}`,
    conversationId: conversation.id,
    toAddress: to,
    subject: `${site.name} replied to your message`,
    text: [
      `${site.name} answered you in the chat:`,
      '',
      text,
      '',
      page ? `Continue the conversation: ${page}` : 'Open the chat on the site to continue the conversation.',
    ].join('\n'),
    notBefore: Date.now() + followUp.missedReplyDelayMs,
  });
  if (queued) followUp.mailer.nudgeAt(followUp.missedReplyDelayMs + 50);
}

/** A missed-reply mail is dropped when the visitor has read the conversation meanwhile. */
export async function stillWanted(ctx: ServerContext, email: OutgoingEmail): Promise<boolean> {
  if (email.kind !== 'missed_reply' || !email.conversationId) return true;
  const readSeq = Number(email.dedupeKey.split(':')[2]);
  const conversation = await ctx.store.getConversation(email.conversationId);
  return conversation !== undefined && conversation.visitorReadSeq <= readSeq;
}
