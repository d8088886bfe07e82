/**
 * What happens to a conversation, with everyone who must hear of it told: picking it
 * up (with the operator's greeting), closing (normally or as spam), ratings. Both socket
 * gateways, the message service (messages.ts) and the inactivity sweep go through here.
 */
import { newId, type ChatMessage, type CloseReason, type Rating } from '../../src/protocol';
import { publishConversation, rooms, toChatMessage, toRating, type ServerContext } from './context';
import { createConsoleMessages, type ConsoleMessages } from './console-messages';
import { publicProfile, type OperatorConfig, type SiteConfig } from './sites';
import type { ConversationRow, NewMessage } from './store';
import { refreshOnline } from './visitor-presence';

const consoleMessages = new WeakMap<ServerContext, ConsoleMessages<ChatMessage>>();

/** The site's consoles hear of the turn's messages together, at its end (console-messages.ts). */
function toConsoles(ctx: ServerContext, site: string, message: ChatMessage): Promise<void> {
  let feed = consoleMessages.get(ctx);
  if (!feed) {
    feed = createConsoleMessages((siteId, messages) => {
      const consoles = ctx.operators.to(rooms.operators(siteId));
      if (messages.length === 1) consoles.emit('message:new', messages[0]!);
      else consoles.emit('messages:new', messages);
    }, ctx.brokerTook);
    consoleMessages.set(ctx, feed);
  }
  return feed.add(site, message);
}

/**
 * Sends a stored message to the owner's other connections and the site's operators.
 * socket.io encodes a packet before it looks who is in the room, so a room with nobody
 * else in it (the usual owner room: only the sending tab) is skipped here, unless other
 * nodes may hold members this one cannot see. An operator's own message goes to the
 * other consoles at once (their sending console has the ack); everything else reaches
 * the consoles with the turn's other messages. What it returns resolves once everyone
 * has been told — with other nodes, once Redis has taken it: a message's ack waits for
 * it (console-messages.ts says why).
 */
export function broadcastMessage(
  ctx: ServerContext,
  conversation: Pick<ConversationRow, 'site' | 'owner'>,
  message: ChatMessage,
  except?: string,
  { visitor = true }: { visitor?: boolean } = {},
): Promise<void> | undefined {
  const othersIn = (namespace: ServerContext['visitors'] | ServerContext['operators'], room: string) => {
    if (ctx.clustered) return true;
    const members = namespace.adapter.rooms.get(room);
    return members !== undefined && members.size > (except && members.has(except) ? 1 : 0);
  };
  const ownerRoom = rooms.owner(conversation.site, conversation.owner);
  if (visitor && othersIn(ctx.visitors, ownerRoom)) {
    const owner = ctx.visitors.to(ownerRoom);
    (except ? owner.except(except) : owner).emit('message:new', message);
  }
  const operatorRoom = rooms.operators(conversation.site);
  if (othersIn(ctx.operators, operatorRoom)) {
    if (except && ctx.operators.sockets.has(except))
      ctx.operators.to(operatorRoom).except(except).emit('message:new', message);
    else return toConsoles(ctx, conversation.site, message);
  }
  return ctx.brokerTook?.();
}

export async function appendMessage(
  ctx: ServerContext,
  conversation: ConversationRow,
  input: Omit<NewMessage, 'conversationId'>,
) {
  const { message: row, duplicate } = await ctx.store.appendMessage({ ...input, conversationId: conversation.id });
  return { message: toChatMessage(ctx, conversation.site, row), duplicate };
}

/**
 * The operator takes the conversation, if nobody has: the visitor learns who answers,
 * and the operator's personal greeting is posted in their name.
 */
export async function pickUp(
  ctx: ServerContext,
  site: SiteConfig,
  conversation: ConversationRow,
  operator: OperatorConfig,
): Promise<boolean> {
  if (!(await ctx.store.assignOperator(conversation.id, operator.id))) return false;
  ctx.visitors
    .to(rooms.owner(site.id, conversation.owner))
    .emit('operator:assigned', publicProfile(operator, ctx.publicUrl, site));
  if (operator.greeting) {
    const { message } = await appendMessage(ctx, conversation, {
      sender: `o:${operator.id}`,
      clientId: newId(),
      author: 'operator',
      operatorId: operator.id,
      text: operator.greeting,
    });
    broadcastMessage(ctx, conversation, message);
  }
  publishConversation(ctx, conversation.id);
  ctx.waitingLine?.refresh(site.id);
  return true;
}

/** Closes an open conversation; spam also bars the visitor from starting another. */
export async function closeConversation(
  ctx: ServerContext,
  conversation: ConversationRow,
  reason: CloseReason,
): Promise<boolean> {
  if (!(await ctx.store.closeConversation(conversation.id, reason))) return false;
  if (reason === 'spam') await ctx.store.blockVisitor(conversation.site, conversation.visitorId);
  ctx.visitors
    .to(rooms.owner(conversation.site, conversation.owner))
    .emit('conversation:closed', { conversationId: conversation.id, reason });
  publishConversation(ctx, conversation.id);
  ctx.waitingLine?.refresh(conversation.site);
  refreshOnline(ctx, conversation.site, conversation.owner);
  return true;
}

/** The low-rating alert of seed 003: console highlight and webhook. */
export function publishRating(ctx: ServerContext, site: SiteConfig, conversation: ConversationRow): Rating | null {
  const rating = toRating(conversation);
  if (!rating) return null;
  ctx.visitors.to(rooms.owner(site.id, conversation.owner)).emit('rating', rating);
  if (rating.state === 'given') {
    const low = (rating.score ?? 5) < 4;
    ctx.operators.to(rooms.operators(site.id)).emit('rating', { ...rating, low });
    if (low && site.webhookUrl) void ctx.webhooks.send(site.webhookUrl, { type: 'rating.low', site: site.id, rating });
  }
  publishConversation(ctx, conversation.id);
  return rating;
}

/** Closes every conversation idle past its site's timeout (seed 004). */
export async function closeIdleConversations(ctx: ServerContext, now = Date.now()): Promise<number> {
  const timeouts = [...ctx.sites.values()].flatMap((s) =>
    s.inactivityTimeoutMinutes ? [s.inactivityTimeoutMinutes] : [],
  );
  if (!timeouts.length) return 0;
  let closed = 0;
  for (const conversation of await ctx.store.idleConversations(now - Math.min(...timeouts) * 60_000)) {
    const minutes = ctx.sites.get(conversation.site)?.inactivityTimeoutMinutes;
    if (
      minutes &&
      conversation.updatedAt < now - minutes * 60_000 &&
      (await closeConversation(ctx, conversation, 'timeout'))
    ) {
      closed++;
    }
  }
  return closed;
}
