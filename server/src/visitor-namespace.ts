/**
 * The visitor gateway: session, messages, typing, page changes, requests, ending a
 * chat, rating it, and read marks. Each handler parses its payload, checks that the
 * conversation is the visitor's own, calls one service and acknowledges.
 */
import {
  checkConversationRef,
  checkSendMessage,
  cleanContext,
  fail,
  readTyping,
  type Ack,
  type Availability,
  type Rating,
} from '../../src/protocol';
import { availabilityFor, groupForUrl, sameAvailability } from './availability';
import { nextOpening } from './hours';
import { rooms, toChatMessage, type ServerContext } from './context';
import { closeConversation, publishRating } from './conversations';
import { attachFollowUpHandlers } from './follow-up-gateway';
import { rememberTypedEmail } from './follow-up';
import { createLeadHandler } from './lead-handler';
import type { MessageService } from './messages';
import { HISTORY_LIMITS, historyPage } from './history';
import { check, historyPageRequest, ratingPayload, readMark } from './payloads';
import type { SiteConfig } from './sites';
import type { ConversationRow } from './store';
import {
  announce,
  announceOffline,
  answerOnlineRequests,
  beginPageView,
  countConnection,
  endPageView,
  moveToPage,
  snapshotOf,
} from './visitor-presence';
import { identifyVisitor, openSession, sessionAfter, type VisitorSocket } from './visitor-session';

type AckFn<T> = (res: T) => void;

export function attachVisitorNamespace(ctx: ServerContext, messages: MessageService): void {
  const submitLead = createLeadHandler(ctx);
  const { store } = ctx;
  const historyLimiter = ctx.rateLimiters('history', HISTORY_LIMITS.burst, HISTORY_LIMITS.perSecond);

  ctx.visitors.use(identifyVisitor(ctx));
  answerOnlineRequests(ctx);

  /** Tells the connection its availability if it changed since it was last told. */
  const tellAvailability = (
    socket: VisitorSocket,
    now = availabilityFor(socket.data.site, socket.data.group, ctx.presence),
  ) => {
    if (sameAvailability(socket.data.availability, now)) return;
    // Closed by the clock: the widget says when the team is back (computed only on a change).
    const opensAt = now.reason === 'hours' ? nextOpening(socket.data.site.hours, new Date()) : null;
    if (opensAt !== null) now.opensAt = opensAt;
    socket.data.availability = now;
    socket.emit('availability', now);
  };
  ctx.refreshAvailability = (siteId) => {
    // Worked out once per site and routing group, not once per connection: with business
    // hours each answer formats the time in the site's zone, and 10,000 connected
    // visitors would make that a stall every 20 seconds.
    const at = new Date();
    const answers = new Map<SiteConfig, Map<string | undefined, Availability>>();
    for (const socket of ctx.visitors.sockets.values() as IterableIterator<VisitorSocket>) {
      const { site, group } = socket.data;
      if (!site || (siteId && site.id !== siteId)) continue;
      const bySite = answers.get(site) ?? new Map<string | undefined, Availability>();
      answers.set(site, bySite);
      const answer = bySite.get(group) ?? availabilityFor(site, group, ctx.presence, at);
      bySite.set(group, answer);
      tellAvailability(socket, answer);
    }
  };

  /** Runs an async handler; a failure is logged, and answered if the client waits for an answer. */
  const guard = <T>(what: string, work: () => Promise<unknown>, ack?: AckFn<T>, failure?: T) =>
    void work().catch((error: unknown) => {
      ctx.log(`visitor ${what} failed: ${String(error)}`);
      if (ack && failure) ack(failure);
    });

  ctx.visitors.on('connection', (socket: VisitorSocket) => {
    const { site, visitorId, owner } = socket.data;
    void socket.join([rooms.owner(site.id, owner), rooms.siteVisitors(site.id)]);
    countConnection(ctx, socket);
    // Page views change in the order the visitor moved: one after the other per connection.
    let pageWork: Promise<unknown> = Promise.resolve();
    const inPageOrder = <T>(work: () => Promise<T>): Promise<T> => {
      const next = pageWork.then(work);
      pageWork = next.catch(() => {});
      return next;
    };

    // Listeners first: what the client sends right after `session` must find them.
    attachFollowUpHandlers(ctx, socket);
    socket.on('disconnect', () => {
      announceOffline(ctx, socket);
      // Constant work per disconnect: the page view (if any) ends in the next group commit.
      if (socket.data.page) guard('disconnect', () => inPageOrder(() => endPageView(ctx, socket)));
    });

    /** The owner's conversation named by the payload, or undefined. */
    const own = async (payload: unknown): Promise<ConversationRow | undefined> => {
      const ref = checkConversationRef(payload);
      const row = ref.ok ? await store.getConversation(ref.value.conversationId) : undefined;
      return row?.site === site.id && row.owner === owner ? row : undefined;
    };

    socket.on('message:send', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const checked = checkSendMessage(payload);
      if (!checked.ok) return ack(checked);
      const from = { kind: 'visitor', site, visitorId, owner, snapshot: () => snapshotOf(ctx, socket) } as const;
      guard(
        'message',
        async () => ack(await messages.post(from, checked.value, socket.id)),
        ack,
        fail('internal', 'the message could not be stored; it will be retried'),
      );
    });

    // Files: a grant to upload one, and fresh download URLs (uploads.ts).
    const uploader = { kind: 'visitor', site, visitorId, owner } as const;
    socket.on('upload:grant', (payload, ack) => {
      if (typeof ack !== 'function') return;
      guard(
        'upload grant',
        async () => {
          if (!ctx.uploads) return ack(fail('type_not_allowed', 'this server does not accept files'));
          if (await store.isBlocked(site.id, owner, visitorId))
            return ack(fail('blocked', 'the operator ended the dialogue'));
          ack(await ctx.uploads.grant(uploader, payload));
        },
        ack,
        fail('internal', 'the upload could not be granted; try again'),
      );
    });
    socket.on('attachment:url', (payload, ack) => {
      if (typeof ack !== 'function') return;
      guard(
        'attachment url',
        async () =>
          ack(ctx.uploads ? await ctx.uploads.renew(uploader, payload) : fail('not_found', 'no such attachment')),
        ack,
        fail('internal', 'no link could be made; try again'),
      );
    });

    // Older history as the visitor scrolls up: only the owner's own recent conversations.
    socket.on('history:page', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const checked = check(historyPageRequest, payload);
      if (!checked.ok) return ack(checked);
      guard(
        'history page',
        async () => {
          if (!(await historyLimiter.take(`${site.id}:${visitorId}`)))
            return ack(fail('rate_limited', 'too many history requests; wait a moment'));
          const { limit, ...cursor } = checked.value;
          const page = await historyPage(store, site.id, owner, cursor, limit);
          if (!page) return ack(fail('not_found', 'no such conversation'));
          ack({ ok: true, messages: page.rows.map((row) => toChatMessage(ctx, site.id, row)), hasMore: page.hasMore });
        },
        ack,
        fail('internal', 'the history could not be read; try again'),
      );
    });

    socket.on('typing', (payload) => {
      const typing = readTyping(payload);
      if (typing === null) return;
      guard('typing', async () => {
        const open = await store.latestConversation(site.id, owner);
        if (open?.status !== 'open') return;
        ctx.operators.to(rooms.operators(site.id)).volatile.emit('typing', { conversationId: open.id, typing });
      });
    });

    socket.on('page', (payload) => {
      const page = cleanContext(payload);
      if (!page) return;
      guard('page', async () => {
        if (!(await inPageOrder(() => moveToPage(ctx, socket, page)))) return;
        socket.data.group = groupFor(socket);
        tellAvailability(socket);
        await announce(ctx, socket, 'visitor:page');
      });
    });

    socket.on('lead:submit', (payload, ack) => {
      if (typeof ack !== 'function') return;
      guard(
        'request',
        async () => {
          if (await store.isBlocked(site.id, owner, visitorId))
            return ack(fail('blocked', 'the operator ended the dialogue'));
          const result = await submitLead(site, visitorId, socket.handshake.address, payload, () =>
            snapshotOf(ctx, socket),
          );
          ack(result);
          // An address typed into the form (not quarantined) may receive follow-up mail.
          const lead = result.ok ? await store.getLead(result.leadId) : undefined;
          if (lead && !lead.spam) await rememberTypedEmail(ctx, site.id, visitorId, lead.email);
        },
        ack,
        fail('internal', 'the request could not be stored; it will be retried'),
      );
    });

    socket.on('conversation:end', (payload, ack) => {
      if (typeof ack !== 'function') return;
      guard(
        'end',
        async () => {
          const conversation = await own(payload);
          if (!conversation) return ack(fail('not_found', 'no such conversation'));
          await closeConversation(ctx, conversation, 'visitor');
          ack({ ok: true, conversationId: conversation.id });
        },
        ack,
        fail('internal', 'the conversation could not be ended'),
      );
    });

    const rate = async (payload: unknown, ack: AckFn<Ack<{ rating: Rating }>>, dismiss: boolean) => {
      const conversation = await own(payload);
      if (!conversation) return ack(fail('not_found', 'no such conversation'));
      if (conversation.ratingState !== 'pending' && conversation.ratingState !== 'draft') {
        return ack(fail('closed', 'this conversation cannot be rated now'));
      }
      if (dismiss) {
        await store.setRating(conversation.id, 'dismissed', null, null);
      } else {
        const checked = check(ratingPayload, payload, { comment: 'too_long' });
        if (!checked.ok) return ack(checked);
        const { score, comment, final } = checked.value;
        await store.setRating(conversation.id, final === true ? 'given' : 'draft', score, comment?.trim() || null);
      }
      ack({ ok: true, rating: publishRating(ctx, site, (await store.getConversation(conversation.id))!)! });
    };
    const rateFailed = fail('internal', 'the rating could not be stored');
    socket.on('rating:submit', (payload, ack) => {
      if (typeof ack === 'function') guard('rating', () => rate(payload, ack, false), ack, rateFailed);
    });
    socket.on('rating:dismiss', (payload, ack) => {
      if (typeof ack === 'function') guard('rating', () => rate(payload, ack, true), ack, rateFailed);
    });

    // Another tab of the visitor shares this connection (one per browser) and catches up
    // by its own change number.
    socket.on('session:resume', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const from = typeof payload === 'object' && payload !== null ? payload : {};
      guard(
        'resume',
        async () => {
          const session = await sessionAfter(ctx, socket, from);
          ack({ ok: true, session, availability: socket.data.availability ?? null });
        },
        ack,
        fail('internal', 'the session could not be read'),
      );
    });

    socket.on('read', (payload) => {
      const mark = check(readMark, payload);
      if (!mark.ok) return;
      guard('read mark', async () => {
        const conversation = await own(payload);
        const { seq } = mark.value;
        if (!conversation || seq > conversation.lastSeq) return;
        if (await store.markRead(conversation.id, 'visitor', seq)) {
          ctx.operators.to(rooms.operators(site.id)).emit('read', { conversationId: conversation.id, seq });
        }
      });
    });

    void (async () => {
      const session = await openSession(ctx, socket);
      await inPageOrder(() => beginPageView(ctx, socket));
      socket.emit('session', session);
      tellAvailability(socket);
      ctx.waitingLine?.refresh(site.id, owner);
      await announce(ctx, socket, 'visitor:online');
    })().catch((error: unknown) => {
      ctx.log(`visitor connection failed: ${String(error)}`);
      // Without its session the client would wait for ever (the store is away, say):
      // closing the transport makes it reconnect with its backoff and ask again.
      if (socket.connected) socket.conn.close();
    });
  });
}

const groupFor = (socket: VisitorSocket) => groupForUrl(socket.data.site, socket.data.page?.url);
