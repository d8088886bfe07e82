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
export function beginPageView(ctx: ServerContext, socket: VisitorSocket): void {
  const { site, visitorId, page } = socket.data;
  if (!page) return;
  socket.data.pageViewId =
    ctx.store.resumePageView(site.id, visitorId, page.url, RESUME_VIEW_MS) ??
    ctx.store.startPageView(site.id, visitorId, page);
}

export function endPageView(ctx: ServerContext, socket: VisitorSocket): void {
  if (socket.data.pageViewId !== undefined) ctx.store.endPageView(socket.data.pageViewId);
  socket.data.pageViewId = undefined;
}

/** A navigation: returns false when the URL did not really change. */
export function moveToPage(ctx: ServerContext, socket: VisitorSocket, page: PageContext): boolean {
  if (socket.data.page?.url === page.url) {
    socket.data.page = page;
    return false;
  }
  endPageView(ctx, socket);
  socket.data.page = page;
  beginPageView(ctx, socket);
  return true;
}

/** The context at this moment, for a conversation or a request to keep. */
export function snapshotOf(ctx: ServerContext, socket: VisitorSocket): ContextSnapshot {
  const visitor = ctx.store.getVisitor(socket.data.site.id, socket.data.visitorId);
  return {
    page: socket.data.page,
    firstTouch: visitor?.firstTouch ?? null,
    lastTouch: visitor?.lastTouch ?? null,
    env: visitor?.env ?? null,
    ip: visitor?.ip ?? null,
    region: visitor?.region ?? null,
  };
}

export function onlineVisitor(ctx: ServerContext, socket: VisitorSocket): OnlineVisitor {
  const { site, visitorId, owner } = socket.data;
  const visitor = ctx.store.getVisitor(site.id, visitorId);
  const open = ctx.store.latestConversation(site.id, owner);
  const since = visitor?.visitStartedAt ?? Date.now();
  return {
    visitorId,
    name: visitor?.name ?? null,
    conversationId: open?.status === 'open' ? open.id : null,
    visitStartedAt: since,
    pagesThisVisit: new Set(ctx.store.pageViews(site.id, visitorId, since).map((view) => view.url)).size,
    returning: (visitor?.visits ?? 1) > 1,
    ...snapshotOf(ctx, socket),
  };
}

/** Visitors connected to the site now, one entry each however many tabs they have. */
export function onlineVisitors(ctx: ServerContext, siteId: string): OnlineVisitor[] {
  const byId = new Map<string, OnlineVisitor>();
  for (const socket of ctx.visitors.sockets.values() as IterableIterator<VisitorSocket>) {
    if (socket.data?.site?.id !== siteId || byId.has(socket.data.visitorId)) continue;
    byId.set(socket.data.visitorId, onlineVisitor(ctx, socket));
  }
  return [...byId.values()];
}

export function announce(ctx: ServerContext, socket: VisitorSocket, event: 'visitor:online' | 'visitor:page'): void {
  ctx.operators.to(rooms.operators(socket.data.site.id)).emit(event, onlineVisitor(ctx, socket));
}

/** Gone once the visitor's last tab is gone. */
export function announceOffline(ctx: ServerContext, socket: VisitorSocket): void {
  const { site, visitorId } = socket.data;
  for (const other of ctx.visitors.sockets.values() as IterableIterator<VisitorSocket>) {
    if (other.id !== socket.id && other.data.visitorId === visitorId && other.data.site?.id === site.id) return;
  }
  ctx.operators.to(rooms.operators(site.id)).emit('visitor:offline', { visitorId });
}
