/** Server answers as the widget receives them, with sensible defaults to override. */
import { DEFAULT_LEAD_FORM, type ChatMessage, type VisitorSession } from '../../src/protocol';

/** A `session` event: an open conversation "c1" when there are messages, none otherwise. */
export function sessionOf(overrides: Partial<VisitorSession> = {}): VisitorSession {
  const messages = overrides.messages ?? [];
  return {
    site: { id: 'demo', name: 'Demo Shop', greeting: 'We reply in minutes', leadForm: DEFAULT_LEAD_FORM },
    conversationId: messages.length ? 'c1' : null,
    status: messages.length ? 'open' : null,
    closeReason: null,
    operator: null,
    operatorReadSeq: 0,
    rating: null,
    blocked: false,
    verified: false,
    messages,
    ...overrides,
  };
}

/** Message number `seq` of conversation "c1", one second after the one before it. */
export const messageOf = (
  seq: number,
  author: ChatMessage['author'],
  text: string,
  extra: Partial<ChatMessage> = {},
): ChatMessage => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  changeSeq: seq,
  clientId: `client${seq}`,
  author,
  text,
  createdAt: 1_700_000_000_000 + seq * 1000,
  ...(author === 'operator' ? { operator: { id: 'anna', name: 'Anna' } } : {}),
  ...extra,
});
