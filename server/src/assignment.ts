/**
 * A conversation belongs to one operator at a time. Only they write in it; they may pass
 * it on, with a comment, to a colleague who is available (by name, or whoever in a group
 * has the fewest open chats); an operator going off work hands their open chats back to
 * the queue. Every change of hands is a conditional update in the store, so two operators
 * acting at once (on any node) cannot both win.
 */
import {
  fail,
  newId,
  type AckError,
  type ConversationSummary,
  type OperatorStatus,
  type SystemLine,
} from '../../src/protocol';
import { operatorsFor, takesNewChats } from './availability';
import { publishConversation, rooms, toSummary, type ServerContext } from './context';
import { appendMessage, broadcastMessage } from './conversations';
import { publicProfile, type OperatorConfig, type SiteConfig } from './sites';
import type { ConversationRow } from './store';

/** How a status reads in "Max is … : choose an available colleague". */
const STATUS_WORDS: Record<OperatorStatus, string> = {
  available: 'available',
  busy: 'busy',
  break: 'on a break',
  away: 'away',
  dnd: 'not to be disturbed',
  off: 'off work',
  offline: 'offline',
};

/** The refusal for an operator writing in a colleague's conversation, or null when they may. */
export function heldByColleague(site: SiteConfig, conversation: ConversationRow, operator: OperatorConfig) {
  if (conversation.operatorId === null || conversation.operatorId === operator.id) return null;
  const holder = site.operators.find((op) => op.id === conversation.operatorId);
  return fail('conflict', `${holder?.name ?? 'A colleague'} is answering this chat`);
}

/** The refusal for ending a chat a colleague has, or null when this operator may end it. */
export function endedOnlyByHolder(site: SiteConfig, conversation: ConversationRow, operator: OperatorConfig) {
  if (conversation.operatorId === null || conversation.operatorId === operator.id) return null;
  const holder = site.operators.find((op) => op.id === conversation.operatorId)?.name ?? 'A colleague';
  return fail('conflict', `${holder} is answering this chat: only ${holder} can end it`);
}

/** The lines a change of hands writes: English text, and the code the widget translates. */
const transferLine = (from: string, to: string) => ({
  text: `${from} passed the chat to ${to}.`,
  system: { code: 'transfer', params: { from, to } } satisfies SystemLine,
});
const answeringLine = (name: string) => ({
  text: `${name} will answer you.`,
  system: { code: 'answering', params: { name } } satisfies SystemLine,
});

export interface TransferRequest {
  conversationId: string;
  toOperatorId?: string;
  toGroupId?: string;
  comment: string;
}

type TransferResult = { ok: true; conversation: ConversationSummary } | AckError;

/** The colleague a transfer goes to, or why there is none. */
async function chooseTarget(
  ctx: ServerContext,
  site: SiteConfig,
  from: OperatorConfig,
  request: TransferRequest,
): Promise<OperatorConfig | AckError> {
  const status = (op: OperatorConfig) => ctx.presence.status(site.id, op.id);
  if (request.toOperatorId !== undefined) {
    const to = site.operators.find((op) => op.id === request.toOperatorId);
    if (!to) return fail('not_found', 'no such colleague on this site', 'toOperatorId');
    if (to.id === from.id) return fail('invalid', 'this chat is yours already', 'toOperatorId');
    if (!takesNewChats(status(to)))
      return fail('unavailable', `${to.name} is ${STATUS_WORDS[status(to)]}: choose an available colleague`);
    return to;
  }
  const group = request.toGroupId!;
  const known = site.operators.some((op) => op.groups?.includes(group)) || site.routing?.some((r) => r.group === group);
  if (!known) return fail('not_found', `there is no group "${group}" on this site`, 'toGroupId');
  const candidates = operatorsFor(site, group).filter((op) => op.id !== from.id && takesNewChats(status(op)));
  if (!candidates.length) return fail('unavailable', `nobody in ${group} is available now: try again later`);
  // The least loaded first; of equals, the first in the sites file.
  const load = await ctx.store.openLoad(site.id);
  return candidates.reduce((best, op) => ((load.get(op.id) ?? 0) < (load.get(best.id) ?? 0) ? op : best));
}

/**
 * Passes an open conversation from its operator (or from nobody) to an available
 * colleague: the visitor reads a line saying so and sees the new operator's profile, the
 * receiving console hears the comment, and the previous operator can no longer write.
 */
export async function transferConversation(
  ctx: ServerContext,
  site: SiteConfig,
  from: OperatorConfig,
  request: TransferRequest,
): Promise<TransferResult> {
  const conversation = await ctx.store.getConversation(request.conversationId);
  if (conversation?.site !== site.id) return fail('not_found', 'no such conversation');
  if (conversation.status !== 'open') return fail('closed', 'the conversation is closed');
  const held = heldByColleague(site, conversation, from);
  if (held) return held;
  const to = await chooseTarget(ctx, site, from, request);
  if ('ok' in to) return to;
  if (!(await ctx.store.transferConversation(conversation.id, conversation.operatorId, to.id, request.comment))) {
    return fail('conflict', 'the chat changed hands or ended meanwhile: look again');
  }

  const { message } = await appendMessage(ctx, conversation, {
    sender: `o:${from.id}`,
    clientId: newId(),
    author: 'system',
    operatorId: null,
    ...(conversation.operatorId ? transferLine(from.name, to.name) : answeringLine(to.name)),
  });
  broadcastMessage(ctx, conversation, message);
  ctx.visitors
    .to(rooms.owner(site.id, conversation.owner))
    .emit('operator:assigned', publicProfile(to, ctx.publicUrl, site));
  const row = (await ctx.store.getConversationListRow(conversation.id))!;
  const parties = [to.id, from.id];
  const note = (viewer?: string) => ({ conversationId: conversation.id, ...toSummary(row, viewer).transfer! });
  // Every console learns who has the chat now; only the receiving operator (and the one
  // who wrote it) reads the comment.
  ctx.operators
    .to(rooms.operators(site.id))
    .except(parties.map((id) => rooms.operator(site.id, id)))
    .emit('conversation:transferred', note());
  for (const id of parties) ctx.operators.to(rooms.operator(site.id, id)).emit('conversation:transferred', note(id));
  publishConversation(ctx, conversation.id);
  return { ok: true, conversation: toSummary(row, from.id) };
}

/**
 * A chat whose operator has gone (no console past the grace period) is not stuck: the
 * colleague who answers it takes it over, as a transfer from the absent operator. False
 * when its operator is still there, or someone else took it first.
 */
export async function takeOverFromAbsent(
  ctx: ServerContext,
  site: SiteConfig,
  conversation: ConversationRow,
  operator: OperatorConfig,
): Promise<boolean> {
  const holder = conversation.operatorId;
  if (holder === null || holder === operator.id || ctx.presence.status(site.id, holder) !== 'offline') return false;
  if (!(await ctx.store.transferConversation(conversation.id, holder, operator.id, ''))) return false;
  const { message } = await appendMessage(ctx, conversation, {
    sender: `o:${operator.id}`,
    clientId: newId(),
    author: 'system',
    operatorId: null,
    ...answeringLine(operator.name),
  });
  broadcastMessage(ctx, conversation, message);
  ctx.visitors
    .to(rooms.owner(site.id, conversation.owner))
    .emit('operator:assigned', publicProfile(operator, ctx.publicUrl, site));
  publishConversation(ctx, conversation.id);
  return true;
}

/** Off work: the operator's open chats go back to the queue, for a colleague to pick up. */
export async function releaseConversations(ctx: ServerContext, site: SiteConfig, operatorId: string): Promise<number> {
  const released = await ctx.store.releaseConversations(site.id, operatorId);
  for (const id of released) publishConversation(ctx, id);
  return released.length;
}
