/**
 * The store's interface: what the server needs from a database, and nothing about
 * which one. SQLite implements it (sqlite.ts); another database is another module.
 */
import type {
  Author,
  CloseReason,
  ContextSnapshot,
  Environment,
  Touch,
  ConversationStatus,
  Lead,
  LeadStatus,
  PageContext,
  RatingState,
} from '../../../src/protocol';

export interface ConversationRow {
  id: string;
  site: string;
  visitorId: string;
  /** Whose conversation it is: "v:<visitor id>", or "u:<user id>" for a verified user. */
  owner: string;
  status: ConversationStatus;
  closeReason: CloseReason | null;
  operatorId: string | null;
  lastSeq: number;
  /** Numbers every insert, edit and delete in the conversation. */
  lastChange: number;
  visitorReadSeq: number;
  operatorReadSeq: number;
  ratingState: RatingState | null;
  ratingScore: number | null;
  ratingComment: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface MessageRow {
  id: string;
  conversationId: string;
  seq: number;
  changeSeq: number;
  clientId: string;
  author: Author;
  operatorId: string | null;
  text: string;
  replyTo: string | null;
  /** The quoted message, joined in. */
  replyAuthor: Author | null;
  replyText: string | null;
  replyDeletedAt: number | null;
  editedAt: number | null;
  deletedAt: number | null;
  createdAt: number;
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
}

export interface NewLead {
  site: string;
  visitorId: string;
  clientId: string;
  snapshot?: ContextSnapshot;
  name?: string;
  phone?: string;
  email?: string;
  message?: string;
  context: PageContext | null;
}

export interface Store {
  /** Records a connection: creates the visitor, or starts a new visit after 30 idle minutes. */
  touchVisitor(visitor: VisitorTouch): VisitorRow;
  getVisitor(site: string, id: string): VisitorRow | undefined;
  /** Spam: this visitor id (and its verified user) may not start another chat. */
  blockVisitor(site: string, id: string): void;
  isBlocked(site: string, owner: string, visitorId: string): boolean;

  latestConversation(site: string, owner: string): ConversationRow | undefined;
  /** The owner's latest conversations, oldest first. */
  recentConversations(site: string, owner: string, limit: number): ConversationRow[];
  /** The owner's open conversation, or a new one carrying `context` as its snapshot. */
  openConversation(
    site: string,
    owner: string,
    visitorId: string,
    context?: ContextSnapshot,
  ): { conversation: ConversationRow; created: boolean };
  conversationContext(id: string): ContextSnapshot | null;
  startPageView(site: string, visitorId: string, page: { url: string; title?: string; referrer?: string }): number;
  endPageView(id: number): void;
  /** Reuses the visitor's latest page view if it is this URL and ended less than `withinMs` ago. */
  resumePageView(site: string, visitorId: string, url: string, withinMs: number): number | undefined;
  pageViews(site: string, visitorId: string, since?: number): PageViewRow[];
  /** A verified user's device hands its anonymous open conversation to the user. */
  adoptConversations(site: string, visitorId: string, owner: string): void;
  getConversation(id: string): ConversationRow | undefined;
  listConversations(site: string, limit: number): ConversationListRow[];
  getConversationListRow(id: string): ConversationListRow | undefined;
  assignOperator(conversationId: string, operatorId: string): boolean;
  closeConversation(conversationId: string, reason: CloseReason): boolean;
  /** Open conversations with nothing new since `before`. */
  idleConversations(before: number): ConversationRow[];
  /** Raises a read mark; returns false when it was already that high. */
  markRead(conversationId: string, by: 'visitor' | 'operator', seq: number): boolean;
  setRating(conversationId: string, state: RatingState, score: number | null, comment: string | null): void;

  findMessage(sender: string, clientId: string): MessageRow | undefined;
  getMessage(id: string): MessageRow | undefined;
  /** Stores a message once per (sender, clientId); a repeat returns the stored one. */
  appendMessage(message: NewMessage): { message: MessageRow; duplicate: boolean };
  editMessage(id: string, text: string): MessageRow | undefined;
  deleteMessage(id: string): MessageRow | undefined;
  /** Messages inserted, edited or deleted after change `change`. */
  changesAfter(conversationId: string, change: number, limit: number): MessageRow[];
  lastMessages(conversationId: string, limit: number): MessageRow[];

  /** Stores a request once per (site, visitor, clientId); a repeat returns the stored one. */
  insertLead(lead: NewLead): { lead: Lead; duplicate: boolean };
  findLead(site: string, visitorId: string, clientId: string): Lead | undefined;
  getLead(id: string): (Lead & { site: string }) | undefined;
  listLeads(site: string, options?: { status?: LeadStatus; since?: number; limit?: number }): Lead[];
  updateLeadStatus(id: string, status: LeadStatus, operatorId: string): Lead | undefined;

  createSession(tokenHash: string, site: string, operatorId: string, expiresAt: number): void;
  findSession(tokenHash: string): { site: string; operatorId: string } | undefined;
  close(): void;
}
