/** Data shapes that cross the wire. Times are epoch milliseconds. */

export type Author = 'visitor' | 'operator' | 'system';

export interface OperatorProfile {
  id: string;
  name: string;
  title?: string;
  avatar?: string;
}

export interface ChatMessage {
  id: string;
  conversationId: string;
  /** Position in its conversation, from 1, without gaps. */
  seq: number;
  /** The sender's id for this message, the key that makes a resend harmless. */
  clientId: string;
  author: Author;
  /** Set on operator messages. */
  operator?: OperatorProfile;
  text: string;
  createdAt: number;
}

export type ConversationStatus = 'open' | 'closed';

export interface SiteInfo {
  id: string;
  name: string;
  greeting: string;
}

/** What the server tells a visitor right after it connects. */
export interface VisitorSession {
  site: SiteInfo;
  conversationId: string | null;
  status: ConversationStatus | null;
  operator: OperatorProfile | null;
  /** Messages after the sequence the client said it had (all of them when it had none). */
  messages: ChatMessage[];
}

export interface ConversationSummary {
  id: string;
  visitorId: string;
  visitorName: string;
  status: ConversationStatus;
  operatorId: string | null;
  lastMessage: Pick<ChatMessage, 'author' | 'text' | 'createdAt'> | null;
  lastSeq: number;
  updatedAt: number;
  createdAt: number;
}

export type ErrorCode =
  | 'invalid'
  | 'too_long'
  | 'rate_limited'
  | 'conflict'
  | 'not_found'
  | 'closed'
  | 'unauthorized'
  | 'internal';

export interface AckError {
  ok: false;
  error: { code: ErrorCode; message: string; field?: string };
}

export type Ack<T> = ({ ok: true } & T) | AckError;

/** Whether resending the same request later could succeed. */
export function isRetryable(code: ErrorCode): boolean {
  return code === 'rate_limited' || code === 'internal';
}
