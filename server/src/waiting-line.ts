/**
 * The waiting line: tells each visitor whose chat nobody has taken yet its place and the
 * expected wait (expectations.ts), live — when a chat joins the line, is taken or closed,
 * and when operators come and go. Also the site's typical reply time for the session.
 *
 * Reply statistics are read from the store at most once a minute per site (until there
 * are enough samples, at every refresh). A refresh is
 * coalesced per site (one read of the line per 200 ms however many events asked), and each
 * waiting chat hears only what changed for it, unless a connection just arrived.
 */
import type { QueueState } from '../../src/protocol';
import { rooms, type ServerContext } from './context';
import { WINDOW_MS, expectedWait, responseTimes, typical } from './expectations';
import { isOpen } from './hours';

const STATS_TTL_MS = 60_000;
const COALESCE_MS = 200;
/** Message timings read per site for the statistics: the most recent chats' worth. */
const SAMPLE_ROWS = 20_000;

export interface WaitingLine {
  /** Re-tells the site's waiting visitors; `owner` hears its state even if unchanged (a new connection). */
  refresh(site: string, owner?: string): void;
  /** The median reply time, when there are enough recent replies. */
  typicalReplyMs(site: string): Promise<number | null>;
  close(): void;
}

export function createWaitingLine(ctx: ServerContext): WaitingLine {
  const stats = new Map<string, { at: number; pickup: number | null; reply: number | null }>();
  /** Per site: what each waiting chat was last told. */
  const told = new Map<string, Map<string, string>>();
  const pending = new Map<string, Set<string>>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  async function siteStats(site: string) {
    const now = Date.now();
    const cached = stats.get(site);
    // Too few samples yet: every refresh looks again, so the first promise comes as soon as it can.
    if (cached && now - cached.at < STATS_TTL_MS && cached.pickup !== null && cached.reply !== null) return cached;
    const { pickups, replies } = responseTimes(await ctx.store.responseSamples(site, now - WINDOW_MS, SAMPLE_ROWS));
    const fresh = { at: now, pickup: typical(pickups), reply: typical(replies) };
    stats.set(site, fresh);
    return fresh;
  }

  async function tell(siteId: string, force: Set<string>) {
    const site = ctx.sites.get(siteId);
    if (!site) return;
    const [waiting, { pickup }] = await Promise.all([ctx.store.waitingConversations(siteId), siteStats(siteId)]);
    const open = isOpen(site.hours, new Date());
    const statuses = open ? site.operators.map((op) => ctx.presence.status(siteId, op.id)) : [];
    const available = statuses.filter((status) => status === 'available').length;
    // Nobody available but someone at work on other chats: the line waits for them to free up.
    const busy = available === 0 && statuses.includes('busy');
    const last = told.get(siteId) ?? new Map<string, string>();
    const now = new Map<string, string>();
    waiting.forEach((conversation, index) => {
      const state: QueueState = {
        conversationId: conversation.id,
        position: index + 1,
        expectedWaitMs: expectedWait(pickup, index + 1, available),
        ...(busy ? { busy: true as const } : {}),
      };
      const key = `${state.position}/${state.expectedWaitMs}/${busy}`;
      now.set(conversation.id, key);
      if (last.get(conversation.id) === key && !force.has(conversation.owner)) return;
      ctx.visitors.to(rooms.owner(siteId, conversation.owner)).emit('queue', state);
    });
    // Chats that left the line are forgotten; the widget learns of it from operator:assigned or the close.
    told.set(siteId, now);
  }

  return {
    refresh(site, owner) {
      if (closed) return;
      const owners = pending.get(site);
      if (owners) {
        if (owner) owners.add(owner);
        return;
      }
      pending.set(site, new Set(owner ? [owner] : []));
      const timer = setTimeout(() => {
        timers.delete(timer);
        const force = pending.get(site)!;
        pending.delete(site);
        tell(site, force).catch((error: unknown) => ctx.log(`waiting line not told: ${String(error)}`));
      }, COALESCE_MS);
      timers.add(timer);
    },
    async typicalReplyMs(site) {
      return (await siteStats(site)).reply;
    },
    close() {
      closed = true;
      timers.forEach(clearTimeout);
    },
  };
}
