/**
 * The message service: the one path by which a message is posted, from a visitor or an
 * operator. The gateways parse and authorise; this decides, stores and tells:
 * blocked senders, resends (answered with the stored message, before any limit), the
 * visitor's rate limit, which conversation (a visitor's open one, or a new one; an
 * operator's named one, which they take if nobody has), replies within the
 * conversation, then the store, then everyone who must hear of it.
 *
 * The common case — a visitor writing into their open conversation — is one store
 * write that checks what it must itself (`appendToOpenConversation`): no reads before
 * it, so a message costs the same however many visitors are stored. Whatever that
 * write declines (a resend, a blocked visitor, no open conversation, a reply) takes
 * the careful path below, which reads and decides step by step as before.
 */
import { fail, type ChatMessage, type ContextSnapshot, type SendMessageAck } from '../../src/protocol';
import { publishConversation, publishListRow, toChatMessage, type ServerContext } from './context';
import { heldByColleague, takeOverFromAbsent } from './assignment';
import { takesNewChats } from './availability';
import { appendMessage, broadcastMessage, pickUp } from './conversations';
import { noteMissedReply } from './follow-up';
import type { OperatorConfig, SiteConfig } from './sites';
import { AttachmentUnavailableError, type ConversationRow } from './store';
import { refreshOnline } from './visitor-presence';

export type MessageSender =
  | {
      kind: 'visitor';
      site: SiteConfig;
      visitorId: string;
      owner: string;
      /** The context a new conversation keeps; read only when one is started. */
      snapshot: () => Promise<ContextSnapshot>;
    }
  | { kind: 'operator'; site: SiteConfig; operator: OperatorConfig };

export interface PostedMessage {
  /** Required from operators; a visitor always writes into their own open conversation. */
  conversationId?: string;
  clientId: string;
  text: string;
  replyTo?: string;
  /** Ids of the sender's own finished uploads. */
  attachments?: string[];
}

export interface MessageLimit {
  burst: number;
  perSecond: number;
}

export function createMessageService(ctx: ServerContext, visitorLimit: MessageLimit | null) {
  const limiter = visitorLimit && ctx.rateLimiters('message', visitorLimit.burst, visitorLimit.perSecond);
  const { store } = ctx;

  /** Whether the visitor may send another message now (always, without a limit). */
  const withinLimit = async (from: MessageSender & { kind: 'visitor' }) =>
    !limiter || (await limiter.take(`${from.site.id}:${from.visitorId}`));

  /** The conversation the message goes into, or the reason it cannot be posted. */
  async function target(from: MessageSender, input: PostedMessage) {
    if (from.kind === 'operator') {
      const row = input.conversationId ? await store.getConversation(input.conversationId) : undefined;
      if (row?.site !== from.site.id) return { error: fail('not_found', 'no such conversation') };
      if (row.status !== 'open') return { error: fail('closed', 'the conversation is closed') };
      const held = heldByColleague(from.site, row, from.operator);
      if (held && !(await takeOverFromAbsent(ctx, from.site, row, from.operator))) return { error: held };
      return { conversation: held ? (await store.getConversation(row.id))! : row, created: false };
    }
    if (!(await withinLimit(from))) {
      return { error: fail('rate_limited', 'too many messages; wait a moment') };
    }
    const latest = await store.latestConversation(from.site.id, from.owner);
    if (latest?.status === 'open') return { conversation: latest, created: false };
    return store.openConversation(from.site.id, from.owner, from.visitorId, await from.snapshot());
  }

  /**
   * A resend found its message stored: everyone who must hear of it is told again. The
   * node that stored it may have died between the commit and the broadcast, and then
   * this is the only time the operators and the visitor's other tabs hear of it live.
   * Clients merge by message id, so those who heard it the first time see it once.
   * The visitor's tabs are told only while its conversation is still the open one: a
   * widget takes a message of another conversation for a new chat and switches to it,
   * so a late resend from a closed chat must not pull the other tabs back there.
   */
  async function tellAgain(message: ChatMessage, except?: string): Promise<ChatMessage> {
    // One read: a visitor has at most one open conversation, its current one.
    const conversation = await store.getConversation(message.conversationId);
    if (conversation) {
      const told = broadcastMessage(ctx, conversation, message, except, { visitor: conversation.status === 'open' });
      publishConversation(ctx, message.conversationId);
      await told;
    }
    return message;
  }

  /** Step by step: blocked, resend, limit, conversation, reply, store. */
  async function postCarefully(from: MessageSender, input: PostedMessage, except?: string): Promise<SendMessageAck> {
    const site = from.site;
    const sender = from.kind === 'visitor' ? `v:${from.visitorId}` : `o:${from.operator.id}`;
    const [blocked, stored] = await Promise.all([
      from.kind === 'visitor' && store.isBlocked(site.id, from.owner, from.visitorId),
      store.findMessage(sender, input.clientId),
    ]);
    if (blocked) return fail('blocked', 'the operator ended the dialogue');
    // A resend whose first ack was lost gets the stored message, limiter or not.
    if (stored) return { ok: true, message: await tellAgain(toChatMessage(ctx, site.id, stored), except) };

    const found = await target(from, input);
    if ('error' in found) return found.error!;
    const { conversation, created } = found;
    if (input.replyTo && (await store.getMessage(input.replyTo))?.conversationId !== conversation.id) {
      return fail('invalid', 'replyTo is not a message of this conversation', 'replyTo');
    }
    // The first operator to answer takes the conversation; their greeting goes first. Of
    // two answering at once, the store lets one take it; the other is refused.
    if (from.kind === 'operator' && conversation.operatorId === null) {
      if (!(await pickUp(ctx, site, conversation, from.operator))) {
        const now = await store.getConversation(conversation.id);
        const held = now && heldByColleague(site, now, from.operator);
        if (held) return held;
      }
    }
    let appended: Awaited<ReturnType<typeof appendMessage>>;
    try {
      appended = await appendMessage(ctx, conversation, {
        sender,
        clientId: input.clientId,
        author: from.kind,
        operatorId: from.kind === 'operator' ? from.operator.id : null,
        text: input.text,
        replyTo: input.replyTo,
        ...(input.attachments?.length ? { attachments: input.attachments } : {}),
      });
    } catch (error) {
      if (!(error instanceof AttachmentUnavailableError)) throw error;
      return fail('invalid', 'attach only your own finished uploads, each once', 'attachments');
    }
    const { message, duplicate } = appended;
    // Two sends of one client id raced and the other one stored it.
    if (duplicate) await tellAgain(message, except);
    else {
      const told = broadcastMessage(ctx, conversation, message, except);
      if (created) {
        // A new chat joins the waiting line (and leaves it at once if its last operator takes it).
        ctx.waitingLine?.refresh(site.id);
        refreshOnline(ctx, site.id, conversation.owner);
        preferPreviousOperator(ctx, conversation).catch((error: unknown) =>
          ctx.log(`previous operator not assigned: ${String(error)}`),
        );
      }
      publishConversation(ctx, conversation.id);
      if (from.kind === 'operator') {
        noteMissedReply(ctx, site, conversation, message.text).catch((error: unknown) =>
          ctx.log(`missed-reply e-mail not queued: ${String(error)}`),
        );
      }
      await told;
    }
    return { ok: true, message };
  }

  return {
    /** Stores and delivers one message; `except` is the sending socket, which has the ack. */
    async post(from: MessageSender, input: PostedMessage, except?: string): Promise<SendMessageAck> {
      // The one-write path is for a visitor's plain text; replies and files are checked step by step.
      if (from.kind !== 'visitor' || input.replyTo || input.attachments?.length) {
        return postCarefully(from, input, except);
      }
      // Only a look at the limit here; the token is taken once the message is stored, so a
      // write that fails (the store away) and its resends do not use up the visitor's limit.
      const key = `${from.site.id}:${from.visitorId}`;
      const quick =
        (!limiter || (await limiter.allows(key))) &&
        (await store.appendToOpenConversation({
          site: from.site.id,
          owner: from.owner,
          visitorId: from.visitorId,
          sender: `v:${from.visitorId}`,
          clientId: input.clientId,
          text: input.text,
        }));
      if (!quick) return postCarefully(from, input, except);
      if (limiter) await limiter.take(key);
      const message = toChatMessage(ctx, from.site.id, quick.message);
      const told = broadcastMessage(ctx, quick.conversation, message, except);
      publishListRow(ctx, quick.conversation);
      // Told before acknowledged (console-messages.ts).
      await told;
      return { ok: true, message };
    },
  };
}

export type MessageService = ReturnType<typeof createMessageService>;

/** Sticky (seed 002): a returning visitor's new chat goes to their last operator if available. */
async function preferPreviousOperator(ctx: ServerContext, conversation: ConversationRow): Promise<void> {
  const previous = (await ctx.store.recentConversations(conversation.site, conversation.owner, 2)).find(
    (c) => c.id !== conversation.id && c.operatorId,
  );
  const site = ctx.sites.get(conversation.site);
  const operator = site?.operators.find((op) => op.id === previous?.operatorId);
  if (site && operator && takesNewChats(ctx.presence.status(site.id, operator.id))) {
    await pickUp(ctx, site, (await ctx.store.getConversation(conversation.id))!, operator);
  }
}
