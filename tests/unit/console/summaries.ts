/** Conversation summaries and messages as the console receives them, with defaults to override. */
import type { ChatMessage, ConversationSummary } from '../../../src/protocol';

export function summaryOf(overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id: 'c1',
    visitorId: 'v_abcdefghijklmnop',
    visitorName: 'Visitor',
    visitorEmail: null,
    verified: false,
    status: 'open',
    closeReason: null,
    operatorId: null,
    visitorReadSeq: 0,
    rating: null,
    lastMessage: null,
    lastSeq: 0,
    revision: 0,
    updatedAt: 1_000,
    createdAt: 1_000,
    ...overrides,
  };
}

export function messageOf(overrides: Partial<ChatMessage> = {}): ChatMessage {
  const seq = overrides.seq ?? 1;
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    changeSeq: seq,
    clientId: `client-${seq}`,
    author: 'visitor',
    text: `message ${seq}`,
    createdAt: 1_000 + seq,
    ...overrides,
  };
}
