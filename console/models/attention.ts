/**
 * Unread counts wired to signals: the pure rules of ./unread.ts, the read positions
 * remembered per operator in localStorage, and the document title with the total.
 */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import type { ChatMessage, ConversationSummary } from '../../src/protocol';
import * as unread from './unread';

export const readKey = (operatorId: string) => `confab-console:read:${operatorId}`;

export function createUnreadModel(
  storage: Storage,
  conversations: ReadonlySignal<ReadonlyMap<string, ConversationSummary>>,
  me: ReadonlySignal<string | undefined>,
) {
  const state = signal<unread.UnreadState>(new Map());

  const remember = () => {
    const id = me.value;
    if (!id) return;
    try {
      storage.setItem(
        readKey(id),
        JSON.stringify(unread.readPositions(state.value, new Set(conversations.value.keys()))),
      );
    } catch {
      // Storage full or blocked: counts still work for this page.
    }
  };

  /** Conversations that call for this operator: open, and theirs or nobody's yet. */
  const tabOf = (c: ConversationSummary): 'new' | 'mine' | null =>
    c.status !== 'open' ? null : !c.operatorId ? 'new' : c.operatorId === me.value ? 'mine' : null;

  const byTab = computed(() => {
    const counts = { new: 0, mine: 0 };
    for (const c of conversations.value.values()) {
      const tab = tabOf(c);
      if (tab) counts[tab] += unread.unreadCount(state.value, c.id);
    }
    return counts;
  });
  const total = computed(() => byTab.value.new + byTab.value.mine);

  return {
    state,
    byTab,
    total,
    count: (conversationId: string) => unread.unreadCount(state.value, conversationId),
    seed(summaries: readonly ConversationSummary[], operatorId: string) {
      let remembered: Record<string, number> = {};
      try {
        remembered = JSON.parse(storage.getItem(readKey(operatorId)) ?? '{}') as Record<string, number>;
      } catch {
        remembered = {};
      }
      state.value = unread.seed(summaries, remembered, state.value);
    },
    /** Counts a visitor message; true when it was new (not a duplicate, not already read). */
    incoming(message: ChatMessage): boolean {
      const next = unread.countIncoming(state.value, message);
      if (next === state.value) return false;
      state.value = next;
      return true;
    },
    read(conversationId: string, seq: number) {
      const next = unread.markRead(state.value, conversationId, seq);
      if (next === state.value) return;
      state.value = next;
      remember();
    },
    recount(conversationId: string, messages: readonly ChatMessage[]) {
      state.value = unread.recount(state.value, conversationId, messages);
    },
  };
}

export type UnreadModel = ReturnType<typeof createUnreadModel>;
