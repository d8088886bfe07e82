/** Data shapes that cross the wire. Times are epoch milliseconds. */
import type { PageContext } from './context.js';
import type { ContextSnapshot } from './events.js';
import type { Theme } from '../themes/tokens.js';
import type { LeadErrors, LeadFormConfig } from './lead.js';

export type Author = 'visitor' | 'operator' | 'system';

/**
 * What a server-written line says, as a code and its parameters, so the widget can say it
 * in the visitor's language (`system.<code>` in src/i18n); `ChatMessage.text` has it in
 * English for anyone who does not know the code.
 * - `transfer`: `{from}` passed the chat to `{to}`;
 * - `answering`: `{name}` will answer you (a chat taken over, or passed on before anyone had it).
 */
export interface SystemLine {
  code: 'transfer' | 'answering';
  params: Record<string, string>;
}

export interface OperatorProfile {
  id: string;
  name: string;
  title?: string;
  avatar?: string;
}

/** The quoted message of a reply, as it is now. */
export interface QuotedMessage {
  id: string;
  author: Author;
  /** The start of the quoted text; empty once that message was deleted. */
  text: string;
  deleted?: boolean;
}

export interface ChatMessage {
  id: string;
  conversationId: string;
  /** Position in its conversation, from 1, without gaps. */
  seq: number;
  /** Numbers every insert, edit and delete in the conversation: the replay cursor. */
  changeSeq: number;
  replyTo?: QuotedMessage;
  editedAt?: number;
  /** Deleted by its author; the text is gone. */
  deleted?: boolean;
  /** The sender's id for this message, the key that makes a resend harmless. */
  clientId: string;
  author: Author;
  /** Set on operator messages. */
  operator?: OperatorProfile;
  /** May be '' when the message carries attachments. */
  text: string;
  createdAt: number;
  /** Files, images and voice messages sent with the message. */
  attachments?: Attachment[];
  /** On a server-written line (author `system`): what it says, for the widget to translate. */
  system?: SystemLine;
}

/** image only for sniffed raster images (png, jpeg, gif, webp); voice for audio. */
export type AttachmentKind = 'image' | 'file' | 'voice';

export interface Attachment {
  /** Server-chosen. */
  id: string;
  kind: AttachmentKind;
  /** The original name: display text only. */
  name: string;
  /** Decided by sniffing the bytes, never by the name or the Content-Type. */
  mime: string;
  /** Bytes. */
  size: number;
  /** Images, when known. */
  width?: number;
  height?: number;
  /** Voice: as reported by the uploader, clamped to the limit. */
  durationMs?: number;
  /** Absolute (PUBLIC_URL) download URL, signed, short-lived. */
  url: string;
  /** Epoch ms; renew with `attachment:url`. */
  urlExpiresAt: number;
}

/** What a site accepts as uploads; null in the settings when uploads are off for the site. */
export interface UploadSettings {
  maxBytes: number;
  /** Allowed MIME types (as sniffed). */
  types: string[];
  voiceMaxMs: number;
}

/** A prepared answer an operator inserts and may edit before sending. */
export interface CannedReply {
  id: string;
  title: string;
  text: string;
  /** The site's (from its config), as opposed to one operator's own. */
  shared?: boolean;
}

export type ConversationStatus = 'open' | 'closed';
/** Who or what ended a conversation. Spam also bars the visitor from starting another. */
export type CloseReason = 'operator' | 'visitor' | 'timeout' | 'spam';
/** pending: asked; draft: stars chosen, may change; given and dismissed are final. */
export type RatingState = 'pending' | 'draft' | 'given' | 'dismissed';

export interface Rating {
  conversationId: string;
  state: RatingState;
  score?: number;
  comment?: string;
}

export interface SiteInfo {
  id: string;
  name: string;
  greeting: string;
  /** The greeting in other languages, by the widget's language code ("de", "ar"): `greeting` is for the rest. */
  greetings?: Record<string, string>;
  leadForm: LeadFormConfig;
  /** Play a short sound when an operator writes first (where the browser allows it). */
  sound?: boolean;
  /** False: no unread count in the page title while the visitor is on another tab. */
  titleAlert?: false;
  /** True: offer system notifications of replies while the visitor is on another tab (off by default). */
  notifications?: true;
  /** True: a count badge on the page's favicon while a reply is unread in a hidden tab (off by default). */
  faviconBadge?: true;
  /** The site's theme from its config: the first source the page's settings override. */
  theme?: Theme;
  /** Median time to an operator's reply over recent days; absent with too few replies to say. */
  typicalReplyMs?: number;
  /** Uploads this site accepts; null when they are off. Optional: older servers leave it out. */
  uploads?: UploadSettings | null;
  /** The server can e-mail a transcript (it has SMTP); absent when it cannot. */
  transcriptByEmail?: true;
}

/**
 * The statuses of seeds 000 and 004; only `available` takes new chats and transfers.
 * `busy` keeps answering its chats; `break` (`away` is its older name), `dnd` (do not
 * disturb) and `off` (off work, which also hands the operator's open chats back to the
 * queue) take nothing new. `offline` is what colleagues see of an operator with no console.
 */
export type OperatorStatus = 'available' | 'away' | 'dnd' | 'offline' | 'busy' | 'break' | 'off';
export const OPERATOR_STATUSES: readonly OperatorStatus[] = [
  'available',
  'away',
  'dnd',
  'offline',
  'busy',
  'break',
  'off',
];
/** The statuses the console offers, in its order. */
export const CHOOSABLE_STATUSES: readonly OperatorStatus[] = ['available', 'busy', 'break', 'dnd', 'off'];

/** Whether a visitor on a given page can reach someone now, and if not, why not. */
export interface Availability {
  online: boolean;
  /**
   * Why nobody can take a new chat: closed (`hours`), every operator who answers this page
   * is busy with other chats (`busy`: status busy), or nobody is there (`nobody`).
   */
  reason?: 'hours' | 'nobody' | 'busy';
  /** With reason `hours`: when the site opens next (epoch ms, from its business hours); absent when it never does. */
  opensAt?: number;
}

/**
 * Where a visitor's chat stands while nobody has picked it up: its place among the site's
 * waiting chats (1 = next) and the expected wait — the median pick-up time × position ÷
 * operators available — or null when there are too few recent pick-ups to say.
 */
export interface QueueState {
  conversationId: string;
  position: number;
  expectedWaitMs: number | null;
  /**
   * Nobody is available to take a chat from the line because every operator at work is
   * busy with other chats (the expected wait is then null: nobody can say when one frees up).
   */
  busy?: true;
}

/** One page of the operators' server-side search, newest activity first. */
export interface SearchQuery {
  /** Words looked for in message text (full text, by word prefix) and in the visitor's name or e-mail. */
  text?: string;
  status?: 'open' | 'closed' | 'spam';
  /** An operator id, or 'none' for chats nobody took. */
  operatorId?: string;
  /** Last activity from / before (epoch ms). */
  from?: number;
  to?: number;
  /** The `next` of the previous page. */
  cursor?: string;
  limit?: number;
}

export type TranscriptFormat = 'text' | 'html';

/** A conversation written out as a file: plain text, or HTML made of escaped text only. */
export interface Transcript {
  filename: string;
  mime: string;
  body: string;
}

export type LeadStatus = 'new' | 'in_work' | 'done';
export const LEAD_STATUSES: readonly LeadStatus[] = ['new', 'in_work', 'done'];

/**
 * Why a request was quarantined as likely spam: the honeypot was filled, it came sooner
 * than the form can be filled, or past the per-visitor or per-IP limit.
 */
export type SpamReason = 'honeypot' | 'too_fast' | 'visitor_limit' | 'ip_limit';
export const SPAM_REASONS: readonly SpamReason[] = ['honeypot', 'too_fast', 'visitor_limit', 'ip_limit'];

export interface Lead {
  id: string;
  visitorId: string;
  name?: string;
  phone?: string;
  email?: string;
  message?: string;
  /** The page, referrer and campaign when the request was sent. */
  context: PageContext | null;
  /** The visitor's first and last touch, environment and network at that moment. */
  snapshot?: ContextSnapshot;
  status: LeadStatus;
  /** Set while the request is quarantined as likely spam: kept, but not delivered nor listed with the others. */
  spam?: SpamReason;
  operatorId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What the server tells a visitor right after it connects. */
export interface VisitorSession {
  site: SiteInfo;
  conversationId: string | null;
  status: ConversationStatus | null;
  closeReason: CloseReason | null;
  operator: OperatorProfile | null;
  /**
   * Changes after the change number the client said it had in the current conversation;
   * without one (or when there are too many), the newest page of the recent conversations,
   * oldest first (see `hasOlder`).
   */
  messages: ChatMessage[];
  /** How far the operator has read the current conversation. */
  operatorReadSeq: number;
  /**
   * How far the visitor has read the current conversation, by the server's mark (the
   * receipts it has had): a returning page view sends a receipt only for a read past it.
   * Older servers leave it out.
   */
  visitorReadSeq?: number;
  /** The rating of the latest ended conversation, while it is still asked for. */
  rating: Rating | null;
  /** Closed as spam: no new chat, no form. */
  blocked: boolean;
  /** Whether a verified identity token was accepted. */
  verified: boolean;
  /**
   * Present when `messages` is the newest page of history rather than the changes after
   * the client's change number: the client replaces what it held with it, and true means
   * older messages can be asked for with `history:page`. Older servers leave it out.
   */
  hasOlder?: boolean;
  /**
   * With `hasOlder`: how many operator messages older than `messages` the visitor has not
   * read, by the server's read marks, so that the unread count stays right for an unread
   * history longer than one page (the client counts the page's own). Older servers leave it out.
   */
  olderUnread?: number;
}

export interface ConversationSummary {
  id: string;
  visitorId: string;
  visitorName: string;
  /**
   * Whether the visitor gave a name (data-name, identify, identity token); false when
   * `visitorName` is the server's placeholder. Optional: older servers leave it out.
   */
  visitorNameGiven?: boolean;
  /** From data-email or identify: verified only with a signed identity token. */
  visitorEmail: string | null;
  verified: boolean;
  status: ConversationStatus;
  closeReason: CloseReason | null;
  operatorId: string | null;
  visitorReadSeq: number;
  /** How far an operator has read it (the `read` the console sends). Optional: older servers leave it out. */
  operatorReadSeq?: number;
  /** The latest hand-over to the current operator, with the colleague's comment. */
  transfer?: TransferNote;
  rating: Rating | null;
  lastMessage: Pick<ChatMessage, 'author' | 'text' | 'createdAt'> | null;
  /** In a search's answer: the newest message whose text holds the words looked for. */
  match?: Pick<ChatMessage, 'author' | 'text' | 'createdAt'>;
  lastSeq: number;
  /**
   * Raised by every change of the conversation (a message, an edit, a read mark, a
   * hand-over, a close): of two summaries that cross on their way, the higher is the newer.
   */
  revision: number;
  updatedAt: number;
  createdAt: number;
}

/** A conversation passed from one operator to another (seeds 000, 004). */
export interface TransferNote {
  /** Who passed it on; null when nobody had taken it yet. */
  fromOperatorId: string | null;
  toOperatorId: string;
  /** For the receiving operator: what the visitor needs, what was done. May be empty. */
  comment: string;
  at: number;
}

export type ErrorCode =
  | 'invalid'
  | 'too_long'
  | 'rate_limited'
  | 'conflict'
  | 'not_found'
  | 'closed'
  | 'unauthorized'
  | 'blocked'
  | 'internal'
  /** The operator named cannot take it now (not available, or not in the group). */
  | 'unavailable'
  /** Uploads: the file is over the site's size limit. */
  | 'too_large'
  /** Uploads: the sniffed type is not in the site's allowlist. */
  | 'type_not_allowed'
  /** Uploads: the visitor's storage quota is used up. */
  | 'quota'
  /** Uploads: the grant token is missing, expired, used, or for another upload. */
  | 'grant_invalid';

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
