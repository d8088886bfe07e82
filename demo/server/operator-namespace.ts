/**
 * The operator side of the socket protocol: a logged-in operator sees every
 * conversation of their site, opens one, replies (and so takes it), types, and closes.
 */
import type { Socket } from 'socket.io';
import { createHash } from 'node:crypto';
import {
  LEAD_STATUSES,
  LIMITS,
  OPERATOR_STATUSES,
  checkConversationRef,
  checkOperatorSend,
  fail,
  isId,
  readTyping,
  type LeadStatus,
  type OperatorAuth,
  type OperatorStatus,
  type OperatorToServer,
  type ServerToOperator,
} from '../../src/protocol';
import { publishConversation, rooms, team, toChatMessage, toSummary, type ServerContext } from './context';
import { publicProfile, type OperatorConfig, type SiteConfig } from './sites';
import type { ConversationRow } from './store';

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
      operator: publicProfile(operator, ctx.publicUrl),
      status: ctx.presence.chosen(site.id, operator.id),
      team: team(ctx, site),
      conversations: store.listConversations(site.id, 500).map(toSummary),
      leads: store.listLeads(site.id, { limit: 200 }),
    });
    socket.on('disconnect', () => ctx.presence.disconnect(site.id, operator.id, socket.id));

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

    /** The conversation, if it belongs to this operator's site. */
    const ownConversation = (payload: unknown): ConversationRow | undefined => {
      const ref = checkConversationRef(payload);
      const row = ref.ok ? store.getConversation(ref.value.conversationId) : undefined;
      return row?.site === site.id ? row : undefined;
    };

    socket.on('conversation:open', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const row = ownConversation(payload);
      if (!row) return ack(fail('not_found', 'no such conversation'));
      ack({
        ok: true,
        conversation: toSummary(store.getConversationListRow(row.id)!),
        messages: store.lastMessages(row.id, LIMITS.historyReplay).map((m) => toChatMessage(ctx, site.id, m)),
      });
    });

    socket.on('message:send', (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        const checked = checkOperatorSend(payload);
        if (!checked.ok) return ack(checked);
        const row = ownConversation(checked.value);
        if (!row) return ack(fail('not_found', 'no such conversation'));
        if (row.status !== 'open') return ack(fail('closed', 'the conversation is closed'));
        const { message: stored, duplicate } = store.appendMessage({
          conversationId: row.id,
          sender: `o:${operator.id}`,
          clientId: checked.value.clientId,
          author: 'operator',
          operatorId: operator.id,
          text: checked.value.text,
        });
        const message = toChatMessage(ctx, site.id, stored);
        ack({ ok: true, message });
        if (duplicate) return;
        const visitorRoom = rooms.visitor(site.id, row.visitorId);
        // The first operator to answer takes the conversation.
        if (store.assignOperator(row.id, operator.id)) {
          ctx.visitors.to(visitorRoom).emit('operator:assigned', publicProfile(operator, ctx.publicUrl));
        }
        ctx.visitors.to(visitorRoom).emit('message:new', message);
        socket.broadcast.to(rooms.operators(site.id)).emit('message:new', message);
        publishConversation(ctx, row.id);
      } catch (error) {
        ctx.log(`operator message failed: ${String(error)}`);
        ack(fail('internal', 'the message could not be stored'));
      }
    });

    socket.on('conversation:close', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const row = ownConversation(payload);
      if (!row) return ack(fail('not_found', 'no such conversation'));
      if (store.closeConversation(row.id)) {
        ctx.visitors.to(rooms.visitor(site.id, row.visitorId)).emit('conversation:closed', { conversationId: row.id });
        publishConversation(ctx, row.id);
      }
      ack({ ok: true, conversation: toSummary(store.getConversationListRow(row.id)!) });
    });

    socket.on('typing', (payload) => {
      const typing = readTyping(payload);
      const row = typing === null ? undefined : ownConversation(payload);
      if (row?.status !== 'open') return;
      ctx.visitors.to(rooms.visitor(site.id, row.visitorId)).volatile.emit('typing', { typing: typing! });
    });
  });
}
