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
): ConversationUpdates {
  const pending = new Set<string>();
  let scheduled = false;
  let reading = false;

  const schedule = () => {
    if (scheduled || reading || pending.size === 0) return;
    scheduled = true;
    setImmediate(() => void readPending());
  };

  const readPending = async () => {
    scheduled = false;
    const ids = [...pending];
    pending.clear();
    reading = true;
    try {
      tell(await read(ids));
    } catch (error) {
      log(`conversation update not published: ${String(error)}`);
    } finally {
      reading = false;
      schedule();
    }
  };

  return {
    changed(conversationId) {
      pending.add(conversationId);
      schedule();
    },
  };
}
