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
  /** Attachments one message may carry. */
  attachmentsPerMessage: 5,
  /** Characters of an attachment's display name (the original file name). */
  attachmentName: 200,
} as const;

/**
 * Upload defaults for a site whose config does not say otherwise. The server enforces the
 * site's own values (sent to the widget as `uploads` in the site settings); these are
 * what the widget may show before it has them.
 */
export const UPLOAD_DEFAULTS = {
  /** Bytes one file may have. */
  maxBytes: 10 * 1024 * 1024,
  /** Milliseconds a voice message may last. */
  voiceMaxMs: 120_000,
  /** Bytes one visitor may store in total (all their uploads). */
  visitorQuotaBytes: 50 * 1024 * 1024,
  /** Upload grants one sender may ask for in a burst, and how many per second refill it. */
  grantBurst: 10,
  grantsPerSecond: 0.2,
  /** Milliseconds an upload grant stays valid. */
  grantTtlMs: 2 * 60_000,
  /** Milliseconds a signed download URL stays valid. */
  downloadUrlTtlMs: 60 * 60_000,
  /** Milliseconds an upload may stay unattached to a message before it is deleted. */
  unattachedTtlMs: 24 * 60 * 60_000,
  /** Sniffed MIME types a site accepts by default. */
  types: [
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'application/pdf',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.ms-powerpoint',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    'text/plain',
    'audio/webm',
    'audio/ogg',
    'audio/mp4',
  ] as readonly string[],
} as const;

/** Visitor ids and client ids: 16–64 URL-safe characters, made by {@link newId}. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
