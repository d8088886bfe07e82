/**
 * Typed socket.io event maps, one per side and namespace. The widget, the server, the
 * operator console and the tests all import these, so a renamed event or a changed
 * payload fails the type check everywhere at once.
 */
import type { Environment, PageContext, Touch } from './context.js';
import type { LeadInput } from './lead.js';
import type {
  Ack,
  Attachment,
  Availability,
  CannedReply,
  ChatMessage,
  CloseReason,
  ConversationSummary,
  Lead,
  LeadStatus,
  OperatorProfile,
  OperatorStatus,
  QueueState,
  Rating,
  SearchQuery,
  Transcript,
  TranscriptFormat,
  TransferNote,
  UploadSettings,
  VisitorSession,
} from './types.js';

export const VISITOR_NAMESPACE = '/visitor';
export const OPERATOR_NAMESPACE = '/operator';

/** Handshake `auth` of a visitor connection. */
export interface VisitorAuth {
  site: string;
  visitorId: string;
  /** The conversation and change number the client already has; the server replays the rest. */
  conversationId?: string | null;
  lastChange?: number;
  /** A signed identity token from the site's backend (data-user-token or identify). */
  token?: string;
  /** Display hint only: shown to operators as unverified, never used to find history. */
  name?: string;
  email?: string;
  /** The page the visitor is on: routing to an operator group depends on it. */
  page?: PageContext;
  /** Where this visitor first came from (persisted in the browser, never overwritten). */
  firstTouch?: Touch;
  /** The latest visit that came with a campaign or from another site. */
  lastTouch?: Touch;
  env?: Environment;
}

export interface SendMessagePayload {
  clientId: string;
  text: string;
  /** The id of a message in the same conversation this one answers. */
  replyTo?: string;
  /** Ids of the sender's own finished uploads (at most LIMITS.attachmentsPerMessage). */
  attachments?: string[];
}

/** Asks for the right to upload one file. */
export interface UploadGrantPayload {
  /**
   * The sender's own id for this file, stable across reloads (like a message clientId):
   * a finished upload with the same key is returned instead of a new grant.
   */
  key: string;
  name: string;
  size: number;
  mime: string;
  /** Voice messages: the recorded length. */
  durationMs?: number;
}

export interface OperatorUploadGrantPayload extends UploadGrantPayload {
  conversationId: string;
}

/** POST the raw bytes to `url` with `Authorization: Bearer <token>`; single-use, expires at `expiresAt`. */
export interface UploadGrant {
  url: string;
  token: string;
  expiresAt: number;
  maxBytes: number;
}

/** Errors: too_large, type_not_allowed, rate_limited, quota, invalid. */
export type UploadGrantAck = Ack<{ grant: UploadGrant } | { attachment: Attachment }>;

/** 201 body of the upload route. */
export interface UploadResponse {
  attachment: Attachment;
}

/** Error body of the upload and download routes. */
export interface HttpErrorBody {
  error: { code: string; message: string };
}

export type AttachmentUrlAck = Ack<{ url: string; urlExpiresAt: number }>;

export interface RatingPayload {
  conversationId: string;
  score: number;
  comment?: string;
  /** Final: the visitor is done; a later change is refused. */
  final: boolean;
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

/** Asks for the messages just before the oldest the client holds (its conversation and sequence number). */
export interface HistoryPagePayload {
  conversationId: string;
  beforeSeq: number;
  /** At most 100; 50 when left out (the server's page size, as in the session). */
  limit?: number;
}

/**
 * Oldest first; when the conversation has no more before `beforeSeq`, the page goes on
 * into the visitor's earlier conversations. `hasMore`: there are older still.
 * Errors: invalid, not_found (not the visitor's conversation), rate_limited.
 */
export type HistoryPageAck = Ack<{ messages: ChatMessage[]; hasMore: boolean }>;

export interface VisitorToServer {
  'message:send': (payload: SendMessagePayload, ack: (res: SendMessageAck) => void) => void;
  typing: (payload: { typing: boolean }) => void;
  /** The visitor moved to another page (SPA navigation). */
  page: (page: PageContext) => void;
  'lead:submit': (payload: LeadPayload, ack: (res: LeadAck) => void) => void;
  'conversation:end': (
    payload: { conversationId: string },
    ack: (res: Ack<{ conversationId: string }>) => void,
  ) => void;
  'rating:submit': (payload: RatingPayload, ack: (res: Ack<{ rating: Rating }>) => void) => void;
  'rating:dismiss': (payload: { conversationId: string }, ack: (res: Ack<{ rating: Rating }>) => void) => void;
  /** The visitor has seen the conversation up to `seq`. */
  read: (payload: { conversationId: string; seq: number }) => void;
  /** One of the owner's conversations as a file to save. */
  'transcript:get': (
    payload: { conversationId: string; format: TranscriptFormat },
    ack: (res: Ack<{ transcript: Transcript }>) => void,
  ) => void;
  /**
   * E-mails the transcript to `email` as typed by the visitor in the widget, or without it
   * to the verified user's address or the one given in a request form. Never to a
   * `data-email` hint.
   */
  'transcript:email': (
    payload: { conversationId: string; email?: string },
    ack: (res: Ack<{ queued: true }>) => void,
  ) => void;
  'upload:grant': (payload: UploadGrantPayload, ack: (res: UploadGrantAck) => void) => void;
  /** A fresh signed download URL for an attachment of the visitor's own conversations. */
  'attachment:url': (payload: { attachmentId: string }, ack: (res: AttachmentUrlAck) => void) => void;
  /**
   * Another tab of this visitor shares this connection and catches up by its own change
   * number: the session a connection of its own would have been greeted with, and the
   * availability this connection was last told.
   */
  'session:resume': (payload: SessionResumePayload, ack: (res: SessionResumeAck) => void) => void;
  /** An older page of the visitor's own history (scrolling up in the widget). */
  'history:page': (payload: HistoryPagePayload, ack: (res: HistoryPageAck) => void) => void;
}

export interface SessionResumePayload {
  conversationId: string | null;
  lastChange: number;
}

export type SessionResumeAck = Ack<{ session: VisitorSession; availability: Availability | null }>;

export interface ServerToVisitor {
  session: (session: VisitorSession) => void;
  'message:new': (message: ChatMessage) => void;
  typing: (payload: { typing: boolean }) => void;
  'operator:assigned': (operator: OperatorProfile) => void;
  'conversation:closed': (payload: { conversationId: string; reason: CloseReason }) => void;
  /** Sent on connect and whenever it changes for the visitor's page. */
  availability: (availability: Availability) => void;
  /** An operator edited or deleted a message. */
  'message:updated': (message: ChatMessage) => void;
  /** The operator has read up to `seq`. */
  read: (payload: { conversationId: string; seq: number }) => void;
  /** The rating changed (another tab of the same visitor). */
  rating: (rating: Rating) => void;
  /** While the chat waits for an operator: its place in line and the expected wait. */
  queue: (queue: QueueState) => void;
  /** An operator undid the spam mark: the visitor may chat again. */
  unblocked: () => void;
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
  /** The visitor's context when the conversation began. */
  context: ContextSnapshot | null;
}>;

export type CloseConversationAck = Ack<{ conversation: ConversationSummary }>;
export type MessageAck = Ack<{ message: ChatMessage }>;

/** A visitor connected right now, for the console's "on site now" list. */
export interface OnlineVisitor {
  visitorId: string;
  name: string | null;
  /** The page the visitor is on now. */
  page: PageContext | null;
  /** An open conversation exists; otherwise the operator may write first. */
  conversationId: string | null;
  /** When this visit began, and how many pages it has seen. */
  visitStartedAt: number;
  pagesThisVisit: number;
  /** Seen on an earlier visit. */
  returning: boolean;
  firstTouch: Touch | null;
  lastTouch: Touch | null;
  env: Environment | null;
  /** Derived on the server, offline: no lookups. */
  ip: string | null;
  region: string | null;
}

/** What the console shows beside a conversation or a request: the context at its start. */
export interface ContextSnapshot {
  page: PageContext | null;
  firstTouch: Touch | null;
  lastTouch: Touch | null;
  env: Environment | null;
  ip: string | null;
  region: string | null;
}

export interface TeamMember extends OperatorProfile {
  status: OperatorStatus;
  /** The routing groups the operator answers for; absent: every group. */
  groups?: string[];
}

/** Hand a conversation to a colleague (`toOperatorId`) or to whoever is free in a group (`toGroupId`). */
export interface TransferPayload {
  conversationId: string;
  toOperatorId?: string;
  toGroupId?: string;
  comment?: string;
}

/** A personal canned reply to store: a new one without `id`, an edit with it. */
export interface CannedReplyInput {
  id?: string;
  title: string;
  text: string;
}

export interface OperatorToServer {
  'conversation:open': (payload: { conversationId: string }, ack: (res: OpenConversationAck) => void) => void;
  'conversation:close': (
    payload: { conversationId: string; spam?: boolean },
    ack: (res: CloseConversationAck) => void,
  ) => void;
  /** Write first: opens a conversation with a visitor who has not written. */
  'conversation:start': (
    payload: { visitorId: string },
    ack: (res: Ack<{ conversation: ConversationSummary }>) => void,
  ) => void;
  'message:edit': (payload: { messageId: string; text: string }, ack: (res: MessageAck) => void) => void;
  'message:delete': (payload: { messageId: string }, ack: (res: MessageAck) => void) => void;
  read: (payload: { conversationId: string; seq: number }) => void;
  'message:send': (payload: OperatorSendPayload, ack: (res: SendMessageAck) => void) => void;
  typing: (payload: { conversationId: string; typing: boolean }) => void;
  'status:set': (payload: { status: OperatorStatus }, ack: (res: Ack<{ status: OperatorStatus }>) => void) => void;
  'lead:update': (payload: { leadId: string; status: LeadStatus }, ack: (res: Ack<{ lead: Lead }>) => void) => void;
  /** The requests quarantined as spam, newest first (the console's Spam filter). */
  'lead:spam': (payload: { limit?: number }, ack: (res: Ack<{ leads: Lead[] }>) => void) => void;
  /** "Not spam": the request joins the others, operators hear `lead:new`, the webhook fires. */
  'lead:not-spam': (payload: { leadId: string }, ack: (res: Ack<{ lead: Lead }>) => void) => void;
  /** Search across the site's whole history; `next` pages on (null: no more). */
  'conversation:search': (
    payload: SearchQuery,
    ack: (res: Ack<{ conversations: ConversationSummary[]; next: string | null }>) => void,
  ) => void;
  /**
   * The visitor's other conversations and requests, newest first: the same browser's, and
   * for a verified user every device's. Never matched by a name or e-mail the visitor gave.
   */
  'visitor:history': (
    payload: { visitorId: string },
    ack: (res: Ack<{ conversations: ConversationSummary[]; leads: Lead[] }>) => void,
  ) => void;
  /** Undoes Spam: the visitor (and a verified user's every device) may chat again. */
  'conversation:unban': (
    payload: { conversationId: string },
    ack: (res: Ack<{ conversation: ConversationSummary }>) => void,
  ) => void;
  'transcript:get': (
    payload: { conversationId: string; format: TranscriptFormat },
    ack: (res: Ack<{ transcript: Transcript }>) => void,
  ) => void;
  /** Passes the conversation on; only its operator (or anyone, while nobody has it) may. */
  'conversation:transfer': (
    payload: TransferPayload,
    ack: (res: Ack<{ conversation: ConversationSummary }>) => void,
  ) => void;
  /** Stores one of the operator's own canned replies (every console of theirs hears `canned:updated`). */
  'canned:save': (payload: CannedReplyInput, ack: (res: Ack<{ reply: CannedReply }>) => void) => void;
  'canned:delete': (payload: { id: string }, ack: (res: Ack<{ id: string }>) => void) => void;
  /** The right to upload one file into a conversation of the operator's site. */
  'upload:grant': (payload: OperatorUploadGrantPayload, ack: (res: UploadGrantAck) => void) => void;
  /** A fresh signed download URL for an attachment of the site's conversations. */
  'attachment:url': (payload: { attachmentId: string }, ack: (res: AttachmentUrlAck) => void) => void;
}

export interface ServerToOperator {
  /** Sent once on connect: who the operator is, the team, conversations and requests. */
  hello: (payload: {
    operator: OperatorProfile;
    status: OperatorStatus;
    team: TeamMember[];
    conversations: ConversationSummary[];
    leads: Lead[];
    online: OnlineVisitor[];
    /** The site's shared canned replies. Optional: older servers leave it out. */
    cannedReplies?: CannedReply[];
    /** The operator's own canned replies, kept on the server. Optional: older servers leave it out. */
    personalCannedReplies?: CannedReply[];
    /** Uploads the site accepts; null when off. Optional: older servers leave it out. */
    uploads?: UploadSettings | null;
    /**
     * The console build this server serves. A console that first heard another one is
     * out of date (the server was upgraded while it stayed open). Optional: older servers
     * and servers without a console build leave it out.
     */
    release?: string;
  }) => void;
  /** The shared list (the owner changed it) or this operator's own list (another of their consoles did) changed. */
  'canned:updated': (payload: { shared?: CannedReply[]; personal?: CannedReply[] }) => void;
  /** A conversation was passed on: the receiving operator's console shows the comment. */
  'conversation:transferred': (payload: TransferNote & { conversationId: string }) => void;
  'conversation:updated': (conversation: ConversationSummary) => void;
  'message:new': (message: ChatMessage) => void;
  typing: (payload: { conversationId: string; typing: boolean }) => void;
  'team:updated': (team: TeamMember[]) => void;
  'lead:new': (lead: Lead) => void;
  'lead:updated': (lead: Lead) => void;
  'message:updated': (message: ChatMessage) => void;
  /** The visitor has read up to `seq`. */
  read: (payload: { conversationId: string; seq: number }) => void;
  /** A rating was given; `low` (below 4) is the owner's alert. */
  rating: (payload: Rating & { low: boolean }) => void;
  'visitor:online': (visitor: OnlineVisitor) => void;
  /** The visitor moved to another page. */
  'visitor:page': (visitor: OnlineVisitor) => void;
  'visitor:offline': (payload: { visitorId: string }) => void;
  /** A colleague undid Spam: the visitor of this conversation may chat again. */
  'conversation:unbanned': (payload: { conversationId: string }) => void;
  /**
   * Several visitors left the site together (`visitor:offline` is one who left alone):
   * the server gathers those who leave within a short window into one event.
   */
  'visitors:offline': (payload: { visitorIds: string[] }) => void;
  /**
   * Several conversations changed in one turn of the server (`conversation:updated` is one
   * alone): a busy site's consoles get one event per turn, not one per message.
   */
  'conversations:updated': (conversations: ConversationSummary[]) => void;
  /** Several messages stored in one turn of the server, oldest first (`message:new` is one alone). */
  'messages:new': (messages: ChatMessage[]) => void;
}
