/**
 * Conversation changes told to the consoles, newest state last.
 *
 * Changes within one event-loop turn are read together, in one query: a busy server costs
 * one list read per turn, not one per message or per conversation. And one read at a time:
 * on a pool of connections (PostgreSQL) a later read can finish first, and the earlier
 * read's older state would then reach the consoles last and stay there: a chat shown
 * without its last message, or open after it ended. Changes made while a read is out wait
 * for the next read, which starts after it ends, and so after every commit it reports.
 */
export interface ConversationUpdates {
  changed(conversationId: string): void;
}

export function createConversationUpdates<Row>(
  read: (conversationIds: string[]) => Promise<Row[]>,
  tell: (rows: Row[]) => void,
  log: (message: string) => void,
  /** After a failed read (the store away), its conversations are read again this much later. */
  retryMs = 1_000,
): ConversationUpdates {
  const pending = new Set<string>();
  let scheduled = false;
  let reading = false;

  const schedule = (afterMs?: number) => {
    if (scheduled || reading || pending.size === 0) return;
    scheduled = true;
    if (afterMs === undefined) setImmediate(() => void readPending());
    else setTimeout(() => void readPending(), afterMs).unref();
  };

  const readPending = async () => {
    scheduled = false;
    const ids = [...pending];
    pending.clear();
    reading = true;
    let failed = false;
    try {
      tell(await read(ids));
    } catch (error) {
      log(`conversation update not published: ${String(error)}`);
      failed = true;
      for (const id of ids) pending.add(id);
    } finally {
      reading = false;
      schedule(failed ? retryMs : undefined);
    }
  };

  return {
    changed(conversationId) {
      pending.add(conversationId);
      schedule();
    },
  };
}
