/**
 * What the visitor's conversation looks like right now, as signals: confirmed messages
 * in sequence order, the assigned operator, the operator's typing, and what is unread.
 * Pure state: the transport feeds it through the handler table in `connection.ts`.
 */
import { computed, signal } from '@preact/signals';
import {
  LIMITS,
  type ChatMessage,
  type ConversationStatus,
  type OperatorProfile,
  type SiteInfo,
  type VisitorSession,
} from '../../protocol';
import type { Storage } from '../storage';

function byConversationThenSeq(a: ChatMessage, b: ChatMessage): number {
  return a.conversationId === b.conversationId ? a.seq - b.seq : a.createdAt - b.createdAt;
}

export function createConversationModel(storage: Storage) {
  const site = signal<SiteInfo | null>(null);
  const messages = signal<ChatMessage[]>([]);
  const conversationId = signal<string | null>(null);
  const status = signal<ConversationStatus | null>(null);
  const operator = signal<OperatorProfile | null>(null);
  const operatorTyping = signal(false);
  /** Server time of the newest operator message the visitor has seen. */
  const readUpTo = signal<number>(storage.get<number>('readUpTo') ?? 0);

  /** The sequence the client holds for the current conversation; the server replays the rest. */
  const lastSeq = computed(() => {
    let seq = 0;
    for (const message of messages.value) {
      if (message.conversationId === conversationId.value) seq = Math.max(seq, message.seq);
    }
    return seq;
  });
  const unread = computed(
    () => messages.value.filter((m) => m.author === 'operator' && m.createdAt > readUpTo.value).length,
  );

  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const setOperatorTyping = (typing: boolean) => {
    clearTimeout(typingTimer);
    operatorTyping.value = typing;
    // A lost "stopped typing" signal must not leave the indicator on for good.
    if (typing) typingTimer = setTimeout(() => (operatorTyping.value = false), LIMITS.typingTtlMs);
  };

  const merge = (incoming: ChatMessage[]) => {
    const known = new Set(messages.value.map((m) => m.id));
    const fresh = incoming.filter((m) => !known.has(m.id));
    if (fresh.length) messages.value = [...messages.value, ...fresh].sort(byConversationThenSeq);
  };

  return {
    site,
    messages,
    conversationId,
    status,
    operator,
    operatorTyping,
    lastSeq,
    unread,

    applySession(session: VisitorSession) {
      site.value = session.site;
      conversationId.value = session.conversationId;
      status.value = session.status;
      operator.value = session.operator;
      merge(session.messages);
    },

    receive(message: ChatMessage) {
      if (message.conversationId !== conversationId.value) {
        // The first message of a new conversation (the previous one was closed).
        conversationId.value = message.conversationId;
        status.value = 'open';
      }
      if (message.author === 'operator') {
        setOperatorTyping(false);
        if (message.operator) operator.value = message.operator;
      }
      merge([message]);
    },

    setOperator(profile: OperatorProfile) {
      operator.value = profile;
    },

    setOperatorTyping,

    closed(id: string) {
      if (id === conversationId.value) {
        status.value = 'closed';
        setOperatorTyping(false);
      }
    },

    markRead() {
      const newest = messages.value.reduce(
        (max, m) => (m.author === 'operator' ? Math.max(max, m.createdAt) : max),
        readUpTo.value,
      );
      if (newest !== readUpTo.value) {
        readUpTo.value = newest;
        storage.set('readUpTo', newest);
      }
    },
  };
}

export type ConversationModel = ReturnType<typeof createConversationModel>;
