/**
 * What the visitor's conversation looks like right now, as signals: confirmed messages
 * in sequence order, the assigned operator, the operator's typing, and what is unread.
 * Pure state: the transport feeds it through the handler table in `connection.ts`.
 */
import { computed, createModel, signal, type ReadonlySignal } from '@preact/signals';
import {
  LIMITS,
  mergeByChange,
  type ChatMessage,
  type CloseReason,
  type ConversationStatus,
  type OperatorProfile,
  type QueueState,
  type Rating,
  type SiteInfo,
  type VisitorSession,
} from '../../protocol';
import type { Storage } from '../storage';
import { onDispose } from './dispose';

function byConversationThenSeq(a: ChatMessage, b: ChatMessage): number {
  return a.conversationId === b.conversationId ? a.seq - b.seq : a.createdAt - b.createdAt;
}

export const ConversationModel = createModel((storage: Storage) => {
  const site = signal<SiteInfo | null>(null);
  const messages = signal<readonly ChatMessage[]>([]);
  const conversationId = signal<string | null>(null);
  const status = signal<ConversationStatus | null>(null);
  const operator = signal<OperatorProfile | null>(null);
  const operatorTyping = signal(false);
  const closeReason = signal<CloseReason | null>(null);
  /** Closed as spam: no new chat, no form (seed 003). */
  const blocked = signal(false);
  /** How far the operator has read the current conversation. */
  const operatorReadSeq = signal(0);
  /** The rating asked for after a normal end, until given or dismissed. */
  const rating = signal<Rating | null>(null);
  /** The chat's place in line while nobody has taken it (the server's `queue`). */
  const queue = signal<QueueState | null>(null);
  /** The server has messages older than the oldest held here (ask with `history:page`). */
  const hasOlder = signal(false);
  /** Unread operator messages older than those held, as the server counted them with the newest page. */
  const olderUnread = signal(0);
  /** Server time of the newest operator message the visitor has seen. */
  const readUpTo = signal<number>(storage.get<number>('readUpTo') ?? 0);
  // Read in another tab is read here too.
  onDispose(storage.watch<number>('readUpTo', (seen) => (readUpTo.value = seen ?? 0)));

  /** The change number the client holds for the current conversation; the server replays the rest. */
  const lastChange = computed(() => {
    let change = 0;
    for (const message of messages.value) {
      if (message.conversationId === conversationId.value) change = Math.max(change, message.changeSeq);
    }
    return change;
  });
  const unread = computed(() => {
    const held = messages.value;
    const seen = readUpTo.value;
    // Read here past the oldest held means read before it too: the server's count of those is older news.
    return (
      held.filter((m) => m.author === 'operator' && m.createdAt > seen).length +
      ((held[0]?.createdAt ?? 0) > seen ? olderUnread.value : 0)
    );
  });

  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const setOperatorTyping = (typing: boolean) => {
    clearTimeout(typingTimer);
    operatorTyping.value = typing;
    // A lost "stopped typing" signal must not leave the indicator on for good.
    if (typing) typingTimer = setTimeout(() => (operatorTyping.value = false), LIMITS.typingTtlMs);
  };
  onDispose(() => clearTimeout(typingTimer));

  /**
   * Adds new messages and applies edits and deletes: the higher change number wins. A
   * change to a message older than those held is not kept (a gap above it would go
   * unseen): the page that brings that message brings it as it is then.
   */
  const merge = (incoming: readonly ChatMessage[]) => {
    const oldest = hasOlder.value && messages.value[0];
    messages.value = mergeByChange(
      messages.value,
      incoming.filter((m) => !oldest || byConversationThenSeq(m, oldest) >= 0),
      byConversationThenSeq,
    );
  };

  /** A page of history: older messages in front of those held, or the newest page instead of them. */
  const page = (list: readonly ChatMessage[], more: boolean, replace?: boolean) => {
    hasOlder.value = more;
    messages.value = mergeByChange(replace ? [] : messages.value, list, byConversationThenSeq);
  };

  const readonly = {
    site,
    messages,
    conversationId,
    status,
    operator,
    operatorTyping,
    closeReason,
    blocked,
    operatorReadSeq,
    rating,
    lastChange,
    unread,
    queue,
    hasOlder,
    readUpTo,
  } satisfies Record<string, ReadonlySignal<unknown>>;
  return {
    ...(readonly as { [K in keyof typeof readonly]: ReadonlySignal<(typeof readonly)[K]['value']> }),

    applySession(session: VisitorSession) {
      site.value = session.site;
      conversationId.value = session.conversationId;
      status.value = session.status;
      closeReason.value = session.closeReason;
      operator.value = session.operator;
      operatorReadSeq.value = session.operatorReadSeq;
      rating.value = session.rating;
      blocked.value = session.blocked;
      if (session.hasOlder === undefined) merge(session.messages);
      // The newest page instead of a catch-up: it replaces what was held.
      else {
        page(session.messages, session.hasOlder, true);
        olderUnread.value = session.olderUnread ?? 0;
      }
    },

    page,

    setQueue(state: QueueState) {
      queue.value = state;
    },

    /** An operator edited or deleted a message. */
    update(message: ChatMessage) {
      merge([message]);
    },

    operatorRead(id: string, seq: number) {
      if (id === conversationId.value) operatorReadSeq.value = Math.max(operatorReadSeq.value, seq);
    },

    setRating(next: Rating | null) {
      rating.value = next;
    },

    /** Forget everything (Confab('reset')): a new visitor starts with an empty chat. */
    clear() {
      messages.value = [];
      conversationId.value = null;
      status.value = null;
      closeReason.value = null;
      operator.value = null;
      operatorReadSeq.value = 0;
      rating.value = null;
      blocked.value = false;
      setOperatorTyping(false);
    },

    /** Takes a live message; false when it was held already (told twice: a resend the server told again). */
    receive(message: ChatMessage): boolean {
      const held = messages.value;
      if (message.conversationId !== conversationId.value) {
        // The first message of a new conversation (the previous one was closed).
        conversationId.value = message.conversationId;
        status.value = 'open';
        closeReason.value = null;
        operatorReadSeq.value = 0;
        rating.value = null;
      }
      if (message.author === 'operator') {
        setOperatorTyping(false);
        if (message.operator) operator.value = message.operator;
      }
      merge([message]);
      return messages.value !== held;
    },

    setOperator(profile: OperatorProfile) {
      operator.value = profile;
    },

    setOperatorTyping,

    closed(id: string, reason: CloseReason) {
      if (id !== conversationId.value) return;
      status.value = 'closed';
      closeReason.value = reason;
      setOperatorTyping(false);
      if (reason === 'spam') blocked.value = true;
      else rating.value = { conversationId: id, state: 'pending' };
    },

    /** The spam mark was undone: the visitor may start a new chat, no reload needed. */
    unblock() {
      blocked.value = false;
    },

    markRead() {
      // The conversation is on screen: nothing older is news either.
      olderUnread.value = 0;
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
});

export type ConversationModel = InstanceType<typeof ConversationModel>;
