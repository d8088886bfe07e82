/**
 * The tables as Kysely sees them. Columns are snake_case in the database and camelCase
 * here (Kysely's CamelCasePlugin maps them). JSON values are stored as text on both
 * engines, times as epoch milliseconds (BIGINT on PostgreSQL).
 */
import type { Generated } from 'kysely';
import type {
  AttachmentKind,
  Author,
  CloseReason,
  ConversationStatus,
  LeadStatus,
  RatingState,
  SpamReason,
} from '../../../src/protocol';

export interface VisitorsTable {
  site: string;
  id: string;
  name: string | null;
  email: string | null;
  userId: string | null;
  blockedAt: number | null;
  firstTouch: string | null;
  lastTouch: string | null;
  env: string | null;
  ip: string | null;
  region: string | null;
  visits: Generated<number>;
  visitStartedAt: number;
  createdAt: number;
  lastSeenAt: number;
  /** The address follow-up mail may go to (never a data-email hint). */
  followUpEmail: Generated<string | null>;
}

export interface ConversationsTable {
  id: string;
  site: string;
  visitorId: string;
  /** Whose conversation it is: "v:<visitor id>", or "u:<user id>" for a verified user. */
  owner: string;
  status: ConversationStatus;
  closeReason: CloseReason | null;
  operatorId: string | null;
  lastSeq: Generated<number>;
  /** Numbers every insert, edit and delete in the conversation. */
  lastChange: Generated<number>;
  visitorReadSeq: Generated<number>;
  operatorReadSeq: Generated<number>;
  ratingState: RatingState | null;
  ratingScore: number | null;
  ratingComment: string | null;
  context: string | null;
  /** The latest hand-over: from whom (null: nobody had it), the comment, when. */
  transferFrom: string | null;
  transferComment: string | null;
  transferAt: number | null;
  /**
   * Numbers every change of what the consoles list about the conversation (its row and
   * its last message): of two summaries that cross on their way, the higher is the newer.
   */
  revision: Generated<number>;
  createdAt: number;
  updatedAt: number;
}

export interface MessagesTable {
  id: string;
  conversationId: string;
  seq: number;
  changeSeq: number;
  sender: string;
  clientId: string;
  author: Author;
  operatorId: string | null;
  text: string;
  replyTo: string | null;
  editedAt: number | null;
  deletedAt: number | null;
  createdAt: number;
  /** JSON: what the message shows of its attachments (StoredAttachment[]); null without. */
  attachments: Generated<string | null>;
  /** JSON {code, params} of a server-written line (SystemLine); null for everyone else's messages. */
  system: Generated<string | null>;
}

export interface AttachmentsTable {
  id: string;
  site: string;
  /** Who uploads it ("v:<visitor>" or "o:<operator>"): keys are unique per sender. */
  sender: string;
  uploadKey: string;
  /** The visitor whose data it is (quota, export, erase): the uploader, or the visitor an operator wrote to. */
  visitorId: string;
  /** Set at the grant for operators, when it is sent for visitors. */
  conversationId: string | null;
  messageId: string | null;
  status: 'granted' | 'uploading' | 'ready';
  /** SHA-256 (hex) of the single-use grant token. */
  grantHash: string | null;
  grantExpiresAt: number | null;
  name: string;
  declaredMime: string;
  declaredSize: number;
  /** Known once the bytes arrived and were sniffed. */
  mime: string | null;
  kind: AttachmentKind | null;
  size: number | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  storageKey: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface OperatorSessionsTable {
  tokenHash: string;
  site: string;
  operatorId: string;
  expiresAt: number;
}

export interface LeadsTable {
  id: string;
  site: string;
  visitorId: string;
  clientId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  message: string | null;
  context: string | null;
  snapshot: string | null;
  status: LeadStatus;
  /** Null for a request like any other; the reason while it is quarantined as spam. */
  spamReason: Generated<SpamReason | null>;
  operatorId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PageViewsTable {
  id: Generated<number>;
  site: string;
  visitorId: string;
  url: string;
  title: string | null;
  referrer: string | null;
  startedAt: number;
  endedAt: number | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  site: string;
  url: string;
  type: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export type EmailStatus = 'pending' | 'sent' | 'failed' | 'skipped';

export interface EmailOutboxTable {
  id: string;
  site: string;
  /** 'transcript' or 'missed_reply'. */
  kind: string;
  /** One e-mail per key, however often it is asked for. */
  dedupeKey: string;
  conversationId: string | null;
  toAddress: string;
  subject: string;
  text: string;
  html: string | null;
  status: EmailStatus;
  attempts: Generated<number>;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface CannedRepliesTable {
  id: string;
  site: string;
  /** The operator whose own reply it is; null for the site's shared replies (owner API). */
  operatorId: string | null;
  title: string;
  text: string;
  createdAt: number;
  updatedAt: number;
}

export interface Database {
  visitors: VisitorsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  operatorSessions: OperatorSessionsTable;
  leads: LeadsTable;
  pageViews: PageViewsTable;
  webhookDeliveries: WebhookDeliveriesTable;
  emailOutbox: EmailOutboxTable;
  cannedReplies: CannedRepliesTable;
  attachments: AttachmentsTable;
}
