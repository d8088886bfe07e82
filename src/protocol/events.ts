/**
 * Typed socket.io event maps, one per side and namespace. The widget, the server, the
 * operator console and the tests all import these, so a renamed event or a changed
 * payload fails the type check everywhere at once.
 */
import type {
  Ack,
  ChatMessage,
  ConversationSummary,
  OperatorProfile,
  VisitorSession,
} from './types';

export const VISITOR_NAMESPACE = '/visitor';
export const OPERATOR_NAMESPACE = '/operator';

/** Handshake `auth` of a visitor connection. */
export interface VisitorAuth {
  site: string;
  visitorId: string;
  /** The conversation and sequence the client already has; the server replays the rest. */
  conversationId?: string | null;
  lastSeq?: number;
  /** Display hint only: shown to operators as unverified, never used to find history. */
  name?: string;
  email?: string;
}

export interface SendMessagePayload {
  clientId: string;
  text: string;
}

export type SendMessageAck = Ack<{ message: ChatMessage }>;

export interface VisitorToServer {
  'message:send': (payload: SendMessagePayload, ack: (res: SendMessageAck) => void) => void;
  typing: (payload: { typing: boolean }) => void;
}

export interface ServerToVisitor {
  session: (session: VisitorSession) => void;
  'message:new': (message: ChatMessage) => void;
  typing: (payload: { typing: boolean }) => void;
  'operator:assigned': (operator: OperatorProfile) => void;
  'conversation:closed': (payload: { conversationId: string }) => void;
}

/** Handshake `auth` of an operator connection: a token from POST /api/operator/login. */
export interface OperatorAuth {
  token: string;
}

export interface OperatorSendPayload extends SendMessagePayload {
  conversationId: string;
}

export type OpenConversationAck = Ack<{
  conversation: ConversationSummary;
  messages: ChatMessage[];
}>;

export type CloseConversationAck = Ack<{ conversation: ConversationSummary }>;

export interface OperatorToServer {
  'conversation:open': (
    payload: { conversationId: string },
    ack: (res: OpenConversationAck) => void,
  ) => void;
  'conversation:close': (
    payload: { conversationId: string },
    ack: (res: CloseConversationAck) => void,
  ) => void;
  'message:send': (payload: OperatorSendPayload, ack: (res: SendMessageAck) => void) => void;
  typing: (payload: { conversationId: string; typing: boolean }) => void;
}

export interface ServerToOperator {
  /** Sent once on connect: who the operator is and every conversation of the site. */
  hello: (payload: { operator: OperatorProfile; conversations: ConversationSummary[] }) => void;
  'conversation:updated': (conversation: ConversationSummary) => void;
  'message:new': (message: ChatMessage) => void;
  typing: (payload: { conversationId: string; typing: boolean }) => void;
}
