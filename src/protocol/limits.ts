/**
 * Bounds shared by the widget (to stop bad input early, with a clear message) and the
 * server (to refuse it whatever the client did). Changing one changes both sides.
 */
export const LIMITS = {
  /** Characters in one chat message. */
  messageText: 4000,
  /** Characters of a display name (data-name, operator names). */
  name: 100,
  /** Characters of an e-mail address (RFC 5321 path limit). */
  email: 254,
  /** Bytes one socket.io packet may carry; larger packets close the connection. */
  packetBytes: 64 * 1024,
  /** Messages a visitor may send in a burst, and how many per second refill it. */
  visitorMessageBurst: 20,
  visitorMessagesPerSecond: 1,
  /** Messages replayed to a client that connects without a sequence number. */
  historyReplay: 500,
  /** Milliseconds a client waits for an acknowledgement before it retries. */
  ackTimeoutMs: 10_000,
  /** Milliseconds a "typing" signal lasts if no "stopped typing" follows. */
  typingTtlMs: 6_000,
} as const;

/** Visitor ids and client ids: 16–64 URL-safe characters, made by {@link newId}. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
