/**
 * The store's interface: what the server needs from a database, and nothing about
 * which one. Every method is async: one implementation (kysely-store.ts) runs on the
 * embedded SQLite engine and on PostgreSQL.
 */
import type { Selectable } from 'kysely';
import { timeOrderedMessageId } from './message-ids';
import type {
  AttachmentKind,
  Author,
  CannedReply,
  CloseReason,
  ContextSnapshot,
  Environment,
  Touch,
  Lead,
  LeadStatus,
  SpamReason,
  PageContext,
  RatingState,
  SystemLine,
} from '../../../src/protocol';
import type { AttachmentsTable, ConversationsTable, MessagesTable } from './schema';

/**
 * The rows the store answers with are the tables' own columns (schema.ts), as Kysely
 * reads them, less what only the store itself looks at.
 */
export type ConversationRow = Omit<Selectable<ConversationsTable>, 'context'>;

export type MessageRow = Omit<Selectable<MessagesTable>, 'sender'> & {
  /** The quoted message, joined in. */
  replyAuthor: Author | null;
  replyText: string | null;
  replyDeletedAt: number | null;
};

/** A visitor's message into their open conversation: the values each engine's one write takes. */
export type AppendArgs = {
  id: string;
  site: string;
  owner: string;
  visitorId: string;
  /** The verified user whose block also stops this visitor (owner "u:<user id>"), or null. */
  userId: string | null;
  sender: string;
  clientId: string;
  text: string;
  at: number;
};

/**
 * What a visitor's message into their open conversation gives: undefined when it was not
 * stored there. The conversation is as the consoles list it just after this message (its
 * numbers and revision, the visitor's name, this message as its last), so telling them
 * needs no read.
 */
export type AppendResult = { message: MessageRow; conversation: ConversationListRow } | undefined;

/** The visitor's part of a conversation's list row. */
export type ListedVisitor = Pick<ConversationListRow, 'visitorName' | 'visitorEmail' | 'visitorUserId'>;

/**
 * A conversation's list row just after `message` was stored in it: the row the write
 * returned (its own, fresh object), completed in place. Spreading its two dozen columns
 * into a new object cost more than the rest of building the consoles' summary.
 */
export function listRowAfter(
  row: ConversationRow & ListedVisitor,
  message: Pick<MessageRow, 'author' | 'text' | 'createdAt'>,
): ConversationListRow {
  return Object.assign(row, { lastAuthor: message.author, lastText: message.text, lastAt: message.createdAt });
}

/** `randomId`: a fresh random id, from which the message's time-ordered id is made (message-ids.ts). */
export function appendArgs(input: NewVisitorMessage, randomId: string, at: number): AppendArgs {
  const { site, owner, visitorId, sender, clientId, text } = input;
  const userId = owner.startsWith('u:') ? owner.slice(2) : null;
  return { id: timeOrderedMessageId(at, randomId), site, owner, visitorId, userId, sender, clientId, text, at };
}

/** The row of a visitor's plain-text message as it was just stored (no reply, no files, never edited). */
export function visitorMessageRow(
  args: Pick<AppendArgs, 'id' | 'clientId' | 'text' | 'at'>,
  numbers: { conversationId: string; seq: number; changeSeq: number },
): MessageRow {
  return {
    id: args.id,
    ...numbers,
    clientId: args.clientId,
    author: 'visitor',
    operatorId: null,
    text: args.text,
    replyTo: null,
    replyAuthor: null,
    replyText: null,
    replyDeletedAt: null,
    editedAt: null,
    deletedAt: null,
    createdAt: args.at,
    attachments: null,
    system: null,
  };
}

/** The attachments a message row shows. */
export function readAttachments(row: Pick<MessageRow, 'attachments'>): StoredAttachment[] {
  return row.attachments ? (JSON.parse(row.attachments) as StoredAttachment[]) : [];
}

/** An attachment as a message shows it: everything but the signed URL. */
export interface StoredAttachment {
  id: string;
  kind: AttachmentKind;
  name: string;
  mime: string;
  size: number;
  width?: number;
  height?: number;
  durationMs?: number;
}

export type UploadStatus = 'granted' | 'uploading' | 'ready';

/** One upload, from its grant to the message it went out with (its grant's hash stays in the store). */
export type AttachmentRow = Omit<Selectable<AttachmentsTable>, 'grantHash'>;

export interface NewUpload {
  site: string;
  sender: string;
  uploadKey: string;
  visitorId: string;
  conversationId: string | null;
  name: string;
  declaredMime: string;
  declaredSize: number;
  durationMs: number | null;
  /** SHA-256 (hex) of the single-use grant token. */
  grantHash: string;
  grantExpiresAt: number;
}

/** What the sniffed bytes turned out to be. */
export interface FinishedUpload {
  mime: string;
  kind: AttachmentKind;
  size: number;
  width: number | null;
  height: number | null;
  /** Voice messages: the length the grant reported (clamped); null for other files. */
  durationMs: number | null;
  storageKey: string;
}

export interface VisitorRow {
  id: string;
  site: string;
  name: string | null;
  email: string | null;
  userId: string | null;
  blockedAt: number | null;
  firstTouch: Touch | null;
  lastTouch: Touch | null;
  env: Environment | null;
  ip: string | null;
  region: string | null;
  /** Visits so far, this one included; a visit ends after 30 idle minutes. */
  visits: number;
  visitStartedAt: number;
  createdAt: number;
  lastSeenAt: number;
}

export interface VisitorTouch {
  id: string;
  site: string;
  name?: string;
  email?: string;
  userId?: string;
  /** Kept only if the visitor has none yet: the first touch is never overwritten. */
  firstTouch?: Touch;
  lastTouch?: Touch;
  env?: Environment;
  ip?: string;
  region?: string;
}

export interface PageViewRow {
  id: number;
  url: string;
  title: string | null;
  referrer: string | null;
  startedAt: number;
  endedAt: number | null;
}

export interface ConversationListRow extends ConversationRow {
  visitorName: string | null;
  visitorEmail: string | null;
  visitorUserId: string | null;
  lastAuthor: Author | null;
  lastText: string | null;
  lastAt: number | null;
}

export interface NewMessage {
  conversationId: string;
  /** Who sent it ("v:<visitor>" or "o:<operator>"): client ids are unique per sender. */
  sender: string;
  clientId: string;
  author: Author;
  operatorId: string | null;
  text: string;
  replyTo?: string;
  /**
   * Ids of the sender's own finished, unsent uploads. Stored with the message in the same
   * write; if any is not (any longer) such an upload, nothing is stored.
   */
  attachments?: string[];
  /** A server-written line's code and parameters, for the widget to say in the visitor's language. */
  system?: SystemLine;
}

/** Thrown by appendMessage when an attachment is not the sender's own finished, unsent upload. */
export class AttachmentUnavailableError extends Error {
  constructor() {
    super('an attachment is not a finished upload of the sender');
    this.name = 'AttachmentUnavailableError';
  }
}

/** A visitor's message for whatever conversation its owner has open (the store decides which). */
export interface NewVisitorMessage {
  site: string;
  owner: string;
  visitorId: string;
  /** "v:<visitor id>": client ids are unique per sender. */
  sender: string;
  clientId: string;
  text: string;
}

export interface NewLead {
  site: string;
  visitorId: string;
  clientId: string;
  snapshot?: ContextSnapshot;
  /** Stored quarantined: kept for an operator to review, not listed with the others. */
  spam?: SpamReason;
  name?: string;
  phone?: string;
  email?: string;
  message?: string;
  context: PageContext | null;
}

export type WebhookStatus = 'pending' | 'delivered' | 'failed';

/** One event for a site's webhook, from the outbox. `body` is the exact JSON posted. */
export interface WebhookDelivery {
  id: string;
  site: string;
  url: string;
  type: string;
  body: string;
  status: WebhookStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export type WebhookOutcome =
  | { status: 'delivered' }
  | { status: 'pending'; error: string; retryAt: number }
  | { status: 'failed'; error: string };

/** Everything stored about one visitor, for the visitor to have (GDPR access). */
export interface VisitorExport {
  visitor: VisitorRow;
  conversations: (ConversationRow & { context: ContextSnapshot | null; messages: MessageRow[] })[];
  leads: Lead[];
  pageViews: PageViewRow[];
  /** The files of the visitor's conversations and uploads (the bytes are in the file store). */
  attachments: AttachmentRow[];
  /** E-mail follow-ups of the visitor's conversations (sent, waiting or given up). */
  emails: OutgoingEmail[];
}

/** What a retention sweep removed. */
export interface Purged {
  pageViews: number;
  /** Visitors, conversation snapshots and request snapshots whose IP address was cleared. */
  ipAddresses: number;
  sessions: number;
}

/** A search over a site's conversations (see SearchQuery in src/protocol). */
export interface SearchFilters {
  text?: string;
  status?: 'open' | 'closed' | 'spam';
  operatorId?: string;
  from?: number;
  to?: number;
  cursor?: string;
  limit?: number;
}

/** One message's place in time, for reply-time statistics. */
export interface MessageTiming {
  conversationId: string;
  seq: number;
  author: Author;
  createdAt: number;
}

export type EmailOutcome =
  | { status: 'sent' }
  | { status: 'skipped'; error: string }
  | { status: 'pending'; error: string; retryAt: number }
  | { status: 'failed'; error: string };

export interface NewEmail {
  site: string;
  kind: 'transcript' | 'missed_reply';
  /** One e-mail per key, however often it is asked for. */
  dedupeKey: string;
  conversationId?: string;
  toAddress: string;
  subject: string;
  text: string;
  html?: string;
  /** Not sent before this time (epoch ms): a missed-reply mail waits to see if the visitor reads it. */
  notBefore?: number;
}

export interface OutgoingEmail {
  id: string;
  site: string;
  kind: string;
  dedupeKey: string;
  conversationId: string | null;
  toAddress: string;
  subject: string;
  text: string;
  html: string | null;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Which database a store runs on. */
export type Engine = 'sqlite' | 'postgres';

export interface Store {
  readonly engine: Engine;
  /** Records a connection: creates the visitor, or starts a new visit after 30 idle minutes. */
  touchVisitor(visitor: VisitorTouch): Promise<VisitorRow>;
  getVisitor(site: string, id: string): Promise<VisitorRow | undefined>;
  /** Spam: this visitor id (and its verified user) may not start another chat. */
  blockVisitor(site: string, id: string): Promise<void>;
  isBlocked(site: string, owner: string, visitorId: string): Promise<boolean>;

  latestConversation(site: string, owner: string): Promise<ConversationRow | undefined>;
  /** The owner's latest conversations, oldest first. */
  recentConversations(site: string, owner: string, limit: number): Promise<ConversationRow[]>;
  /** The owner's open conversation, or a new one carrying `context` as its snapshot. */
  openConversation(
    site: string,
    owner: string,
    visitorId: string,
    context?: ContextSnapshot,
  ): Promise<{ conversation: ConversationRow; created: boolean }>;
  conversationContext(id: string): Promise<ContextSnapshot | null>;
  startPageView(
    site: string,
    visitorId: string,
    page: { url: string; title?: string; referrer?: string },
  ): Promise<number>;
  /** Ends these page views (one statement for all: a mass disconnect ends thousands); an ended one keeps its end. */
  endPageViews(ids: number[]): Promise<void>;
  /** Reuses the visitor's latest page view if it is this URL and ended less than `withinMs` ago. */
  resumePageView(site: string, visitorId: string, url: string, withinMs: number): Promise<number | undefined>;
  pageViews(site: string, visitorId: string, since?: number): Promise<PageViewRow[]>;
  /** A verified user's device hands its anonymous open conversation to the user. */
  adoptConversations(site: string, visitorId: string, owner: string): Promise<void>;
  getConversation(id: string): Promise<ConversationRow | undefined>;
  listConversations(site: string, limit: number): Promise<ConversationListRow[]>;
  getConversationListRow(id: string): Promise<ConversationListRow | undefined>;
  /** Several at once (in no particular order); ids that do not exist are left out. */
  getConversationListRows(ids: string[]): Promise<ConversationListRow[]>;
  /**
   * Pick-up: the conversation becomes `operatorId`'s if nobody has it. A conditional
   * update: of concurrent pick-ups (in any process) exactly one returns true.
   */
  assignOperator(conversationId: string, operatorId: string): Promise<boolean>;
  /**
   * Hands an open conversation from `from` (null: nobody had it) to `to`, only if it is
   * still `from`'s, with the comment for the receiver. False when it was not (someone else
   * took or passed it meanwhile, or it closed).
   */
  transferConversation(conversationId: string, from: string | null, to: string, comment: string): Promise<boolean>;
  /** Off work: the operator's open conversations go back to the queue. Returns their ids. */
  releaseConversations(site: string, operatorId: string): Promise<string[]>;
  /** Open conversations per operator of the site (operators with none are absent). */
  openLoad(site: string): Promise<Map<string, number>>;
  closeConversation(conversationId: string, reason: CloseReason): Promise<boolean>;
  /** Open conversations with nothing new since `before`. */
  idleConversations(before: number): Promise<ConversationRow[]>;
  /** Raises a read mark; returns false when it was already that high. */
  markRead(conversationId: string, by: 'visitor' | 'operator', seq: number): Promise<boolean>;
  setRating(conversationId: string, state: RatingState, score: number | null, comment: string | null): Promise<void>;

  findMessage(sender: string, clientId: string): Promise<MessageRow | undefined>;
  getMessage(id: string): Promise<MessageRow | undefined>;
  /** Stores a message once per (sender, clientId); a repeat returns the stored one. */
  appendMessage(message: NewMessage): Promise<{ message: MessageRow; duplicate: boolean }>;
  /**
   * The common case of a visitor's message in one write: into the owner's open
   * conversation, if the visitor is not blocked and this is not a resend. Anything else
   * (no open conversation, blocked, a resend) writes nothing and answers undefined, and
   * the caller decides with the separate calls above.
   */
  appendToOpenConversation(message: NewVisitorMessage): Promise<AppendResult>;
  editMessage(id: string, text: string): Promise<MessageRow | undefined>;
  deleteMessage(id: string): Promise<MessageRow | undefined>;
  /** Messages inserted, edited or deleted after change `change`. */
  changesAfter(conversationId: string, change: number, limit: number): Promise<MessageRow[]>;
  lastMessages(conversationId: string, limit: number): Promise<MessageRow[]>;
  /** The newest `limit` messages with a sequence number below `beforeSeq`, oldest first: one page of history. */
  messagesBefore(conversationId: string, beforeSeq: number, limit: number): Promise<MessageRow[]>;
  /** How many operator messages have a sequence number after `afterSeq` and before `beforeSeq`. */
  countOperatorMessages(conversationId: string, afterSeq: number, beforeSeq: number): Promise<number>;

  /** Stores a request once per (site, visitor, clientId); a repeat returns the stored one. */
  insertLead(lead: NewLead): Promise<{ lead: Lead; duplicate: boolean }>;
  findLead(site: string, visitorId: string, clientId: string): Promise<Lead | undefined>;
  getLead(id: string): Promise<(Lead & { site: string }) | undefined>;
  /** The site's requests; quarantined ones only with `spam: true` (and then only they). */
  listLeads(
    site: string,
    options?: { status?: LeadStatus; since?: number; limit?: number; spam?: boolean },
  ): Promise<Lead[]>;
  updateLeadStatus(id: string, status: LeadStatus, operatorId: string): Promise<Lead | undefined>;
  /**
   * "Not spam": lifts the quarantine. The request when this call lifted it; undefined when
   * it was not quarantined (already restored, by this or another server), so the caller
   * that gets it fires the webhook, once.
   */
  restoreLead(id: string): Promise<Lead | undefined>;

  /** Puts an event in the webhook outbox, due now. */
  enqueueWebhook(event: { site: string; url: string; type: string; body: string }): Promise<WebhookDelivery>;
  /**
   * Takes up to `limit` due deliveries for `leaseMs`, counting the attempt: until the
   * lease runs out no other worker (in this process or another server) takes them.
   */
  claimWebhooks(leaseMs: number, limit: number): Promise<WebhookDelivery[]>;
  finishWebhook(id: string, outcome: WebhookOutcome): Promise<void>;
  /** The site's deliveries, newest first. */
  listWebhooks(site: string, options?: { status?: WebhookStatus; limit?: number }): Promise<WebhookDelivery[]>;
  /** Deliveries still to be made, all sites. */
  webhookBacklog(): Promise<number>;

  /**
   * Retention: deletes page views started before `before` and operator sessions expired
   * before it, and clears the IP address of visitors last seen, and of snapshots taken,
   * before it.
   */
  purgeBefore(before: number): Promise<Purged>;
  exportVisitor(site: string, visitorId: string): Promise<VisitorExport | undefined>;
  /**
   * Deletes everything about one visitor: the visitor, the conversations their device
   * started (with every message and e-mail follow-up), their requests, page views and the
   * webhook deliveries that carried them. Returns false when there was no such visitor.
   */
  eraseVisitor(site: string, visitorId: string): Promise<boolean>;

  /**
   * A page of the site's conversations matching `filters`, newest activity first; text is
   * matched by full text (FTS5 on SQLite, tsvector on PostgreSQL), every word as a word
   * prefix, in a message or among the words of the visitor's name and e-mail, all folded
   * by one rule (src/protocol/search-words.ts). `byText` are those of `ids` a message
   * matched (not only the name or e-mail). `next` is the cursor of the following page, or null.
   */
  searchConversations(
    site: string,
    filters: SearchFilters,
  ): Promise<{ ids: string[]; byText: string[]; next: string | null }>;
  /**
   * The conversations and requests of a visitor's browser and, for a verified user, of every
   * device of theirs, newest first. Undefined for an unknown visitor.
   */
  visitorHistory(
    site: string,
    visitorId: string,
    limit: number,
  ): Promise<{ conversationIds: string[]; leadIds: string[] } | undefined>;
  /** Lifts a spam block from the visitor and, for a verified user, from every device of theirs. */
  unblockOwner(site: string, owner: string, visitorId: string): Promise<void>;
  /** Open conversations nobody has taken in which the visitor wrote, first come first. */
  waitingConversations(site: string): Promise<{ id: string; owner: string; createdAt: number }[]>;
  /** Message times of the site's conversations active since `since`, by conversation and number. */
  responseSamples(site: string, since: number, limit: number): Promise<MessageTiming[]>;
  /** The address the visitor typed (request form, transcript field) or a verified identity's. */
  setFollowUpEmail(site: string, visitorId: string, email: string): Promise<void>;
  followUpEmail(site: string, owner: string, visitorId: string): Promise<string | undefined>;

  /** Puts an e-mail in the outbox; false when one with the same dedupe key is there already. */
  enqueueEmail(email: NewEmail): Promise<boolean>;
  claimEmails(leaseMs: number, limit: number): Promise<OutgoingEmail[]>;
  finishEmail(id: string, outcome: EmailOutcome): Promise<void>;
  listEmails(site: string, status?: OutgoingEmail['status']): Promise<OutgoingEmail[]>;
  /** An operator's own canned replies (`operatorId`), or the site's shared ones from the owner API (null), oldest first. */
  listCannedReplies(site: string, operatorId: string | null): Promise<CannedReply[]>;
  /** Adds (no `id`) or edits one of the operator's own replies; at most `limit` each. */
  saveCannedReply(
    site: string,
    operatorId: string,
    reply: { id?: string; title: string; text: string },
    limit: number,
  ): Promise<{ reply: CannedReply } | { error: 'not_found' | 'limit' }>;
  deleteCannedReply(site: string, operatorId: string, id: string): Promise<boolean>;
  /** The owner API's shared replies, replaced whole, in the order given. */
  replaceSharedCannedReplies(site: string, replies: { title: string; text: string }[]): Promise<CannedReply[]>;
  /**
   * A grant for one upload, keyed by (sender, uploadKey): a new row, or the same row with
   * a new grant while its bytes have not arrived. `ready`: that key was uploaded already
   * (the grant is not renewed).
   */
  grantUpload(upload: NewUpload): Promise<{ attachment: AttachmentRow; ready: boolean }>;
  /** Single use: the granted upload for this token hash, now marked as uploading; undefined if none or expired. */
  claimUpload(grantHash: string): Promise<AttachmentRow | undefined>;
  /** The sender's upload with this key, in any state. */
  findUpload(sender: string, uploadKey: string): Promise<AttachmentRow | undefined>;
  /** Marks a claimed upload ready; false when its grant was replaced or it was removed meanwhile. */
  finishUpload(id: string, grantHash: string, done: FinishedUpload): Promise<AttachmentRow | undefined>;
  /** Removes an upload that did not finish (refused, cut off, failed). */
  dropUpload(id: string, grantHash: string): Promise<void>;
  getAttachment(id: string): Promise<AttachmentRow | undefined>;
  getAttachments(ids: string[]): Promise<AttachmentRow[]>;
  /** Bytes a sender has uploaded or been granted (all their uploads). */
  uploadedBytes(sender: string): Promise<number>;
  /** Bytes of all finished uploads (what the file store holds). */
  storedFileBytes(): Promise<number>;
  /**
   * Deletes up to `limit` attachments created before `before` (only unsent ones when
   * `unsentOnly`), takes them off their messages, and returns their storage keys.
   */
  removeAttachments(before: number, unsentOnly: boolean, limit: number): Promise<string[]>;
  /** Deletes the attachments of a (deleted) message and returns their storage keys. */
  removeMessageAttachments(messageId: string): Promise<string[]>;
  /** The storage keys of a visitor's files (their uploads and those in their conversations). */
  visitorFileKeys(site: string, visitorId: string): Promise<string[]>;

  createSession(tokenHash: string, site: string, operatorId: string, expiresAt: number): Promise<void>;
  findSession(tokenHash: string): Promise<{ site: string; operatorId: string } | undefined>;
  close(): Promise<void>;
}
