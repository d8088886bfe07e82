/**
 * Canned replies on the server. Shared ones come from the sites file (`cannedReplies`,
 * read-only) and from the owner API (stored, replaced whole); each operator's own are
 * stored per operator, so they follow them to every device. Every console of the site
 * hears a changed shared list; every console of one operator hears their own list.
 */
import { LIMITS, type CannedReply } from '../../src/protocol';
import { rooms, type ServerContext } from './context';
import type { SiteConfig } from './sites';

export const CANNED_LIMITS = {
  title: 60,
  text: LIMITS.messageText,
  /** One operator's own replies. */
  perOperator: 200,
  /** The owner API's shared list. */
  shared: 500,
} as const;

/** The site's shared replies: the sites file's first, then the owner API's. */
export async function sharedReplies(ctx: ServerContext, site: SiteConfig): Promise<CannedReply[]> {
  const stored = await ctx.store.listCannedReplies(site.id, null);
  return [...(site.cannedReplies ?? []), ...stored].map((reply) => ({ ...reply, shared: true }));
}

export const personalReplies = (ctx: ServerContext, site: SiteConfig, operatorId: string) =>
  ctx.store.listCannedReplies(site.id, operatorId);

/** After the owner API changed the shared list: every console of the site gets it. */
export async function announceShared(ctx: ServerContext, site: SiteConfig): Promise<CannedReply[]> {
  const shared = await sharedReplies(ctx, site);
  ctx.operators.to(rooms.operators(site.id)).emit('canned:updated', { shared });
  return shared;
}

/** After an operator changed their own list: their other consoles (other devices) get it. */
export async function announcePersonal(ctx: ServerContext, site: SiteConfig, operatorId: string, except: string) {
  const personal = await personalReplies(ctx, site, operatorId);
  ctx.operators.to(rooms.operator(site.id, operatorId)).except(except).emit('canned:updated', { personal });
}
