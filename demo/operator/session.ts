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
  type ConversationSummary,
  type Lead,
  type LeadStatus,
  type OperatorProfile,
  type OperatorStatus,
  type TeamMember,
  type OperatorToServer,
  type ServerToOperator,
} from '../../src/protocol';

export type Tab = 'new' | 'mine' | 'closed' | 'leads';

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
  const pending = signal<PendingReply[]>([]);
  const typing = signal<Set<string>>(new Set());
  const tab = signal<Tab>('new');
  const status = signal<OperatorStatus>('available');
  const team = signal<TeamMember[]>([]);
  const leads = signal<Map<string, Lead>>(new Map());
  const selectedLeadId = signal<string | null>(null);

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
      if (selectedId.value) void select(selectedId.value);
    },
    'team:updated': (members) => (team.value = members),
    'lead:new': (lead) => upsertLead(lead),
    'lead:updated': (lead) => upsertLead(lead),
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
    pending.value = [];
    const result = await socket.timeout(10_000).emitWithAck('conversation:open', { conversationId });
    if (result.ok && selectedId.value === conversationId) {
      upsert(result.conversation);
      messages.value = result.messages;
    }
  }

  async function reply(text: string) {
    const conversationId = selectedId.value;
    if (!conversationId || !text.trim()) return;
    const item: PendingReply = { clientId: newId(), text: text.trim() };
    pending.value = [...pending.value, item];
    const done = (patch: Partial<PendingReply> | null) =>
      (pending.value = pending.value.flatMap((p) => (p.clientId !== item.clientId ? [p] : patch ? [{ ...p, ...patch }] : [])));
    try {
      const result = await socket.timeout(10_000).emitWithAck('message:send', { conversationId, clientId: item.clientId, text: item.text });
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
    async closeSelected() {
      if (selectedId.value) await socket.timeout(10_000).emitWithAck('conversation:close', { conversationId: selectedId.value });
    },
    disconnect: () => socket.disconnect(),
  };
}

export type OperatorSession = ReturnType<typeof createOperatorSession>;
