/**
 * What a search hit shows the operator: the newest message of a found conversation whose
 * text holds every word looked for, each as a word prefix, as the store's full-text index
 * matches them (letters and digits, case and accents folded). Without it the console
 * could only show the conversation's last message, where the words are often nowhere.
 * Only the newest pages are read: a match further back leaves the hit without one, and
 * the console then shows the last message as before.
 */
import type { ConversationSummary } from '../../src/protocol';
import type { Store } from './store';

/** How many messages of one conversation are read at a time, and how many pages at most. */
const PAGE = 100;
const PAGES = 5;

const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** The words of a search or a message: letters and digits, folded. */
export const wordsOf = (text: string): string[] => fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];

/** Whether every word of `wanted` begins a word of `text`. */
export function holdsWords(text: string, wanted: readonly string[]): boolean {
  const words = wordsOf(text);
  return wanted.every((prefix) => words.some((word) => word.startsWith(prefix)));
}

export type SearchMatch = NonNullable<ConversationSummary['match']>;

/** The newest message of `conversation` holding `wanted`, among its newest pages. */
export async function newestMatch(
  store: Pick<Store, 'messagesBefore'>,
  conversation: Pick<ConversationSummary, 'id' | 'lastSeq'>,
  wanted: readonly string[],
): Promise<SearchMatch | undefined> {
  let before = conversation.lastSeq + 1;
  for (let page = 0; page < PAGES && before > 1; page++) {
    const rows = await store.messagesBefore(conversation.id, before, PAGE);
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i]!;
      if (row.deletedAt === null && row.author !== 'system' && holdsWords(row.text, wanted)) {
        return { author: row.author, text: row.text, createdAt: row.createdAt };
      }
    }
    if (rows.length < PAGE) break;
    before = rows[0]!.seq;
  }
  return undefined;
}

/** Search hits with the message that matched, where one did (a name or e-mail may be what matched). */
export function withMatches(
  store: Pick<Store, 'messagesBefore'>,
  hits: ConversationSummary[],
  text: string | undefined,
): Promise<ConversationSummary[]> {
  const wanted = wordsOf(text ?? '').slice(0, 8);
  if (wanted.length === 0) return Promise.resolve(hits);
  return Promise.all(
    hits.map(async (hit) => {
      const match = await newestMatch(store, hit, wanted);
      return match ? { ...hit, match } : hit;
    }),
  );
}
