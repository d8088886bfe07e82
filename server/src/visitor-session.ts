/**
 * Who a visitor connection is (site, device, verified user) and the `session` it is
 * greeted with. A visitor is known by the random id its browser made, or, with a valid
 * signed token, as a user; the name and e-mail it sends otherwise are display hints and
 * never select which conversations it gets.
 */
import type { Socket } from 'socket.io';
import {
  LIMITS,
  cleanHint,
  cleanVisitorContext,
  isEmail,
  isId,
  type Availability,
  type PageContext,
  type ServerToVisitor,
  type VisitorAuth,
  type VisitorSession,
  type VisitorToServer,
} from '../../src/protocol';
import { groupForUrl } from './availability';
import { historyPage, unreadBeforePage } from './history';
import { findOperator, toChatMessage, toRating, type ServerContext } from './context';
import { verifyIdentity, type VerifiedUser } from './identity';
import { cleanIp, regionFromTimeZone } from './region';
import { publicProfile, publicSiteInfo, type SiteConfig } from './sites';

export interface VisitorData {
  site: SiteConfig;
  visitorId: string;
  /** "v:<visitor id>", or "u:<user id>" once a signed token proved who this is. */
  owner: string;
  user: VerifiedUser | null;
  page: PageContext | null;
  /** The routing group of the current page. */
  group: string | undefined;
  /** What this connection was last told, so it hears only of changes. */
  availability?: Availability;
  /** The page view of the current page, ended on navigation or disconnect. */
  pageViewId?: number;
}

export type VisitorSocket = Socket<VisitorToServer, ServerToVisitor, Record<string, never>, VisitorData>;

function originAllowed(site: SiteConfig, origin: string | undefined, publicUrl: string): boolean {
  // Browsers send Origin on every cross-origin request; without one the request is
  // same-origin or not from a browser, and embedding from a foreign page is not possible.
  return !origin || origin === new URL(publicUrl).origin || site.allowedOrigins.includes(origin);
}

/** Handshake middleware: refuses what cannot be served, and says why. */
export function identifyVisitor(ctx: ServerContext) {
  return (socket: VisitorSocket, next: (error?: Error) => void) => {
    const auth = (socket.handshake.auth ?? {}) as Partial<VisitorAuth>;
    const site = typeof auth.site === 'string' ? ctx.sites.get(auth.site) : undefined;
    if (!site) return next(new Error('unknown site'));
    if (!originAllowed(site, socket.handshake.headers.origin, ctx.publicUrl)) {
      return next(new Error('origin not allowed for this site'));
    }
    if (!isId(auth.visitorId)) return next(new Error('visitorId is not a valid id'));
    const visitorId = auth.visitorId;
    const admit = (user: VerifiedUser | null) => {
      const { page = null } = cleanVisitorContext(auth);
      socket.data = {
        site,
        visitorId,
        owner: user ? `u:${user.userId}` : `v:${visitorId}`,
        user,
        page,
        group: groupForUrl(site, page?.url),
      };
      next();
    };
    if (auth.token === undefined) return admit(null);
    const rules = { secret: site.identitySecret, issuer: site.identityIssuer, audience: site.identityAudience };
    void verifyIdentity(auth.token, rules).then((verified) =>
      verified.ok ? admit(verified.user) : next(new Error(`identity token refused: ${verified.reason}`)),
    );
  };
}

/** Records the visitor, hands a verified device's history to its user, builds the session. */
export async function openSession(ctx: ServerContext, socket: VisitorSocket): Promise<VisitorSession> {
  const { site, visitorId, owner, user } = socket.data;
  const auth = socket.handshake.auth as Partial<VisitorAuth>;
  const { store } = ctx;
  const { firstTouch, lastTouch, env } = cleanVisitorContext(auth);
  await store.touchVisitor({
    id: visitorId,
    site: site.id,
    name: user?.name ?? cleanHint(auth.name, LIMITS.name),
    email: user?.email ?? cleanHint(auth.email, LIMITS.email),
    userId: user?.userId,
    firstTouch,
    lastTouch,
    env,
    ip: cleanIp(socket.handshake.address),
    region: regionFromTimeZone(env?.timeZone),
  });
  if (user) await store.adoptConversations(site.id, visitorId, owner);
  // A verified identity's address may receive follow-up mail; a data-email hint never does.
  if (user?.email && isEmail(user.email)) await store.setFollowUpEmail(site.id, visitorId, user.email);
  return sessionAfter(ctx, socket, auth);
}

/**
 * The session as seen from a client that holds `from.lastChange` of `from.conversationId`:
 * the changes after it, or the newest page of history. Also what another tab sharing
 * this connection asks for (`session:resume`), with its own change number.
 */
export async function sessionAfter(
  ctx: ServerContext,
  socket: VisitorSocket,
  from: { conversationId?: unknown; lastChange?: unknown },
): Promise<VisitorSession> {
  const { site, visitorId, owner, user } = socket.data;
  const { store } = ctx;
  const latest = await store.latestConversation(site.id, owner);
  const { lastChange } = from;
  const resumes = latest && from.conversationId === latest.id && typeof lastChange === 'number' && lastChange >= 0;
  const changes = resumes ? await store.changesAfter(latest.id, lastChange, LIMITS.historyReplay) : [];
  // A long gap (as many changes as one replay holds) starts over from the newest page:
  // the client replaces its copy instead of holding a hole it cannot see.
  const page = resumes && changes.length < LIMITS.historyReplay ? null : await historyPage(store, site.id, owner, null);
  const rows = page ? page.rows : changes;
  const operator = latest && findOperator(ctx, site.id, latest.operatorId);
  const typicalReplyMs = await ctx.waitingLine?.typicalReplyMs(site.id);
  const rating = latest?.status === 'closed' ? toRating(latest) : null;
  return {
    site: {
      ...publicSiteInfo(site),
      ...(typicalReplyMs ? { typicalReplyMs } : {}),
      ...(ctx.followUp?.mailer ? { transcriptByEmail: true as const } : {}),
    },
    conversationId: latest?.id ?? null,
    status: latest?.status ?? null,
    closeReason: latest?.closeReason ?? null,
    operator: operator ? publicProfile(operator, ctx.publicUrl, site) : null,
    messages: rows.map((row) => toChatMessage(ctx, site.id, row)),
    operatorReadSeq: latest?.operatorReadSeq ?? 0,
    visitorReadSeq: latest?.visitorReadSeq ?? 0,
    rating: rating && (rating.state === 'pending' || rating.state === 'draft') ? rating : null,
    blocked: await store.isBlocked(site.id, owner, visitorId),
    verified: user !== null,
    ...(page ? { hasOlder: page.hasMore, olderUnread: await unreadBeforePage(store, page) } : {}),
  };
}
