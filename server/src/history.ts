/**
 * A visitor's history a page at a time: the session starts with the newest page, and the
 * widget asks for older pages (`history:page`) as the visitor scrolls up. A page runs
 * back through the visitor's recent conversations, so a returning visitor can read the
 * earlier chats above the current one as before, without the server sending them all.
 */
import type { ConversationRow, MessageRow, Store } from './store';

/** Bounds of paging (the widget only ever asks with the defaults, so they stay out of its bundle). */
export const HISTORY_LIMITS = {
  /** Messages in one page: the session's newest page, and each `history:page` by default. */
  page: 50,
  /** The most messages one `history:page` may ask for. */
  pageMax: 100,
  /** `history:page` requests a visitor may make in a burst, and how many per second refill it. */
  burst: 20,
  perSecond: 2,
} as const;

/** Conversations a visitor can read back through, newest last. */
export const RECENT_CONVERSATIONS = 5;

/** Where a page ends: the client's oldest message (its conversation and sequence number). */
export interface HistoryCursor {
  conversationId: string;
  beforeSeq: number;
}

export interface HistoryPage {
  /** Oldest first. */
  rows: MessageRow[];
  hasMore: boolean;
  /** The visitor's recent conversations the page was read from, newest last. */
  conversations: ConversationRow[];
}

/**
 * The `limit` messages of `owner`'s recent conversations just before `cursor` (or the
 * newest, without one), or undefined when the cursor's conversation is not among them.
 */
export async function historyPage(
  store: Store,
  site: string,
  owner: string,
  cursor: HistoryCursor | null,
  limit: number = HISTORY_LIMITS.page,
): Promise<HistoryPage | undefined> {
  const conversations = await store.recentConversations(site, owner, RECENT_CONVERSATIONS);
  let index = cursor ? conversations.findIndex((c) => c.id === cursor.conversationId) : conversations.length - 1;
  if (index < 0) return cursor ? undefined : { rows: [], hasMore: false, conversations };
  const pages: MessageRow[][] = [];
  let wanted = limit;
  for (let first = true; index >= 0 && wanted > 0; index--, first = false) {
    const conversation = conversations[index]!;
    const before = first && cursor ? cursor.beforeSeq : conversation.lastSeq + 1;
    // One more than wanted tells whether this conversation goes on further back.
    const rows = await store.messagesBefore(conversation.id, before, wanted + 1);
    if (rows.length > wanted) {
      pages.unshift(rows.slice(1));
      return { rows: pages.flat(), hasMore: true, conversations };
    }
    pages.unshift(rows);
    wanted -= rows.length;
  }
  // Filled exactly at a conversation's start: any earlier conversation has more.
  return { rows: pages.flat(), hasMore: index >= 0, conversations };
}

/**
 * The operator messages older than `page` that the visitor has not read, by the read marks
 * the server keeps per conversation: with the page's own, the unread count of a history
 * longer than one page (the widget counts those in the page itself). Asks the store only
 * about conversations with something after their mark before the page.
 */
export async function unreadBeforePage(store: Store, page: HistoryPage): Promise<number> {
  const oldest = page.rows[0];
  if (!oldest) return 0;
  // The page runs back from the newest: conversations after the oldest row's are in it whole.
  const last = page.conversations.findIndex((c) => c.id === oldest.conversationId);
  let count = 0;
  for (const conversation of page.conversations.slice(0, last + 1)) {
    const before = conversation.id === oldest.conversationId ? oldest.seq : conversation.lastSeq + 1;
    if (before - 1 > conversation.visitorReadSeq)
      count += await store.countOperatorMessages(conversation.id, conversation.visitorReadSeq, before);
  }
  return count;
}
