/**
 * The operator side of the socket protocol: a logged-in operator sees the site's
 * conversations, requests and visitors on site; opens, answers (and so takes), edits,
 * deletes, closes (or marks spam) conversations; writes first; sets their status.
 */
import type { Socket } from 'socket.io';
import { createHash } from 'node:crypto';
import {
  LEAD_STATUSES,
  LIMITS,
  OPERATOR_STATUSES,
  checkConversationRef,
  checkMessageText,
  checkOperatorSend,
  fail,
  isId,
  readTyping,
  type LeadStatus,
  type MessageAck,
  type OperatorAuth,
  type OperatorStatus,
  type OperatorToServer,
  type ServerToOperator,
} from '../../src/protocol';
import { publishConversation, rooms, team, toChatMessage, toSummary, type ServerContext } from './context';
import { appendMessage, broadcastMessage, closeConversation, pickUp } from './conversations';
import { publicProfile, type OperatorConfig, type SiteConfig } from './sites';
import type { ConversationRow } from './store';
import { onlineVisitors, snapshotOf } from './visitor-presence';
import type { VisitorSocket } from './visitor-session';

interface OperatorData {
  site: SiteConfig;
  operator: OperatorConfig;
}

type OperatorSocket = Socket<OperatorToServer, ServerToOperator, Record<string, never>, OperatorData>;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function attachOperatorNamespace(ctx: ServerContext): void {
  const { store } = ctx;

  ctx.operators.use((socket: OperatorSocket, next) => {
    const { token } = (socket.handshake.auth ?? {}) as Partial<OperatorAuth>;
    const session = typeof token === 'string' ? store.findSession(hashToken(token)) : undefined;
    const site = session && ctx.sites.get(session.site);
    const operator = site?.operators.find((op) => op.id === session!.operatorId);
    if (!site || !operator) return next(new Error('unauthorized'));
    socket.data = { site, operator };
    next();
  });

  ctx.operators.on('connection', (socket: OperatorSocket) => {
    const { site, operator } = socket.data;
    void socket.join(rooms.operators(site.id));
    ctx.presence.connect(site.id, operator.id, socket.id);
    socket.emit('hello', {
      operator: publicProfile(operator, ctx.publicUrl, site),
      status: ctx.presence.chosen(site.id, operator.id),
      team: team(ctx, site),
      conversations: store.listConversations(site.id, 500).map(toSummary),
      leads: store.listLeads(site.id, { limit: 200 }),
      online: onlineVisitors(ctx, site.id),
    });
    socket.on('disconnect', () => ctx.presence.disconnect(site.id, operator.id, socket.id));

    /** The conversation, if it belongs to this operator's site. */
    const ownConversation = (payload: unknown): ConversationRow | undefined => {
      const ref = checkConversationRef(payload);
      const row = ref.ok ? store.getConversation(ref.value.conversationId) : undefined;
      return row?.site === site.id ? row : undefined;
    };
    /** A message this operator wrote in an open conversation of the site. */
    const ownMessage = (messageId: unknown) => {
      const row = isId(messageId) ? store.getMessage(messageId) : undefined;
      const conversation = row && store.getConversation(row.conversationId);
      if (!row || conversation?.site !== site.id) return { error: fail('not_found', 'no such message') };
      if (row.operatorId !== operator.id) return { error: fail('unauthorized', 'only the author may change a message') };
      if (conversation.status !== 'open') return { error: fail('closed', 'the conversation is closed') };
      return { row, conversation };
    };
    const announceChange = (conversation: ConversationRow, ack: (res: MessageAck) => void, row?: Parameters<typeof toChatMessage>[2]) => {
      if (!row) return ack(fail('not_found', 'the message is gone'));
      const message = toChatMessage(ctx, site.id, row);
      ctx.visitors.to(rooms.owner(site.id, conversation.owner)).emit('message:updated', message);
      socket.broadcast.to(rooms.operators(site.id)).emit('message:updated', message);
      ack({ ok: true, message });
    };

    socket.on('conversation:open', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const row = ownConversation(payload);
      if (!row) return ack(fail('not_found', 'no such conversation'));
      ack({
        ok: true,
        conversation: toSummary(store.getConversationListRow(row.id)!),
        messages: store.lastMessages(row.id, LIMITS.historyReplay).map((m) => toChatMessage(ctx, site.id, m)),
        context: store.conversationContext(row.id),
      });
    });

    socket.on('conversation:start', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const visitorId = (payload as { visitorId?: unknown } | null)?.visitorId;
      const visitor = isId(visitorId) ? store.getVisitor(site.id, visitorId) : undefined;
      if (!visitor) return ack(fail('not_found', 'no such visitor'));
      const owner = visitor.userId ? `u:${visitor.userId}` : `v:${visitor.id}`;
      if (store.isBlocked(site.id, owner, visitor.id)) return ack(fail('blocked', 'this visitor was marked as spam'));
      const live = [...(ctx.visitors.sockets.values() as IterableIterator<VisitorSocket>)].find(
        (v) => v.data.site?.id === site.id && v.data.visitorId === visitor.id,
      );
      const { conversation } = store.openConversation(site.id, owner, visitor.id, live && snapshotOf(ctx, live));
      pickUp(ctx, site, conversation, operator);
      publishConversation(ctx, conversation.id);
      ack({ ok: true, conversation: toSummary(store.getConversationListRow(conversation.id)!) });
    });

    socket.on('message:send', (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        const checked = checkOperatorSend(payload);
        if (!checked.ok) return ack(checked);
        const row = ownConversation(checked.value);
        if (!row) return ack(fail('not_found', 'no such conversation'));
        if (row.status !== 'open') return ack(fail('closed', 'the conversation is closed'));
        const { replyTo } = checked.value;
        if (replyTo && store.getMessage(replyTo)?.conversationId !== row.id) {
          return ack(fail('invalid', 'replyTo is not a message of this conversation', 'replyTo'));
        }
        // The first operator to answer takes the conversation; their greeting goes first.
        pickUp(ctx, site, row, operator);
        const { message, duplicate } = appendMessage(ctx, row, {
          sender: `o:${operator.id}`,
          clientId: checked.value.clientId,
          author: 'operator',
          operatorId: operator.id,
          text: checked.value.text,
          replyTo,
        });
        ack({ ok: true, message });
        if (duplicate) return;
        broadcastMessage(ctx, row, message, socket.id);
        publishConversation(ctx, row.id);
      } catch (error) {
        ctx.log(`operator message failed: ${String(error)}`);
        ack(fail('internal', 'the message could not be stored'));
      }
    });

    socket.on('message:edit', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const { messageId, text } = (payload ?? {}) as { messageId?: unknown; text?: unknown };
      const checked = checkMessageText(text);
      if (!checked.ok) return ack(checked);
      const found = ownMessage(messageId);
      if ('error' in found) return ack(found.error!);
      announceChange(found.conversation, ack, store.editMessage(found.row.id, checked.value));
    });

    socket.on('message:delete', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const found = ownMessage((payload as { messageId?: unknown } | null)?.messageId);
      if ('error' in found) return ack(found.error!);
      announceChange(found.conversation, ack, store.deleteMessage(found.row.id));
    });

    socket.on('conversation:close', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const row = ownConversation(payload);
      if (!row) return ack(fail('not_found', 'no such conversation'));
      closeConversation(ctx, row, (payload as { spam?: unknown }).spam === true ? 'spam' : 'operator');
      ack({ ok: true, conversation: toSummary(store.getConversationListRow(row.id)!) });
    });

    socket.on('read', (payload) => {
      const row = ownConversation(payload);
      const seq = (payload as { seq?: unknown } | null)?.seq;
      if (!row || !Number.isInteger(seq) || (seq as number) < 0 || (seq as number) > row.lastSeq) return;
      if (store.markRead(row.id, 'operator', seq as number)) {
        ctx.visitors.to(rooms.owner(site.id, row.owner)).emit('read', { conversationId: row.id, seq: seq as number });
      }
    });

    socket.on('typing', (payload) => {
      const typing = readTyping(payload);
      const row = typing === null ? undefined : ownConversation(payload);
      if (row?.status !== 'open') return;
      ctx.visitors.to(rooms.owner(site.id, row.owner)).volatile.emit('typing', { typing: typing! });
    });

    socket.on('status:set', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const status = (payload as { status?: unknown } | null)?.status;
      if (!OPERATOR_STATUSES.includes(status as OperatorStatus)) {
        return ack(fail('invalid', `status must be one of ${OPERATOR_STATUSES.join(', ')}`, 'status'));
      }
      ctx.presence.setStatus(site.id, operator.id, status as OperatorStatus);
      ack({ ok: true, status: status as OperatorStatus });
    });

    socket.on('lead:update', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const { leadId, status } = (payload ?? {}) as { leadId?: unknown; status?: unknown };
      if (!LEAD_STATUSES.includes(status as LeadStatus)) {
        return ack(fail('invalid', `status must be one of ${LEAD_STATUSES.join(', ')}`, 'status'));
      }
      const lead = isId(leadId) ? store.getLead(leadId) : undefined;
      if (lead?.site !== site.id) return ack(fail('not_found', 'no such request'));
      const updated = store.updateLeadStatus(lead.id, status as LeadStatus, operator.id)!;
      socket.broadcast.to(rooms.operators(site.id)).emit('lead:updated', updated);
      ack({ ok: true, lead: updated });
    });
  });
}
