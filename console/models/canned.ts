/**
 * Canned replies: the site's shared ones (when the server sends them) and the operator's
 * own, kept in this browser's localStorage under the operator's id. Inserted into the
 * reply field with "/" and a search, and editable there before sending.
 */
import { computed, signal } from '@preact/signals';
import { LIMITS, newId, type CannedReply } from '../../src/protocol';
import { fold, matchesQuery } from './filter';

/** Bounds for personal replies: a short title, a text that fits one message. */
export const CANNED_LIMITS = { title: 60, text: LIMITS.messageText, count: 200 } as const;

export const cannedKey = (operatorId: string) => `confab-console:canned:${operatorId}`;

/** Matches by title and text; titles that start with the query come first, then A–Z. */
export function searchCanned(replies: readonly CannedReply[], query: string): CannedReply[] {
  const q = fold(query.trim());
  const found = replies.filter((r) => matchesQuery(query, [r.title, r.text]));
  const rank = (r: CannedReply) => (q && fold(r.title).startsWith(q) ? 0 : 1);
  return found.sort((a, b) => rank(a) - rank(b) || a.title.localeCompare(b.title));
}

/** Why a personal reply cannot be saved, or null when it can. */
export function cannedProblem(title: string, text: string, count: number): string | null {
  if (!title.trim() || !text.trim()) return 'Give the reply a title and a text.';
  if (title.trim().length > CANNED_LIMITS.title) return `The title is longer than ${CANNED_LIMITS.title} characters.`;
  if (text.trim().length > CANNED_LIMITS.text) return `The text is longer than ${CANNED_LIMITS.text} characters.`;
  if (count >= CANNED_LIMITS.count) return `You have ${CANNED_LIMITS.count} replies already: delete one first.`;
  return null;
}

function parse(raw: string | null): CannedReply[] {
  try {
    const list = JSON.parse(raw ?? '[]') as unknown;
    if (!Array.isArray(list)) return [];
    return list.filter(
      (r): r is CannedReply => typeof r?.id === 'string' && typeof r?.title === 'string' && typeof r?.text === 'string',
    );
  } catch {
    return [];
  }
}

export function createCannedModel(storage: Storage) {
  const personal = signal<CannedReply[]>([]);
  const shared = signal<CannedReply[]>([]);
  let operatorId: string | null = null;
  const save = () => {
    if (!operatorId) return;
    try {
      storage.setItem(cannedKey(operatorId), JSON.stringify(personal.value));
    } catch {
      // Storage full or blocked: the replies still work on this page.
    }
  };
  return {
    personal,
    shared,
    /** Shared first (the team's wording), then one's own. */
    all: computed(() => [...shared.value.map((r) => ({ ...r, shared: true })), ...personal.value]),
    load(id: string, fromServer: readonly CannedReply[] = []) {
      operatorId = id;
      personal.value = parse(storage.getItem(cannedKey(id)));
      shared.value = [...fromServer];
    },
    /** Adds a reply, or replaces the one with `id`; returns the problem if it cannot. */
    save(title: string, text: string, id?: string): string | null {
      const others = personal.value.filter((r) => r.id !== id);
      const problem = cannedProblem(title, text, others.length);
      if (problem) return problem;
      const reply: CannedReply = { id: id ?? newId(), title: title.trim(), text: text.trim() };
      personal.value = id ? personal.value.map((r) => (r.id === id ? reply : r)) : [...personal.value, reply];
      save();
      return null;
    },
    remove(id: string) {
      personal.value = personal.value.filter((r) => r.id !== id);
      save();
    },
  };
}

export type CannedModel = ReturnType<typeof createCannedModel>;
