/**
 * Checks for payloads that cross a boundary. Each returns either the cleaned value or
 * an error with a code the client can act on; none throws on any input.
 */
import { ID_PATTERN, LIMITS } from './limits';
import { isRecord, withoutControls } from './rules';
import type { AckError, ErrorCode } from './types';

export type Checked<T> = { ok: true; value: T } | AckError;

export function fail(code: ErrorCode, message: string, field?: string): AckError {
  return { ok: false, error: field ? { code, message, field } : { code, message } };
}

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** Trims a message and refuses empty or oversized text. */
export function checkMessageText(text: unknown): Checked<string> {
  if (typeof text !== 'string') return fail('invalid', 'text must be a string', 'text');
  const trimmed = text.trim();
  if (!trimmed) return fail('invalid', 'text is empty', 'text');
  if (trimmed.length > LIMITS.messageText) {
    return fail('too_long', `text is longer than ${LIMITS.messageText} characters`, 'text');
  }
  return { ok: true, value: trimmed };
}

/** Attachment ids of a message: none, or 1 to LIMITS.attachmentsPerMessage distinct ids. */
export function checkAttachmentIds(value: unknown): Checked<string[]> {
  if (value === undefined) return { ok: true, value: [] };
  if (!Array.isArray(value) || !value.every(isId) || new Set(value).size !== value.length) {
    return fail('invalid', 'attachments must be a list of distinct upload ids', 'attachments');
  }
  if (value.length > LIMITS.attachmentsPerMessage) {
    return fail('invalid', `a message carries at most ${LIMITS.attachmentsPerMessage} attachments`, 'attachments');
  }
  return { ok: true, value };
}

export interface CheckedMessage {
  clientId: string;
  text: string;
  replyTo?: string;
  attachments?: string[];
}

export function checkSendMessage(payload: unknown): Checked<CheckedMessage> {
  if (!isRecord(payload)) return fail('invalid', 'payload must be an object');
  if (!isId(payload.clientId)) return fail('invalid', 'clientId is not a valid id', 'clientId');
  if (payload.replyTo !== undefined && !isId(payload.replyTo))
    return fail('invalid', 'replyTo is not a valid id', 'replyTo');
  const attachments = checkAttachmentIds(payload.attachments);
  if (!attachments.ok) return attachments;
  // With attachments the text is a caption and may be empty.
  const captionOnly = attachments.value.length > 0 && typeof payload.text === 'string' && !payload.text.trim();
  const text = captionOnly ? ({ ok: true, value: '' } as const) : checkMessageText(payload.text);
  if (!text.ok) return text;
  return {
    ok: true,
    value: {
      clientId: payload.clientId,
      text: text.value,
      ...(payload.replyTo ? { replyTo: payload.replyTo as string } : {}),
      ...(attachments.value.length ? { attachments: attachments.value } : {}),
    },
  };
}

export function checkOperatorSend(payload: unknown): Checked<CheckedMessage & { conversationId: string }> {
  if (!isRecord(payload)) return fail('invalid', 'payload must be an object');
  if (!isId(payload.conversationId)) {
    return fail('invalid', 'conversationId is not a valid id', 'conversationId');
  }
  const message = checkSendMessage(payload);
  if (!message.ok) return message;
  return { ok: true, value: { conversationId: payload.conversationId, ...message.value } };
}

export function checkConversationRef(payload: unknown): Checked<{ conversationId: string }> {
  if (!isRecord(payload) || !isId(payload.conversationId)) {
    return fail('invalid', 'conversationId is not a valid id', 'conversationId');
  }
  return { ok: true, value: { conversationId: payload.conversationId } };
}

/** Typing signals are advisory: anything but a well-formed payload is dropped. */
export function readTyping(payload: unknown): boolean | null {
  return isRecord(payload) && typeof payload.typing === 'boolean' ? payload.typing : null;
}

/** Cuts a display hint to size and drops control characters; empty becomes undefined. */
export function cleanHint(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cleaned = withoutControls(value).trim().slice(0, max);
  return cleaned || undefined;
}
