/**
 * Conversation changes told to the consoles, newest state last, once per event-loop turn.
 *
 * Two kinds of change come in. Most are known whole already: a visitor's message is
 * stored by a write that returns the conversation as the consoles list it (`known`), so
 * telling them costs no read at all. The others (a read mark, an assignment, a close)
 * name the conversation only (`changed`), and are read together, in one query per turn:
 * a busy server costs one list read per turn, not one per message or per conversation.
 * Everything of one turn is told in one call, so the consoles get one event per turn.
 *
 * One read at a time: on a pool of connections (PostgreSQL) a later read can finish
 * first, and the earlier read's older state would then reach the consoles last and stay
 * there. Changes made while a read is out wait for the next turn after it, and so after
 * every commit it reports. Of two states of one conversation, the one with the higher
 * revision is the newer (every write to a conversation raises it): the older is not told.
 * Consoles compare revisions too, for states that cross between nodes.
 */
export interface ConversationUpdates<Row> {
  /** The conversation changed: its state is read with the turn's other changes, then told. */
  changed(conversationId: string): void;
  /** The conversation's state after a change, known without a read: told with the turn's others. */
  known(row: Row): void;
  /** The server closes: nothing pending is told, nothing more is read, a failed read is not tried again. */
  close(): void;
}

interface Revised {
  id: string;
  revision: number;
}

export function createConversationUpdates<Row extends Revised>(
  read: (conversationIds: string[]) => Promise<Row[]>,
  tell: (rows: Row[]) => void,
  log: (message: string) => void,
  /** After a failed read (the store away), its conversations are read again this much later. */
  retryMs = 1_000,
): ConversationUpdates<Row> {
  const toRead = new Set<string>();
  let known = new Map<string, Row>();
  let scheduled = false;
  let reading = false;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  /** Keeps the newer of two states; of equal revisions the later told (a read after the write). */
  const keepNewer = (rows: Map<string, Row>, row: Row) => {
    const held = rows.get(row.id);
    if (!held || row.revision >= held.revision) rows.set(row.id, row);
  };

  const schedule = (afterMs?: number) => {
    if (closed || scheduled || reading || (toRead.size === 0 && known.size === 0)) return;
    scheduled = true;
    if (afterMs === undefined) setImmediate(() => void tellPending());
    else retry = setTimeout(() => void tellPending(), afterMs).unref();
  };

  const tellPending = async () => {
    scheduled = false;
    retry = undefined;
    if (closed) return;
    const ids = [...toRead];
    toRead.clear();
    const rows = known;
    known = new Map();
    let failed = false;
    if (ids.length > 0) {
      reading = true;
      try {
        for (const row of await read(ids)) {
          keepNewer(rows, row);
          // A state known while the read was out, but no newer than what it found, is old news.
          const later = known.get(row.id);
          if (later && later.revision <= row.revision) known.delete(row.id);
        }
      } catch (error) {
        log(`conversation update not published: ${String(error)}`);
        failed = true;
        for (const id of ids) toRead.add(id);
      } finally {
        reading = false;
      }
    }
    if (closed) return;
    if (rows.size > 0) tell([...rows.values()]);
    schedule(failed ? retryMs : undefined);
  };

  return {
    changed(conversationId) {
      if (closed) return;
      toRead.add(conversationId);
      schedule();
    },
    known(row) {
      if (closed) return;
      keepNewer(known, row);
      schedule();
    },
    close() {
      closed = true;
      clearTimeout(retry);
      toRead.clear();
      known.clear();
    },
  };
}
