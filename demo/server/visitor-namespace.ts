/**
 * The visitor side of the socket protocol. A visitor is known only by the random id
 * its browser made; the name and e-mail it sends are display hints and never select
 * which conversation it gets.
 */
import type { Socket } from 'socket.io';
import {
  LIMITS,
  checkSendMessage,
  cleanContext,
  cleanHint,
  fail,
  isId,
  readTyping,
  type Availability,
  type PageContext,
  type ServerToVisitor,
  type VisitorAuth,
  type VisitorToServer,
} from '../../src/protocol';
import { availabilityFor, groupForUrl, sameAvailability } from './availability';
import { publishConversation, rooms, toChatMessage, findOperator, type ServerContext } from './context';
import { createLeadHandler } from './lead-handler';
import { createRateLimiter } from './rate-limit';
import { publicProfile, publicSiteInfo, type SiteConfig } from './sites';

interface VisitorData {
  site: SiteConfig;
  visitorId: string;
  page: PageContext | null;
  /** The routing group of the current page. */
  group: string | undefined;
  /** What this connection was last told, so it hears only of changes. */
  availability?: Availability;
}

type VisitorSocket = Socket<VisitorToServer, ServerToVisitor, Record<string, never>, VisitorData>;

function originAllowed(site: SiteConfig, origin: string | undefined, publicUrl: string): boolean {
  // Browsers send Origin on every cross-origin request; without one the request is
  // same-origin or not from a browser, and CSRF-style embedding is not possible.
  return !origin || origin === new URL(publicUrl).origin || site.allowedOrigins.includes(origin);
}

export function attachVisitorNamespace(ctx: ServerContext): void {
  const limiter = createRateLimiter(LIMITS.visitorMessageBurst, LIMITS.visitorMessagesPerSecond);

  ctx.visitors.use((socket: VisitorSocket, next) => {
    const auth = (socket.handshake.auth ?? {}) as Partial<VisitorAuth>;
    const site = typeof auth.site === 'string' ? ctx.sites.get(auth.site) : undefined;
    if (!site) return next(new Error('unknown site'));
    if (!originAllowed(site, socket.handshake.headers.origin, ctx.publicUrl)) {
      return next(new Error('origin not allowed for this site'));
    }
    if (!isId(auth.visitorId)) return next(new Error('visitorId is not a valid id'));
    const page = cleanContext(auth.page);
    socket.data = { site, visitorId: auth.visitorId, page, group: groupForUrl(site, page?.url) };
    next();
  });

  const submitLead = createLeadHandler(ctx);

  /** Tells the connection its availability if it changed since it was last told. */
  const tellAvailability = (socket: VisitorSocket) => {
    const now = availabilityFor(socket.data.site, socket.data.group, ctx.presence);
    if (sameAvailability(socket.data.availability, now)) return;
    socket.data.availability = now;
    socket.emit('availability', now);
  };
  ctx.refreshAvailability = (siteId) => {
    for (const socket of ctx.visitors.sockets.values() as IterableIterator<VisitorSocket>) {
      if (!siteId || socket.data.site?.id === siteId) tellAvailability(socket);
    }
  };

  ctx.visitors.on('connection', (socket: VisitorSocket) => {
    const { site, visitorId } = socket.data;
    const auth = socket.handshake.auth as Partial<VisitorAuth>;
    const { store } = ctx;
    store.touchVisitor({
      id: visitorId,
      site: site.id,
      name: cleanHint(auth.name, LIMITS.name),
      email: cleanHint(auth.email, LIMITS.email),
    });
    void socket.join([rooms.visitor(site.id, visitorId), rooms.siteVisitors(site.id)]);

    const conversation = store.latestConversation(site.id, visitorId);
    const lastSeq = typeof auth.lastSeq === 'number' && auth.lastSeq >= 0 ? auth.lastSeq : 0;
    const resumes = conversation && auth.conversationId === conversation.id;
    const rows = !conversation
      ? []
      : resumes
        ? store.messagesAfter(conversation.id, lastSeq, LIMITS.historyReplay)
        : store.lastMessages(conversation.id, LIMITS.historyReplay);
    const operator = conversation && findOperator(ctx, site.id, conversation.operatorId);
    socket.emit('session', {
      site: publicSiteInfo(site),
      conversationId: conversation?.id ?? null,
      status: conversation?.status ?? null,
      operator: operator ? publicProfile(operator, ctx.publicUrl) : null,
      messages: rows.map((row) => toChatMessage(ctx, site.id, row)),
    });
    tellAvailability(socket);

    socket.on('page', (payload) => {
      const page = cleanContext(payload);
      if (!page) return;
      socket.data.page = page;
      socket.data.group = groupForUrl(site, page.url);
      tellAvailability(socket);
    });

    socket.on('lead:submit', (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        ack(submitLead(site, visitorId, socket.handshake.address, payload));
      } catch (error) {
        ctx.log(`lead failed: ${String(error)}`);
        ack(fail('internal', 'the request could not be stored; it will be retried'));
      }
    });

    socket.on('message:send', (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        const checked = checkSendMessage(payload);
        if (!checked.ok) return ack(checked);
        const sender = `v:${visitorId}`;
        // A resend whose first ack was lost gets the stored message, limiter or not.
        const stored = store.findMessage(sender, checked.value.clientId);
        if (stored) return ack({ ok: true, message: toChatMessage(ctx, site.id, stored) });
        if (!limiter.take(`${site.id}:${visitorId}`)) {
          return ack(fail('rate_limited', 'too many messages; wait a moment'));
        }
        const { conversation: open } = store.openConversation(site.id, visitorId);
        const { message: row, duplicate } = store.appendMessage({
          conversationId: open.id,
          sender,
          clientId: checked.value.clientId,
          author: 'visitor',
          operatorId: null,
          text: checked.value.text,
        });
        const message = toChatMessage(ctx, site.id, row);
        ack({ ok: true, message });
        if (duplicate) return;
        socket.to(rooms.visitor(site.id, visitorId)).emit('message:new', message);
        ctx.operators.to(rooms.operators(site.id)).emit('message:new', message);
        publishConversation(ctx, open.id);
      } catch (error) {
        ctx.log(`visitor message failed: ${String(error)}`);
        ack(fail('internal', 'the message could not be stored; it will be retried'));
      }
    });

    socket.on('typing', (payload) => {
      const typing = readTyping(payload);
      const open = typing === null ? undefined : store.latestConversation(site.id, visitorId);
      if (open?.status !== 'open') return;
      ctx.operators.to(rooms.operators(site.id)).volatile.emit('typing', { conversationId: open.id, typing: typing! });
    });
  });
}
