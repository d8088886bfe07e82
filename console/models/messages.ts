/**
 * The messages of the conversation open on screen. Same rule as the widget's
 * conversation model (src/widget/models/conversation.ts, where it is inline): a message
 * is replaced only by a version with a higher change number, so a late or replayed event
 * never undoes an edit or a delete.
 */
import type { ChatMessage } from '../../src/protocol';

export function mergeByChange(known: readonly ChatMessage[], incoming: readonly ChatMessage[]): readonly ChatMessage[] {
  const byId = new Map(known.map((m) => [m.id, m]));
  let changed = false;
  for (const message of incoming) {
    const current = byId.get(message.id);
    if (current && current.changeSeq >= message.changeSeq) continue;
    byId.set(message.id, message);
    changed = true;
  }
  return changed ? [...byId.values()].sort((a, b) => a.seq - b.seq) : known;
}
