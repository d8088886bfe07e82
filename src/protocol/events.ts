/**
 * Typed socket.io event maps, one per side and namespace. The widget, the server, the
 * operator console and the tests all import these, so a renamed event or a changed
 * payload fails the type check everywhere at once.
 */
import type { PageContext } from './context';
import type { LeadInput } from './lead';
import type {
  Ack,
  Availability,
  ChatMessage,
  ConversationSummary,
  Lead,
  LeadStatus,
  OperatorProfile,
  OperatorStatus,
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
  /** The page the visitor is on: routing to an operator group depends on it. */
  page?: PageContext;
}

export interface SendMessagePayload {
  clientId: string;
  text: string;
}

export type SendMessageAck = Ack<{ message: ChatMessage }>;

export interface LeadPayload {
  clientId: string;
  fields: LeadInput;
  context?: PageContext;
  /** A field people never see; bots fill it. */
  honeypot?: string;
  /** Milliseconds from showing the form to submitting it. */
  elapsedMs: number;
}

export type LeadAck = Ack<{ leadId: string }>;

export interface VisitorToServer {
  'message:send': (payload: SendMessagePayload, ack: (res: SendMessageAck) => void) => void;
  typing: (payload: { typing: boolean }) => void;
  /** The visitor moved to another page (SPA navigation). */
  page: (page: PageContext) => void;
  'lead:submit': (payload: LeadPayload, ack: (res: LeadAck) => void) => void;
}

export interface ServerToVisitor {
  session: (session: VisitorSession) => void;
  'message:new': (message: ChatMessage) => void;
  typing: (payload: { typing: boolean }) => void;
  'operator:assigned': (operator: OperatorProfile) => void;
  'conversation:closed': (payload: { conversationId: string }) => void;
  /** Sent on connect and whenever it changes for the visitor's page. */
  availability: (availability: Availability) => void;
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

export interface TeamMember extends OperatorProfile {
  status: OperatorStatus;
}

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
  'status:set': (payload: { status: OperatorStatus }, ack: (res: Ack<{ status: OperatorStatus }>) => void) => void;
  'lead:update': (payload: { leadId: string; status: LeadStatus }, ack: (res: Ack<{ lead: Lead }>) => void) => void;
}

export interface ServerToOperator {
  /** Sent once on connect: who the operator is, the team, conversations and requests. */
  hello: (payload: {
    operator: OperatorProfile;
    status: OperatorStatus;
    team: TeamMember[];
    conversations: ConversationSummary[];
    leads: Lead[];
  }) => void;
  'conversation:updated': (conversation: ConversationSummary) => void;
  'message:new': (message: ChatMessage) => void;
  typing: (payload: { conversationId: string; typing: boolean }) => void;
  'team:updated': (team: TeamMember[]) => void;
  'lead:new': (lead: Lead) => void;
  'lead:updated': (lead: Lead) => void;
}
