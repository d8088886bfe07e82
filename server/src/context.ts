/**
 * What every request handler needs: the store, the sites, presence, and the mapping
 * from stored rows to the shapes on the wire.
 */
import type { Namespace } from 'socket.io';
import type {
  ChatMessage,
  ConversationSummary,
  OperatorToServer,
  Rating,
  ServerToOperator,
  ServerToVisitor,
  TeamMember,
  VisitorToServer,
  SystemLine,
} from '../../src/protocol';
import { createConversationUpdates, type ConversationUpdates } from './conversation-updates';
import type { Metrics } from './metrics';
import type { PageViewEnds } from './page-view-ends';
import type { Presence } from './presence';
import type { VisitorConnections } from './visitor-connections';
import type { VisitorLeaves } from './visitor-leaves';
import type { RateLimiters } from './rate-limit';
import { publicProfile, type OperatorConfig, type SiteConfig } from './sites';
import type { ConversationListRow, ConversationRow, MessageRow, Store } from './store';
import type { FollowUp } from './follow-up';
import type { WaitingLine } from './waiting-line';
import type { Uploads } from './uploads';
import type { WebhookSender } from './webhook';

export interface ServerContext {
  store: Store;
  sites: Map<string, SiteConfig>;
  publicUrl: string;
  visitors: Namespace<VisitorToServer, ServerToVisitor>;
  operators: Namespace<OperatorToServer, ServerToOperator>;
  presence: Presence;
  /** Each visitor's open connections: on this node, or on every node through Redis. */
  visitorConnections: VisitorConnections;
  /** Visitors who left, told to the consoles together (visitor-leaves.ts). */
  visitorLeaves: VisitorLeaves;
  /** Page views ended, written together (page-view-ends.ts). */
  pageViewEnds: PageViewEnds;
  webhooks: WebhookSender;
  /** Re-tells visitors of one site (or all) their availability where it changed. */
  refreshAvailability: (site?: string) => void;
  /** Rate limits: in this process, or shared by every node through Redis. */
  rateLimiters: RateLimiters;
  /** Whether other nodes serve the same sites (REDIS_URL): some sockets live there. */
  clustered: boolean;
  /**
   * With other nodes: resolves once Redis has taken every broadcast this node made so far
   * (or has not answered within a bound: Redis away must not hold acks back). An ack that
   * waits for it is never ahead of the broadcast it acknowledges (conversations.ts).
   */
  brokerTook?: () => Promise<void>;
  log: (message: string) => void;
  /** Queue positions and expected waits for visitors nobody has answered yet. */
  waitingLine?: WaitingLine;
  /** E-mail follow-up (transcripts, missed replies); its mailer is absent without SMTP. */
  followUp?: FollowUp;
  /** Counters the gateways feed directly (the store's are fed by its wrapper). */
  metrics?: Pick<Metrics, 'spamQuarantined' | 'spamNotStored'>;
  /** Files: grants, uploads, signed download URLs (uploads.ts). */
  uploads?: Uploads;
  /** The console build this server serves (console-release.ts); absent without one. */
  consoleRelease?: string;
}

export const rooms = {
  /** Every connection of a conversation owner: one visitor's tabs, or a user's devices. */
  owner: (site: string, owner: string) => `owner:${site}:${owner}`,
  /** Every visitor connection of a site: availability changes go here. */
  siteVisitors: (site: string) => `visitors:${site}`,
  operators: (site: string) => `operators:${site}`,
  /** Every console of one operator (their devices): their own canned replies go here. */
  operator: (site: string, operatorId: string) => `operator:${site}:${operatorId}`,
};

/** The site's operators with the status others see. */
export function team(ctx: ServerContext, site: SiteConfig): TeamMember[] {
  return site.operators.map((op) => ({
    ...publicProfile(op, ctx.publicUrl, site),
    status: ctx.presence.status(site.id, op.id),
    ...(op.groups ? { groups: op.groups } : {}),
  }));
}

export function findOperator(ctx: ServerContext, site: string, operatorId: string | null): OperatorConfig | undefined {
  return operatorId ? ctx.sites.get(site)?.operators.find((op) => op.id === operatorId) : undefined;
}

const QUOTE_LENGTH = 140;

export function toChatMessage(ctx: ServerContext, site: string, row: MessageRow): ChatMessage {
  const operator = findOperator(ctx, site, row.operatorId);
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    changeSeq: row.changeSeq,
    clientId: row.clientId,
    author: row.author,
    ...(operator ? { operator: publicProfile(operator, ctx.publicUrl, ctx.sites.get(site)) } : {}),
    text: row.text,
    ...(row.replyTo && row.replyAuthor
      ? {
          replyTo: {
            id: row.replyTo,
            author: row.replyAuthor,
            text: row.replyDeletedAt ? '' : (row.replyText ?? '').slice(0, QUOTE_LENGTH),
            ...(row.replyDeletedAt ? { deleted: true } : {}),
          },
        }
      : {}),
    ...(row.editedAt ? { editedAt: row.editedAt } : {}),
    ...(row.deletedAt ? { deleted: true } : {}),
    createdAt: row.createdAt,
    ...(row.attachments && ctx.uploads ? { attachments: ctx.uploads.attachmentsOf(row) } : {}),
    ...(row.system ? { system: JSON.parse(row.system) as SystemLine } : {}),
  };
}

export function toRating(row: ConversationRow): Rating | null {
  if (!row.ratingState) return null;
  return {
    conversationId: row.id,
    state: row.ratingState,
    ...(row.ratingScore !== null ? { score: row.ratingScore } : {}),
    ...(row.ratingComment ? { comment: row.ratingComment } : {}),
  };
}

/** The transfer comment, for the two operators of the hand-over; '' for anyone else. */
function commentFor(row: ConversationListRow, viewer: string | undefined): string {
  const party = viewer !== undefined && (viewer === row.operatorId || viewer === row.transferFrom);
  return party ? (row.transferComment ?? '') : '';
}

/**
 * A conversation as one operator's console sees it. The transfer comment is between the
 * operator who passed the chat on and the one who received it: `viewer` is the operator
 * it is written for, and every other console (or none named) gets the hand-over without it.
 */
export function toSummary(row: ConversationListRow, viewer?: string): ConversationSummary {
  const summary: ConversationSummary = {
    id: row.id,
    visitorId: row.visitorId,
    visitorName: row.visitorName ?? 'Visitor',
    visitorNameGiven: row.visitorName !== null,
    visitorEmail: row.visitorEmail,
    verified: row.owner.startsWith('u:'),
    status: row.status,
    closeReason: row.closeReason,
    operatorId: row.operatorId,
    visitorReadSeq: row.visitorReadSeq,
    operatorReadSeq: row.operatorReadSeq,
    rating: toRating(row),
    lastMessage:
      row.lastText !== null && row.lastAuthor !== null && row.lastAt !== null
        ? { author: row.lastAuthor, text: row.lastText, createdAt: row.lastAt }
        : null,
    lastSeq: row.lastSeq,
    revision: row.revision,
    updatedAt: row.updatedAt,
    createdAt: row.createdAt,
  };
  // Set after rather than spread in from a conditional object: this runs for every message
  // a busy site gets, and the spread stood out in its profile.
  if (row.transferAt !== null && row.operatorId !== null) {
    summary.transfer = {
      fromOperatorId: row.transferFrom,
      toOperatorId: row.operatorId,
      comment: commentFor(row, viewer),
      at: row.transferAt,
    };
  }
  return summary;
}

const conversationUpdates = new WeakMap<ServerContext, ConversationUpdates<ConversationListRow>>();

function updatesOf(ctx: ServerContext): ConversationUpdates<ConversationListRow> {
  let updates = conversationUpdates.get(ctx);
  if (!updates) {
    updates = createConversationUpdates(
      (ids) => ctx.store.getConversationListRows(ids),
      (rows) => tellOperators(ctx, rows),
      ctx.log,
    );
    conversationUpdates.set(ctx, updates);
  }
  return updates;
}

/**
 * Tells every operator of the site that a conversation changed, with its state after
 * the change (conversation-updates.ts: read together per turn, one read at a time).
 */
export function publishConversation(ctx: ServerContext, conversationId: string): void {
  updatesOf(ctx).changed(conversationId);
}

/** The same, for a change whose write returned the conversation's list row: told without a read. */
export function publishListRow(ctx: ServerContext, row: ConversationListRow): void {
  updatesOf(ctx).known(row);
}

/** The server closes: conversation changes are no longer read or told (nor retried). */
export function closeConversationUpdates(ctx: ServerContext): void {
  conversationUpdates.get(ctx)?.close();
}

/**
 * One turn's changed conversations, to each site's consoles in one event. The comment of
 * a hand-over reaches the consoles of its two operators only: such a conversation goes
 * to them, and to the others without it, in events of its own.
 */
function tellOperators(ctx: ServerContext, rows: ConversationListRow[]): void {
  const bySite = new Map<string, ConversationSummary[]>();
  for (const row of rows) {
    if (row.transferComment) {
      tellWithComment(ctx, row);
      continue;
    }
    const summaries = bySite.get(row.site);
    if (summaries) summaries.push(toSummary(row));
    else bySite.set(row.site, [toSummary(row)]);
  }
  for (const [site, summaries] of bySite) {
    const consoles = ctx.operators.to(rooms.operators(site));
    if (summaries.length === 1) consoles.emit('conversation:updated', summaries[0]!);
    else consoles.emit('conversations:updated', summaries);
  }
}

function tellWithComment(ctx: ServerContext, row: ConversationListRow): void {
  const parties = [row.operatorId, row.transferFrom].filter((id) => id !== null);
  const partyRooms = parties.map((id) => rooms.operator(row.site, id));
  ctx.operators.to(rooms.operators(row.site)).except(partyRooms).emit('conversation:updated', toSummary(row));
  for (const id of parties)
    ctx.operators.to(rooms.operator(row.site, id)).emit('conversation:updated', toSummary(row, id));
}
