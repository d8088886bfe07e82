/**
 * Canned replies: the site's shared ones and the operator's own. A server that keeps
 * them (it sends `personalCannedReplies` in `hello`) is the source of the operator's own
 * replies, on every device; replies an earlier console left in this browser's
 * localStorage are moved there once. With an older server they stay in localStorage.
 * Inserted into the reply field with "/" and a search, and editable there before sending.
 */
import { computed, signal } from '@preact/signals';
import { foldForSearch, LIMITS, newId, type Ack, type CannedReply, type CannedReplyInput } from '../../src/protocol';
import { matchesQuery } from './filter';

/** Bounds for personal replies: a short title, a text that fits one message. */
export const CANNED_LIMITS = { title: 60, text: LIMITS.messageText, count: 200 } as const;

export const cannedKey = (operatorId: string) => `confab-console:canned:${operatorId}`;

/** Matches by title and text; titles that start with the query come first, then A–Z. */
export function searchCanned(replies: readonly CannedReply[], query: string): CannedReply[] {
  const q = foldForSearch(query.trim());
  const found = replies.filter((r) => matchesQuery(query, [r.title, r.text]));
  const rank = (r: CannedReply) => (q && foldForSearch(r.title).startsWith(q) ? 0 : 1);
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

/** The server's side of one's own replies (the operator socket). */
export interface CannedRemote {
  save(reply: CannedReplyInput): Promise<Ack<{ reply: CannedReply }>>;
  remove(id: string): Promise<Ack<{ id: string }>>;
}

export function createCannedModel(storage: Storage, remote?: CannedRemote) {
  const personal = signal<CannedReply[]>([]);
  const shared = signal<CannedReply[]>([]);
  /** Why the server refused or missed the latest change (shown in the manager). */
  const failure = signal('');
  let operatorId: string | null = null;
  /** Whether the server keeps this operator's replies (it said so in `hello`). */
  let onServer = false;
  const failed = (why: string) => (failure.value = `Not saved: ${why}`);
  const sent = <T>(work: Promise<Ack<T>>, undo: () => void) =>
    work.then(
      (result) => {
        if (result.ok) return result;
        undo();
        failed(result.error.message);
        return null;
      },
      () => {
        undo();
        failed('the server did not answer; try again');
        return null;
      },
    );
  const save = () => {
    if (!operatorId || onServer) return;
    try {
      storage.setItem(cannedKey(operatorId), JSON.stringify(personal.value));
    } catch {
      // Storage full or blocked: the replies still work on this page.
    }
  };
  /** Moves replies an earlier console kept in this browser to the server, then forgets them here. */
  const migrate = async (id: string) => {
    const local = parse(storage.getItem(cannedKey(id)));
    for (const reply of local) {
      if (personal.value.some((r) => r.title === reply.title && r.text === reply.text)) continue;
      const stored = await sent(remote!.save({ title: reply.title, text: reply.text }), () => {});
      if (!stored) return; // kept locally; tried again on the next login
      personal.value = [...personal.value, stored.reply];
    }
    storage.removeItem(cannedKey(id));
  };

  return {
    personal,
    shared,
    failure,
    /** Shared first (the team's wording), then one's own. */
    all: computed(() => [...shared.value.map((r) => ({ ...r, shared: true })), ...personal.value]),
    /** `ownOnServer`: the operator's replies as the server keeps them; undefined from an older server. */
    load(id: string, fromServer: readonly CannedReply[] = [], ownOnServer?: readonly CannedReply[]) {
      operatorId = id;
      onServer = Boolean(remote && ownOnServer);
      shared.value = [...fromServer];
      failure.value = '';
      if (onServer) {
        personal.value = [...ownOnServer!];
        void migrate(id);
      } else personal.value = parse(storage.getItem(cannedKey(id)));
    },
    /** The server says a list changed (the owner's shared list, or one's own on another device). */
    replace(lists: { shared?: readonly CannedReply[]; personal?: readonly CannedReply[] }) {
      if (lists.shared) shared.value = [...lists.shared];
      if (lists.personal && onServer) personal.value = [...lists.personal];
    },
    /** Adds a reply, or replaces the one with `id`; returns the problem if it cannot. */
    save(title: string, text: string, id?: string): string | null {
      const others = personal.value.filter((r) => r.id !== id);
      const problem = cannedProblem(title, text, others.length);
      if (problem) return problem;
      failure.value = '';
      const before = personal.value;
      const draft: CannedReply = { id: id ?? newId(), title: title.trim(), text: text.trim() };
      personal.value = id ? personal.value.map((r) => (r.id === id ? draft : r)) : [...personal.value, draft];
      if (!onServer) {
        save();
        return null;
      }
      // Shown at once; the server gives a new reply its id, and a refusal puts the list back.
      void sent(remote!.save({ ...(id ? { id } : {}), title: draft.title, text: draft.text }), () => {
        personal.value = before;
      }).then((stored) => {
        if (stored) personal.value = personal.value.map((r) => (r.id === draft.id ? stored.reply : r));
      });
      return null;
    },
    remove(id: string) {
      const before = personal.value;
      personal.value = personal.value.filter((r) => r.id !== id);
      failure.value = '';
      if (onServer) void sent(remote!.remove(id), () => (personal.value = before));
      else save();
    },
  };
}

export type CannedModel = ReturnType<typeof createCannedModel>;
