/**
 * The operator workspace's events, added to each console connection: search across the
 * whole history, a visitor's earlier conversations (across devices for a verified user),
 * undoing Spam, and transcripts. Each checks its payload, keeps to the operator's site,
 * and acknowledges.
 */
import type { Socket } from 'socket.io';
import {
  checkConversationRef,
  fail,
  type ConversationSummary,
  type Lead,
  type OperatorToServer,
  type ServerToOperator,
} from '../../src/protocol';
import { publishConversation, rooms, toSummary, type ServerContext } from './context';
import { fileLinks, operatorNames } from './follow-up';
import { check } from './payloads';
import type { OperatorConfig, SiteConfig } from './sites';
import { withMatches } from './search-match';
import { buildTranscript } from './transcript';
import { historyRequest, searchQuery, transcriptRequest } from './workspace-payloads';

type OperatorSocket = Socket<
  OperatorToServer,
  ServerToOperator,
  Record<string, never>,
  { site: SiteConfig; operator: OperatorConfig }
>;

/** How many earlier conversations (and requests) the console is given for one visitor. */
const HISTORY_LIMIT = 50;

/** The conversations as `viewer`'s console sees them (see toSummary). */
export async function summaries(ctx: ServerContext, ids: string[], viewer: string): Promise<ConversationSummary[]> {
  const rows = await Promise.all(ids.map((id) => ctx.store.getConversationListRow(id)));
  return rows.flatMap((row) => (row ? [toSummary(row, viewer)] : []));
}

export function attachSearchHandlers(ctx: ServerContext, socket: OperatorSocket): void {
  const { store } = ctx;
  const site = () => socket.data.site;
  const guard = <T>(what: string, ack: (res: T) => void, work: () => Promise<unknown>) =>
    void work().catch((error: unknown) => {
      ctx.log(`operator ${what} failed: ${String(error)}`);
      ack(fail('internal', `the ${what} could not be done`) as T);
    });

  socket.on('conversation:search', (payload, ack) => {
    if (typeof ack !== 'function') return;
    const checked = check(searchQuery, payload);
    if (!checked.ok) return ack(checked);
    guard('search', ack, async () => {
      const { ids, byText, next } = await store.searchConversations(site().id, checked.value);
      const hits = await summaries(ctx, ids, socket.data.operator.id);
      ack({ ok: true, conversations: await withMatches(store, hits, checked.value.text, byText), next });
    });
  });

  socket.on('visitor:history', (payload, ack) => {
    if (typeof ack !== 'function') return;
    const checked = check(historyRequest, payload);
    if (!checked.ok) return ack(checked);
    guard('history', ack, async () => {
      const found = await store.visitorHistory(site().id, checked.value.visitorId, HISTORY_LIMIT);
      if (!found) return ack(fail('not_found', 'no such visitor'));
      const leads = await Promise.all(found.leadIds.map((id) => store.getLead(id)));
      ack({
        ok: true,
        conversations: await summaries(ctx, found.conversationIds, socket.data.operator.id),
        leads: leads.flatMap((lead): Lead[] => {
          if (!lead) return [];
          const { site: _site, ...rest } = lead;
          return [rest];
        }),
      });
    });
  });

  socket.on('conversation:unban', (payload, ack) => {
    if (typeof ack !== 'function') return;
    const checked = checkConversationRef(payload);
    if (!checked.ok) return ack(checked);
    guard('unban', ack, async () => {
      const row = await store.getConversation(checked.value.conversationId);
      if (row?.site !== site().id) return ack(fail('not_found', 'no such conversation'));
      await store.unblockOwner(row.site, row.owner, row.visitorId);
      // Every console of the site (this operator's other devices too) stops offering the undo.
      ctx.operators.to(rooms.operators(row.site)).emit('conversation:unbanned', { conversationId: row.id });
      // The visitor's open widgets (every tab, every device of a verified user) offer the chat again.
      ctx.visitors.to(rooms.owner(row.site, row.owner)).emit('unblocked');
      publishConversation(ctx, row.id);
      ack({
        ok: true,
        conversation: toSummary((await store.getConversationListRow(row.id))!, socket.data.operator.id),
      });
    });
  });

  socket.on('transcript:get', (payload, ack) => {
    if (typeof ack !== 'function') return;
    const checked = check(transcriptRequest, payload);
    if (!checked.ok) return ack(checked);
    guard('transcript', ack, async () => {
      const row = await store.getConversation(checked.value.conversationId);
      if (row?.site !== site().id) return ack(fail('not_found', 'no such conversation'));
      const messages = await store.lastMessages(row.id, 10_000);
      const source = {
        siteName: site().name,
        conversation: row,
        messages,
        operatorName: operatorNames(site()),
        visitorLabel: 'Visitor',
        files: fileLinks(ctx),
      };
      ack({ ok: true, transcript: buildTranscript(source, checked.value.format) });
    });
  });
}
