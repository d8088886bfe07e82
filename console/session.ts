/**
 * The operator's connection and what it knows: every conversation of the site, the one
 * open on screen, and who is typing. One model, fed by one handler table.
 */
import { computed, signal } from '@preact/signals';
import { io, type Socket } from 'socket.io-client';
import {
  OPERATOR_NAMESPACE,
  newId,
  type ChatMessage,
  type ContextSnapshot,
  type ConversationSummary,
  type Lead,
  type LeadStatus,
  type OnlineVisitor,
  type OperatorProfile,
  type OperatorStatus,
  type TeamMember,
  type OperatorToServer,
  type ServerToOperator,
} from '../src/protocol';

export type Tab = 'new' | 'mine' | 'closed' | 'leads' | 'online';

export interface PendingReply {
  clientId: string;
  text: string;
  error?: string;
}

export function createOperatorSession(token: string, onUnauthorized: () => void) {
  const me = signal<OperatorProfile | null>(null);
  const connected = signal(false);
  const conversations = signal<Map<string, ConversationSummary>>(new Map());
  const selectedId = signal<string | null>(null);
  const messages = signal<ChatMessage[]>([]);
  /** The visitor's context when the open conversation began. */
  const context = signal<ContextSnapshot | null>(null);
  const pending = signal<PendingReply[]>([]);
  const typing = signal<Set<string>>(new Set());
  const tab = signal<Tab>('new');
  const status = signal<OperatorStatus>('available');
  const team = signal<TeamMember[]>([]);
  const leads = signal<Map<string, Lead>>(new Map());
  const selectedLeadId = signal<string | null>(null);
  const online = signal<Map<string, OnlineVisitor>>(new Map());
  /** The visitor message being answered with a quote. */
  const replyingTo = signal<ChatMessage | null>(null);

  const socket: Socket<ServerToOperator, OperatorToServer> = io(OPERATOR_NAMESPACE, {
    auth: { token },
    transports: ['websocket', 'polling'],
  });

  const upsert = (summary: ConversationSummary) => {
    const next = new Map(conversations.value);
    next.set(summary.id, summary);
    conversations.value = next;
  };
  const upsertLead = (lead: Lead) => {
    const next = new Map(leads.value);
    next.set(lead.id, lead);
    leads.value = next;
  };
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const setTyping = (conversationId: string, on: boolean) => {
    clearTimeout(typingTimers.get(conversationId));
    const next = new Set(typing.value);
    if (on) {
      next.add(conversationId);
      typingTimers.set(conversationId, setTimeout(() => setTyping(conversationId, false), 6000));
    } else next.delete(conversationId);
    typing.value = next;
  };
  const replaceMessage = (message: ChatMessage) => {
    if (message.conversationId === selectedId.value) {
      messages.value = messages.value.map((m) => (m.id === message.id ? message : m));
    }
  };
  const addMessage = (message: ChatMessage) => {
    if (message.conversationId !== selectedId.value) return;
    if (messages.value.some((m) => m.id === message.id)) return;
    messages.value = [...messages.value, message].sort((a, b) => a.seq - b.seq);
  };

  const handlers: ServerToOperator = {
    hello(hello) {
      me.value = hello.operator;
      status.value = hello.status;
      team.value = hello.team;
      conversations.value = new Map(hello.conversations.map((c) => [c.id, c]));
      leads.value = new Map(hello.leads.map((l) => [l.id, l]));
      online.value = new Map(hello.online.map((v) => [v.visitorId, v]));
      if (selectedId.value) void select(selectedId.value);
    },
    'team:updated': (members) => (team.value = members),
    'lead:new': (lead) => upsertLead(lead),
    'lead:updated': (lead) => upsertLead(lead),
    'message:updated': (message) => replaceMessage(message),
    read: ({ conversationId, seq }) => {
      const summary = conversations.value.get(conversationId);
      if (summary) upsert({ ...summary, visitorReadSeq: Math.max(summary.visitorReadSeq, seq) });
    },
    rating: ({ low: _, ...rating }) => {
      const summary = conversations.value.get(rating.conversationId);
      if (summary) upsert({ ...summary, rating });
    },
    'visitor:online': (visitor) => {
      const next = new Map(online.value);
      next.set(visitor.visitorId, visitor);
      online.value = next;
    },
    'visitor:page': (visitor) => {
      const next = new Map(online.value);
      next.set(visitor.visitorId, visitor);
      online.value = next;
    },
    'visitor:offline': ({ visitorId }) => {
      const next = new Map(online.value);
      next.delete(visitorId);
      online.value = next;
    },
    'conversation:updated': upsert,
    'message:new'(message) {
      if (message.author === 'visitor') setTyping(message.conversationId, false);
      addMessage(message);
    },
    typing: ({ conversationId, typing: on }) => setTyping(conversationId, on),
  };
  for (const event of Object.keys(handlers) as (keyof ServerToOperator)[]) socket.on(event, handlers[event] as never);
  socket.on('connect', () => (connected.value = true));
  socket.on('disconnect', () => (connected.value = false));
  socket.on('connect_error', (error) => {
    connected.value = false;
    if (error.message === 'unauthorized') onUnauthorized();
    else setTimeout(() => socket.connect(), 2000);
  });

  async function select(conversationId: string) {
    selectedId.value = conversationId;
    messages.value = [];
    context.value = null;
    pending.value = [];
    const result = await socket.timeout(10_000).emitWithAck('conversation:open', { conversationId });
    if (result.ok && selectedId.value === conversationId) {
      upsert(result.conversation);
      messages.value = result.messages;
      context.value = result.context;
    }
  }

  /** Tells the visitor how far the operator has read the conversation on screen. */
  function markRead() {
    const id = selectedId.value;
    const last = messages.value.at(-1);
    if (id && last && document.visibilityState === 'visible') socket.volatile.emit('read', { conversationId: id, seq: last.seq });
  }

  async function reply(text: string) {
    const conversationId = selectedId.value;
    if (!conversationId || !text.trim()) return;
    const item: PendingReply = { clientId: newId(), text: text.trim() };
    const replyTo = replyingTo.value?.id;
    replyingTo.value = null;
    pending.value = [...pending.value, item];
    const done = (patch: Partial<PendingReply> | null) =>
      (pending.value = pending.value.flatMap((p) => (p.clientId !== item.clientId ? [p] : patch ? [{ ...p, ...patch }] : [])));
    try {
      const result = await socket.timeout(10_000).emitWithAck('message:send', {
        conversationId,
        clientId: item.clientId,
        text: item.text,
        ...(replyTo ? { replyTo } : {}),
      });
      if (result.ok) {
        done(null);
        addMessage(result.message);
        // Answering a new conversation takes it: follow it to "Mine".
        if (tab.value === 'new') tab.value = 'mine';
      } else done({ error: result.error.message });
    } catch {
      done({ error: 'not delivered — check the connection' });
    }
  }

  const leadList = computed(() => [...leads.value.values()].sort((a, b) => b.createdAt - a.createdAt));

  const visible = computed(() => {
    const list = [...conversations.value.values()].sort((a, b) => b.updatedAt - a.updatedAt);
    const mine = me.value?.id;
    return list.filter((c) =>
      tab.value === 'closed' ? c.status === 'closed' : tab.value === 'mine' ? c.status === 'open' && c.operatorId === mine : c.status === 'open' && !c.operatorId,
    );
  });

  return {
    me,
    connected,
    conversations,
    selectedId,
    messages,
    pending,
    typing,
    tab,
    visible,
    status,
    team,
    leads,
    leadList,
    selectedLeadId,
    async setStatus(next: OperatorStatus) {
      const result = await socket.timeout(10_000).emitWithAck('status:set', { status: next });
      if (result.ok) status.value = result.status;
    },
    async setLeadStatus(leadId: string, next: LeadStatus) {
      const result = await socket.timeout(10_000).emitWithAck('lead:update', { leadId, status: next });
      if (result.ok) upsertLead(result.lead);
    },
    select,
    reply,
    typingSignal: (on: boolean) => {
      if (selectedId.value) socket.volatile.emit('typing', { conversationId: selectedId.value, typing: on });
    },
    online,
    context,
    replyingTo,
    markRead,
    async closeSelected(spam = false) {
      if (selectedId.value) await socket.timeout(10_000).emitWithAck('conversation:close', { conversationId: selectedId.value, spam });
    },
    async edit(messageId: string, text: string) {
      const result = await socket.timeout(10_000).emitWithAck('message:edit', { messageId, text });
      if (result.ok) replaceMessage(result.message);
      return result.ok;
    },
    async remove(messageId: string) {
      const result = await socket.timeout(10_000).emitWithAck('message:delete', { messageId });
      if (result.ok) replaceMessage(result.message);
    },
    /** Writes first to a visitor on the site (seed 003). */
    async startWith(visitorId: string) {
      const result = await socket.timeout(10_000).emitWithAck('conversation:start', { visitorId });
      if (!result.ok) return;
      upsert(result.conversation);
      tab.value = 'mine';
      await select(result.conversation.id);
    },
    disconnect: () => socket.disconnect(),
  };
}

export type OperatorSession = ReturnType<typeof createOperatorSession>;
