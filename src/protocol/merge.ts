/**
 * How a client keeps its copy of a conversation: the widget's conversation model and the
 * console's open chat both merge what the server sends through this one rule. A message is
 * replaced only by a version with a higher change number, so a late or replayed event never
 * undoes an edit or a delete.
 */
export interface Versioned {
  id: string;
  changeSeq: number;
}

/**
 * `known` with `incoming` merged in and sorted by `order`; `known` itself (the same array)
 * when nothing newer arrived, so a signal holding it does not notify for nothing.
 */
export function mergeByChange<M extends Versioned>(
  known: readonly M[],
  incoming: readonly M[],
  order: (a: M, b: M) => number,
): readonly M[] {
  const byId = new Map(known.map((m) => [m.id, m]));
  let changed = false;
  for (const message of incoming) {
    const current = byId.get(message.id);
    if (current && current.changeSeq >= message.changeSeq) continue;
    byId.set(message.id, message);
    changed = true;
  }
  return changed ? [...byId.values()].sort(order) : known;
}
