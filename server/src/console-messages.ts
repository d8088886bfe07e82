/**
 * New messages told to each site's consoles once per event-loop turn. A busy site stores
 * many messages per turn (the group commit answers them together); one event per console
 * per turn instead of one per message saves an encoding, a frame and a socket write per
 * message, which on a busy server was a large part of what a message cost beyond its store.
 *
 * The messages of one turn go out at the end of it, in the order they were stored: one
 * alone as `message:new`, several as `messages:new`. `add` resolves once they have gone
 * out and, with other nodes, once Redis has taken them (`delivered`), and a message's ack
 * waits for that: a message is told before it is acknowledged, so a node that dies after
 * an ack (SIGKILL, a crash) has already told the consoles — through Redis, those on
 * other nodes too. A resend after a lost ack is told again (messages.ts), but a message
 * acknowledged and then never told would be seen only when its conversation is opened
 * again.
 */
export interface ConsoleMessages<Message> {
  /** Resolves once the message has been told, with the rest of its turn's. */
  add(site: string, message: Message): Promise<void>;
}

export function createConsoleMessages<Message>(
  tell: (site: string, messages: Message[]) => void,
  /**
   * Resolves once what was told has left this node: handed to socket.io is not yet sent
   * when it goes through Redis (ServerContext.brokerTook). Failing counts as settled.
   */
  delivered: () => Promise<void> = () => Promise.resolve(),
): ConsoleMessages<Message> {
  let pending = new Map<string, Message[]>();
  /** The pending messages' telling, once one is scheduled for this turn. */
  let told: Promise<void> | undefined;

  const tellPending = (done: () => void) => {
    const bySite = pending;
    pending = new Map();
    told = undefined;
    try {
      for (const [site, messages] of bySite) tell(site, messages);
    } finally {
      // A console that could not be told must not hold back the senders' acks.
      const settled = () => done();
      // Called from a promise, so that even a `delivered` that throws cannot hold the acks.
      Promise.resolve().then(delivered).then(settled, settled);
    }
  };

  return {
    add(site, message) {
      const messages = pending.get(site);
      if (messages) messages.push(message);
      else pending.set(site, [message]);
      told ??= new Promise<void>((resolve) => setImmediate(tellPending, resolve));
      return told;
    },
  };
}
