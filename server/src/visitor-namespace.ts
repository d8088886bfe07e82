/**
 * The visitor side of the socket protocol: session, messages, typing, page changes,
 * requests, ending a chat, rating it, and read marks.
 */
import {
  LIMITS,
  checkConversationRef,
  checkSendMessage,
  cleanContext,
  fail,
  readTyping,
  type Ack,
  type Rating,
} from '../../src/protocol';
import { availabilityFor, groupForUrl, sameAvailability } from './availability';
import { publishConversation, rooms, toChatMessage, type ServerContext } from './context';
import { appendMessage, broadcastMessage, closeConversation, pickUp, publishRating } from './conversations';
import { createLeadHandler } from './lead-handler';
import { createRateLimiter } from './rate-limit';
import type { ConversationRow } from './store';
import { announce, announceOffline, beginPageView, endPageView, moveToPage, snapshotOf } from './visitor-presence';
import { identifyVisitor, openSession, type VisitorSocket } from './visitor-session';

const RATING_COMMENT_MAX = 1000;

export function attachVisitorNamespace(ctx: ServerContext): void {
  const limiter = createRateLimiter(LIMITS.visitorMessageBurst, LIMITS.visitorMessagesPerSecond);
  const submitLead = createLeadHandler(ctx);
  const { store } = ctx;

  ctx.visitors.use(identifyVisitor(ctx));

  /** Tells the connection its availability if it changed since it was last told. */
  const tellAvailability = (socket: VisitorSocket) => {
    const now = availabilityFor(socket.data.site, socket.data.group, ctx.presence);
    if (sameAvailability(socket.data.availability, now)) return;
    socket.data.availability = now;
    socket.emit('availability', now);
  };
  ctx.refreshAvailability = (siteId) => {
    for (const socket of ctx.visitors.sockets.values() as IterableIterator<VisitorSocket>) {
      if (!siteId || socket.data.site?.id === siteId) tellAvailability(socket);
    }
  };

  ctx.visitors.on('connection', (socket: VisitorSocket) => {
    const { site, visitorId, owner } = socket.data;
    void socket.join([rooms.owner(site.id, owner), rooms.siteVisitors(site.id)]);
    socket.emit('session', openSession(ctx, socket));
    beginPageView(ctx, socket);
    tellAvailability(socket);
    announce(ctx, socket, 'visitor:online');
    socket.on('disconnect', () => {
      endPageView(ctx, socket);
      announceOffline(ctx, socket);
    });

    /** The owner's conversation named by the payload, or undefined. */
    const own = (payload: unknown): ConversationRow | undefined => {
      const ref = checkConversationRef(payload);
      const row = ref.ok ? store.getConversation(ref.value.conversationId) : undefined;
      return row?.site === site.id && row.owner === owner ? row : undefined;
    };

    socket.on('message:send', (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        if (store.isBlocked(site.id, owner, visitorId)) return ack(fail('blocked', 'the operator ended the dialogue'));
        const checked = checkSendMessage(payload);
        if (!checked.ok) return ack(checked);
        const sender = `v:${visitorId}`;
        // A resend whose first ack was lost gets the stored message, limiter or not.
        const stored = store.findMessage(sender, checked.value.clientId);
        if (stored) return ack({ ok: true, message: toChatMessage(ctx, site.id, stored) });
        if (!limiter.take(`${site.id}:${visitorId}`)) return ack(fail('rate_limited', 'too many messages; wait a moment'));

        const { conversation, created } = store.openConversation(site.id, owner, visitorId, snapshotOf(ctx, socket));
        const replyTo = checked.value.replyTo;
        if (replyTo && store.getMessage(replyTo)?.conversationId !== conversation.id) {
          return ack(fail('invalid', 'replyTo is not a message of this conversation', 'replyTo'));
        }
        const { message, duplicate } = appendMessage(ctx, conversation, {
          sender,
          clientId: checked.value.clientId,
          author: 'visitor',
          operatorId: null,
          text: checked.value.text,
          replyTo,
        });
        ack({ ok: true, message });
        if (duplicate) return;
        broadcastMessage(ctx, conversation, message, socket.id);
        if (created) preferPreviousOperator(ctx, conversation);
        publishConversation(ctx, conversation.id);
      } catch (error) {
        ctx.log(`visitor message failed: ${String(error)}`);
        ack(fail('internal', 'the message could not be stored; it will be retried'));
      }
    });

    socket.on('typing', (payload) => {
      const typing = readTyping(payload);
      const open = typing === null ? undefined : store.latestConversation(site.id, owner);
      if (open?.status !== 'open') return;
      ctx.operators.to(rooms.operators(site.id)).volatile.emit('typing', { conversationId: open.id, typing: typing! });
    });

    socket.on('page', (payload) => {
      const page = cleanContext(payload);
      if (!page || !moveToPage(ctx, socket, page)) return;
      socket.data.group = groupFor(socket);
      tellAvailability(socket);
      announce(ctx, socket, 'visitor:page');
    });

    socket.on('lead:submit', (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        if (store.isBlocked(site.id, owner, visitorId)) return ack(fail('blocked', 'the operator ended the dialogue'));
        ack(submitLead(site, visitorId, socket.handshake.address, payload, snapshotOf(ctx, socket)));
      } catch (error) {
        ctx.log(`lead failed: ${String(error)}`);
        ack(fail('internal', 'the request could not be stored; it will be retried'));
      }
    });

    socket.on('conversation:end', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const conversation = own(payload);
      if (!conversation) return ack(fail('not_found', 'no such conversation'));
      closeConversation(ctx, conversation, 'visitor');
      ack({ ok: true, conversationId: conversation.id });
    });

    const rate = (payload: unknown, ack: (res: Ack<{ rating: Rating }>) => void, dismiss: boolean) => {
      if (typeof ack !== 'function') return;
      const conversation = own(payload);
      if (!conversation) return ack(fail('not_found', 'no such conversation'));
      if (conversation.ratingState !== 'pending' && conversation.ratingState !== 'draft') {
        return ack(fail('closed', 'this conversation cannot be rated now'));
      }
      const { score, comment, final } = payload as { score?: unknown; comment?: unknown; final?: unknown };
      if (dismiss) {
        store.setRating(conversation.id, 'dismissed', null, null);
      } else {
        if (!Number.isInteger(score) || (score as number) < 1 || (score as number) > 5) {
          return ack(fail('invalid', 'score must be a whole number from 1 to 5', 'score'));
        }
        if (comment !== undefined && (typeof comment !== 'string' || comment.length > RATING_COMMENT_MAX)) {
          return ack(fail('too_long', `comment must be text of at most ${RATING_COMMENT_MAX} characters`, 'comment'));
        }
        const text = typeof comment === 'string' && comment.trim() ? comment.trim() : null;
        store.setRating(conversation.id, final === true ? 'given' : 'draft', score as number, text);
      }
      ack({ ok: true, rating: publishRating(ctx, site, store.getConversation(conversation.id)!)! });
    };
    socket.on('rating:submit', (payload, ack) => rate(payload, ack, false));
    socket.on('rating:dismiss', (payload, ack) => rate(payload, ack, true));

    socket.on('read', (payload) => {
      const conversation = own(payload);
      const seq = (payload as { seq?: unknown } | null)?.seq;
      if (!conversation || !Number.isInteger(seq) || (seq as number) < 0 || (seq as number) > conversation.lastSeq) return;
      if (store.markRead(conversation.id, 'visitor', seq as number)) {
        ctx.operators.to(rooms.operators(site.id)).emit('read', { conversationId: conversation.id, seq: seq as number });
      }
    });
  });
}

const groupFor = (socket: VisitorSocket) => groupForUrl(socket.data.site, socket.data.page?.url);

/** Sticky (seed 002): a returning visitor's new chat goes to their last operator if available. */
function preferPreviousOperator(ctx: ServerContext, conversation: ConversationRow): void {
  const previous = ctx.store
    .recentConversations(conversation.site, conversation.owner, 2)
    .find((c) => c.id !== conversation.id && c.operatorId);
  const site = ctx.sites.get(conversation.site);
  const operator = site?.operators.find((op) => op.id === previous?.operatorId);
  if (site && operator && ctx.presence.status(site.id, operator.id) === 'available') {
    pickUp(ctx, site, ctx.store.getConversation(conversation.id)!, operator);
  }
}
