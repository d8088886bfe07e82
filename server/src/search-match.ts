/**
 * What a search hit shows the operator: the newest message of a found conversation whose
 * text holds every word looked for, each as a word prefix, as the store's full-text index
 * matches them (letters and digits, case and accents folded). Without it the console
 * could only show the conversation's last message, where the words are often nowhere.
 * Only the newest page (100 messages) of a hit a message matched is read, one read per
 * such hit and none for a hit found by the visitor's name or e-mail alone: a match
 * further back leaves the hit without one, and the console then shows the last message.
 */
import { beginsAWord, searchWordsOf, type ConversationSummary } from '../../src/protocol';
import type { Store } from './store';

/** How many of a conversation's newest messages are read for its snippet: one page. */
const PAGE = 100;

/** Whether every word of `wanted` begins a word of `text`. */
export function holdsWords(text: string, wanted: readonly string[]): boolean {
  const words = searchWordsOf(text);
  return wanted.every((prefix) => beginsAWord(prefix, words));
}

export type SearchMatch = NonNullable<ConversationSummary['match']>;

/** The newest message of `conversation` holding `wanted`, among its newest page. */
export async function newestMatch(
  store: Pick<Store, 'messagesBefore'>,
  conversation: Pick<ConversationSummary, 'id' | 'lastSeq'>,
  wanted: readonly string[],
): Promise<SearchMatch | undefined> {
  const rows = await store.messagesBefore(conversation.id, conversation.lastSeq + 1, PAGE);
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    if (row.deletedAt === null && row.author !== 'system' && holdsWords(row.text, wanted)) {
      return { author: row.author, text: row.text, createdAt: row.createdAt };
    }
  }
  return undefined;
}

/**
 * Search hits with the message that matched, where one did: only the hits `byText` names
 * (a message matched) are read; one found by its name or e-mail alone is left as it is.
 */
export function withMatches(
  store: Pick<Store, 'messagesBefore'>,
  hits: ConversationSummary[],
  text: string | undefined,
  byText: readonly string[],
): Promise<ConversationSummary[]> {
  const wanted = searchWordsOf(text ?? '').slice(0, 8);
  const matched = new Set(byText);
  if (wanted.length === 0 || matched.size === 0) return Promise.resolve(hits);
  return Promise.all(
    hits.map(async (hit) => {
      const match = matched.has(hit.id) ? await newestMatch(store, hit, wanted) : undefined;
      return match ? { ...hit, match } : hit;
    }),
  );
}
