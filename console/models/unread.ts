/**
 * Unread visitor messages per conversation, as pure functions over an immutable map, so
 * the counting rules can be tested without a socket or a DOM.
 *
 * A visitor message is unread while its `seq` is above the operator's read position for
 * that conversation. Messages are counted by `seq`, so a replayed or duplicated event is
 * not counted twice. After a reload the console knows only the conversation summary:
 * when its last message is the visitor's and lies beyond the read position, it counts
 * one until the conversation is opened and the exact number is known.
 */
import type { ChatMessage, ConversationSummary } from '../../src/protocol';

export interface UnreadEntry {
  /** The highest seq the operator has read. */
  readSeq: number;
  /** Seqs of visitor messages above `readSeq`, ascending. */
  unreadSeqs: readonly number[];
}

export type UnreadState = ReadonlyMap<string, UnreadEntry>;

const EMPTY: UnreadEntry = { readSeq: 0, unreadSeqs: [] };

const entryOf = (state: UnreadState, conversationId: string) => state.get(conversationId) ?? EMPTY;

function withEntry(state: UnreadState, conversationId: string, entry: UnreadEntry): UnreadState {
  const next = new Map(state);
  next.set(conversationId, entry);
  return next;
}

/** A visitor message arrived. Anything else (operator, system, duplicates, already read) changes nothing. */
export function countIncoming(
  state: UnreadState,
  message: Pick<ChatMessage, 'conversationId' | 'seq' | 'author'>,
): UnreadState {
  if (message.author !== 'visitor') return state;
  const entry = entryOf(state, message.conversationId);
  if (message.seq <= entry.readSeq || entry.unreadSeqs.includes(message.seq)) return state;
  const unreadSeqs = [...entry.unreadSeqs, message.seq].sort((a, b) => a - b);
  return withEntry(state, message.conversationId, { ...entry, unreadSeqs });
}

/** The operator has read the conversation up to `seq`. */
export function markRead(state: UnreadState, conversationId: string, seq: number): UnreadState {
  const entry = entryOf(state, conversationId);
  const readSeq = Math.max(entry.readSeq, seq);
  if (readSeq === entry.readSeq && entry.unreadSeqs.every((s) => s > readSeq)) return state;
  return withEntry(state, conversationId, { readSeq, unreadSeqs: entry.unreadSeqs.filter((s) => s > readSeq) });
}

/** The exact count once the conversation's messages are loaded. */
export function recount(state: UnreadState, conversationId: string, messages: readonly ChatMessage[]): UnreadState {
  const entry = entryOf(state, conversationId);
  const unreadSeqs = messages
    .filter((m) => m.conversationId === conversationId && m.author === 'visitor' && m.seq > entry.readSeq)
    .map((m) => m.seq)
    .sort((a, b) => a - b);
  return withEntry(state, conversationId, { ...entry, unreadSeqs });
}

/**
 * The starting state from the conversations the server lists, the read positions the
 * console remembers (or the server reports in `operatorReadSeq`) and, after a reconnect,
 * what this page already counted.
 */
export function seed(
  summaries: readonly ConversationSummary[],
  remembered: Readonly<Record<string, number>>,
  previous: UnreadState = new Map(),
): UnreadState {
  const state = new Map<string, UnreadEntry>();
  for (const c of summaries) {
    const before = entryOf(previous, c.id);
    const readSeq = Math.max(remembered[c.id] ?? 0, c.operatorReadSeq ?? 0, before.readSeq);
    const unreadSeqs = before.unreadSeqs.filter((s) => s > readSeq && s <= c.lastSeq);
    // Missed while away (or before this page): at least the last message is unread.
    if (c.lastMessage?.author === 'visitor' && c.lastSeq > readSeq && !unreadSeqs.includes(c.lastSeq))
      unreadSeqs.push(c.lastSeq);
    state.set(c.id, { readSeq, unreadSeqs });
  }
  return state;
}

export const unreadCount = (state: UnreadState, conversationId: string) =>
  entryOf(state, conversationId).unreadSeqs.length;

export function unreadTotal(state: UnreadState, conversationIds: Iterable<string>): number {
  let total = 0;
  for (const id of conversationIds) total += unreadCount(state, id);
  return total;
}

/** The read positions worth remembering: only those of conversations still listed. */
export function readPositions(state: UnreadState, keep: ReadonlySet<string>): Record<string, number> {
  const positions: Record<string, number> = {};
  for (const [id, entry] of state) if (keep.has(id) && entry.readSeq > 0) positions[id] = entry.readSeq;
  return positions;
}

/** "(3) Title" while anything is unread; the plain title otherwise. */
export const titleWithCount = (base: string, total: number) => (total > 0 ? `(${total}) ${base}` : base);
