/**
 * What the console sees of visitors on the site: who is here now, on which page, since
 * when, how many pages this visit, new or returning, and where they came from. Page
 * views are recorded once per real URL change, with time on page; a reconnect to the
 * same page within a minute continues the same view.
 */
import type { ContextSnapshot, OnlineVisitor, PageContext } from '../../src/protocol';
import { rooms, type ServerContext } from './context';
import type { VisitorSocket } from './visitor-session';

const RESUME_VIEW_MS = 60_000;

/** Starts (or resumes) the page view for the connection's current page. */
export async function beginPageView(ctx: ServerContext, socket: VisitorSocket): Promise<void> {
  const { site, visitorId, page } = socket.data;
  if (!page) return;
  const id =
    (await ctx.store.resumePageView(site.id, visitorId, page.url, RESUME_VIEW_MS)) ??
    (await ctx.store.startPageView(site.id, visitorId, page));
  socket.data.pageViewId = id;
  // Gone while the view was being stored: nobody is left to end it.
  if (socket.disconnected) await endPageView(ctx, socket);
}

export async function endPageView(ctx: ServerContext, socket: VisitorSocket): Promise<void> {
  const id = socket.data.pageViewId;
  socket.data.pageViewId = undefined;
  // With the other ends of this turn, in one statement (page-view-ends.ts).
  if (id !== undefined) await ctx.pageViewEnds.end(id);
}

/** A navigation: returns false when the URL did not really change. */
export async function moveToPage(ctx: ServerContext, socket: VisitorSocket, page: PageContext): Promise<boolean> {
  if (socket.data.page?.url === page.url) {
    socket.data.page = page;
    return false;
  }
  socket.data.page = page;
  await endPageView(ctx, socket);
  await beginPageView(ctx, socket);
  return true;
}

/** The context at this moment, for a conversation or a request to keep. */
export async function snapshotOf(ctx: ServerContext, socket: VisitorSocket): Promise<ContextSnapshot> {
  const visitor = await ctx.store.getVisitor(socket.data.site.id, socket.data.visitorId);
  return {
    page: socket.data.page,
    firstTouch: visitor?.firstTouch ?? null,
    lastTouch: visitor?.lastTouch ?? null,
    env: visitor?.env ?? null,
    ip: visitor?.ip ?? null,
    region: visitor?.region ?? null,
  };
}

export async function onlineVisitor(ctx: ServerContext, socket: VisitorSocket): Promise<OnlineVisitor> {
  const { site, visitorId, owner } = socket.data;
  const [visitor, open, snapshot] = await Promise.all([
    ctx.store.getVisitor(site.id, visitorId),
    ctx.store.latestConversation(site.id, owner),
    snapshotOf(ctx, socket),
  ]);
  const since = visitor?.visitStartedAt ?? Date.now();
  const views = await ctx.store.pageViews(site.id, visitorId, since);
  return {
    visitorId,
    name: visitor?.name ?? null,
    conversationId: open?.status === 'open' ? open.id : null,
    visitStartedAt: since,
    pagesThisVisit: new Set(views.map((view) => view.url)).size,
    returning: (visitor?.visits ?? 1) > 1,
    ...snapshot,
  };
}

/** Visitors connected to this node, one entry each however many tabs they have. */
export async function localOnlineVisitors(ctx: ServerContext, siteId: string): Promise<OnlineVisitor[]> {
  const ids = ctx.visitors.adapter.rooms.get(rooms.siteVisitors(siteId)) ?? new Set<string>();
  const byId = new Map<string, VisitorSocket>();
  for (const id of ids) {
    const socket = ctx.visitors.sockets.get(id) as VisitorSocket | undefined;
    if (socket && !byId.has(socket.data.visitorId)) byId.set(socket.data.visitorId, socket);
  }
  return Promise.all([...byId.values()].map((socket) => onlineVisitor(ctx, socket)));
}

/** How long a node waits for the others' lists of their visitors. */
const ASK_NODES_MS = 2_000;
const ONLINE_REQUEST = 'confab:online';

/**
 * Answers other nodes asking for this node's visitors of a site. The lists, not the
 * sockets, cross Redis: a socket's data holds the site's settings, secrets included.
 */
export function answerOnlineRequests(ctx: ServerContext): void {
  if (!ctx.clustered) return;
  const nsp = ctx.visitors as unknown as { on(event: string, listener: (...args: unknown[]) => void): void };
  nsp.on(ONLINE_REQUEST, (siteId, reply) => {
    if (typeof siteId !== 'string' || typeof reply !== 'function') return;
    localOnlineVisitors(ctx, siteId).then(
      (list) => reply(list),
      () => reply([]),
    );
  });
}

/** The other nodes' lists; if one does not answer in time, only this node's visitors are shown. */
function askOtherNodes(ctx: ServerContext, siteId: string): Promise<OnlineVisitor[]> {
  const nsp = ctx.visitors as unknown as { serverSideEmit(event: string, ...args: unknown[]): void };
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), ASK_NODES_MS);
    try {
      nsp.serverSideEmit(ONLINE_REQUEST, siteId, (_error: unknown, lists: unknown) => {
        clearTimeout(timer);
        resolve(Array.isArray(lists) ? (lists.flat() as OnlineVisitor[]) : []);
      });
    } catch {
      clearTimeout(timer);
      resolve([]);
    }
  });
}

/** Visitors connected to the site now, on any node, one entry each however many tabs they have. */
export async function onlineVisitors(ctx: ServerContext, siteId: string): Promise<OnlineVisitor[]> {
  const [mine, theirs] = await Promise.all([
    localOnlineVisitors(ctx, siteId),
    ctx.clustered ? askOtherNodes(ctx, siteId) : Promise.resolve([]),
  ]);
  const byId = new Map<string, OnlineVisitor>();
  for (const visitor of [...mine, ...theirs]) if (!byId.has(visitor.visitorId)) byId.set(visitor.visitorId, visitor);
  return [...byId.values()];
}

export async function announce(ctx: ServerContext, socket: VisitorSocket, event: 'visitor:online' | 'visitor:page') {
  // Nobody to tell: no console of the site is connected (their `hello` lists who is on site).
  if (!consolesListening(ctx, socket.data.site.id)) return;
  const visitor = await onlineVisitor(ctx, socket);
  if (socket.connected) ctx.operators.to(rooms.operators(socket.data.site.id)).emit(event, visitor);
}

/**
 * Whether a console of the site may be listening. Alone, this node's room says it; with
 * several nodes the consoles may all be elsewhere, and presence (shared) says whether any
 * operator of the site is connected, or within their grace period.
 */
function consolesListening(ctx: ServerContext, siteId: string): boolean {
  if (ctx.operators.adapter.rooms.get(rooms.operators(siteId))?.size) return true;
  const site = ctx.clustered ? ctx.sites.get(siteId) : undefined;
  return site?.operators.some((op) => ctx.presence.status(siteId, op.id) !== 'offline') ?? false;
}

/**
 * A chat of `owner` opened or ended: the console's "On site" entries of the owner's
 * visitors connected to this node are sent again, so their `conversationId` is always the
 * open chat. (Consoles also follow `conversation:updated`, which covers visitors on
 * other nodes.)
 */
export function refreshOnline(ctx: ServerContext, siteId: string, owner: string): void {
  const ids = ctx.visitors.adapter.rooms.get(rooms.owner(siteId, owner));
  if (!ids?.size) return;
  if (!consolesListening(ctx, siteId)) return;
  const seen = new Set<string>();
  for (const id of ids) {
    const socket = ctx.visitors.sockets.get(id) as VisitorSocket | undefined;
    if (!socket || seen.has(socket.data.visitorId)) continue;
    seen.add(socket.data.visitorId);
    onlineVisitor(ctx, socket).then(
      (visitor) => socket.connected && ctx.operators.to(rooms.operators(siteId)).emit('visitor:page', visitor),
      (error: unknown) => ctx.log(`visitor not refreshed: ${String(error)}`),
    );
  }
}

export function countConnection(ctx: ServerContext, socket: VisitorSocket): void {
  ctx.visitorConnections.opened(socket.data.site.id, socket.data.visitorId);
  ctx.visitorLeaves.returned(socket.data.site.id, socket.data.visitorId);
}

/**
 * Tells the consoles these visitors left the site (their last connection anywhere
 * closed): one event for all of them (visitor-leaves.ts gathers them), `visitor:offline`
 * when one left alone.
 */
export function tellLeft(ctx: ServerContext, siteId: string, visitorIds: string[]): void {
  // Encoding a packet for nobody is wasted: skip it when no console listens.
  if (!consolesListening(ctx, siteId)) return;
  const consoles = ctx.operators.to(rooms.operators(siteId));
  if (visitorIds.length === 1) consoles.emit('visitor:offline', { visitorId: visitorIds[0]! });
  else consoles.emit('visitors:offline', { visitorIds });
}

/**
 * Gone once the visitor's last tab is gone, on any node; the consoles hear it with the
 * others who left meanwhile (the leave window drops those still connected on another node).
 */
export function announceOffline(ctx: ServerContext, socket: VisitorSocket): void {
  const { site, visitorId } = socket.data;
  if (ctx.visitorConnections.closed(site.id, visitorId)) ctx.visitorLeaves.left(site.id, visitorId);
}
