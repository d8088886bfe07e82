/** Data shapes that cross the wire. Times are epoch milliseconds. */
import type { PageContext } from './context';
import type { LeadErrors, LeadFormConfig } from './lead';

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
  leadForm: LeadFormConfig;
}

/** The statuses of seeds 000 and 004; only `available` takes new chats. */
export type OperatorStatus = 'available' | 'away' | 'dnd' | 'offline';
export const OPERATOR_STATUSES: readonly OperatorStatus[] = ['available', 'away', 'dnd', 'offline'];

/** Whether a visitor on a given page can reach someone now, and if not, why not. */
export interface Availability {
  online: boolean;
  reason?: 'hours' | 'nobody';
}

export type LeadStatus = 'new' | 'in_work' | 'done';
export const LEAD_STATUSES: readonly LeadStatus[] = ['new', 'in_work', 'done'];

export interface Lead {
  id: string;
  visitorId: string;
  name?: string;
  phone?: string;
  email?: string;
  message?: string;
  /** The page, referrer and campaign when the request was sent. */
  context: PageContext | null;
  status: LeadStatus;
  operatorId: string | null;
  createdAt: number;
  updatedAt: number;
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
  /** `fields`: per-field reasons, in the shape the lead form shows them. */
  error: { code: ErrorCode; message: string; field?: string; fields?: LeadErrors };
}

export type Ack<T> = ({ ok: true } & T) | AckError;

/** Whether resending the same request later could succeed. */
export function isRetryable(code: ErrorCode): boolean {
  return code === 'rate_limited' || code === 'internal';
}
