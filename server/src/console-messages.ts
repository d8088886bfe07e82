/**
 * New messages told to each site's consoles once per event-loop turn. A busy site stores
 * many messages per turn (the group commit answers them together); one event per console
 * per turn instead of one per message saves an encoding, a frame and a socket write per
 * message, which on a busy server was a large part of what a message cost beyond its store.
 *
 * The messages of one turn go out at the end of it, in the order they were stored: one
 * alone as `message:new`, several as `messages:new`.
 */
export interface ConsoleMessages<Message> {
  add(site: string, message: Message): void;
}

export function createConsoleMessages<Message>(
  tell: (site: string, messages: Message[]) => void,
): ConsoleMessages<Message> {
  let pending = new Map<string, Message[]>();
  let scheduled = false;

  const tellPending = () => {
    scheduled = false;
    const bySite = pending;
    pending = new Map();
    for (const [site, messages] of bySite) tell(site, messages);
  };

  return {
    add(site, message) {
      const messages = pending.get(site);
      if (messages) messages.push(message);
      else pending.set(site, [message]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(tellPending);
      }
    },
  };
}
