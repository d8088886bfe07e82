/**
 * `lead:submit`: a visitor's request from the offline form. Stored once per client id.
 * A request judged as spam (honeypot filled, sent too fast, too many) gets the same
 * "thank you" as a real one, so bots learn nothing, and is kept quarantined with its
 * reason: not delivered nor listed, until an operator says "Not spam". What one IP can
 * put in quarantine is capped per hour, so a flood cannot fill the disk.
 */
import {
  LEAD_MIN_FILL_MS,
  cleanContext,
  fail,
  isId,
  isRecord,
  newId,
  validateLead,
  type ContextSnapshot,
  type LeadAck,
  type Lead,
  type LeadInput,
  type SpamReason,
} from '../../src/protocol';
import { rooms, type ServerContext } from './context';
import { visitorTag } from './log';
import type { SiteConfig } from './sites';

/** Quarantined requests stored per IP address per clock hour (per server node); past it they are counted, not stored. */
export const SPAM_CAP_PER_IP_HOUR = 50;
const HOUR_MS = 3_600_000;

/** Counts per key in fixed hour windows; the whole map is dropped when the hour turns, so it stays bounded. */
function hourlyCounter(now: () => number = Date.now) {
  let windowStart = now();
  let counts = new Map<string, number>();
  return {
    /** Counts one for `key`; false once `key` is past `cap` this hour. */
    take(key: string, cap: number): boolean {
      if (now() - windowStart >= HOUR_MS) {
        windowStart = now();
        counts = new Map();
      }
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      return count <= cap;
    },
  };
}

/** A visitor may leave 3 requests at once, then one every 10 minutes; an IP 10, then one a minute. */
export function createLeadHandler(ctx: ServerContext) {
  // Shared across server nodes when Redis is configured (see docs/architecture.md).
  const visitorLimiter = ctx.rateLimiters('lead-visitor', 3, 1 / 600);
  const ipLimiter = ctx.rateLimiters('lead-ip', 10, 1 / 60);
  const quarantinedPerIp = hourlyCounter();

  const spamReason = async (
    site: SiteConfig,
    visitorId: string,
    ip: string,
    honeypot: unknown,
    elapsedMs: unknown,
  ): Promise<SpamReason | undefined> => {
    if (typeof honeypot === 'string' && honeypot !== '') return 'honeypot';
    if (typeof elapsedMs !== 'number' || elapsedMs < LEAD_MIN_FILL_MS) return 'too_fast';
    if (!(await visitorLimiter.take(`${site.id}:${visitorId}`))) return 'visitor_limit';
    if (!(await ipLimiter.take(ip))) return 'ip_limit';
    return undefined;
  };

  return async function submitLead(
    site: SiteConfig,
    visitorId: string,
    ip: string,
    payload: unknown,
    snapshot?: () => Promise<ContextSnapshot>,
  ): Promise<LeadAck> {
    if (!isRecord(payload)) return fail('invalid', 'payload must be an object');
    const { clientId, fields, context, honeypot, elapsedMs } = payload;
    if (!isId(clientId)) return fail('invalid', 'clientId is not a valid id', 'clientId');
    if (!isRecord(fields)) return fail('invalid', 'fields must be an object', 'fields');

    // A resend whose first ack was lost gets the stored request back, quarantined or not.
    const stored = await ctx.store.findLead(site.id, visitorId, clientId);
    if (stored) return { ok: true, leadId: stored.id };

    // Checked before the spam rules, so every stored request, quarantined too, is clean.
    const checked = validateLead(fields as LeadInput, site.leadForm);
    if (!checked.ok) {
      return { ok: false, error: { code: 'invalid', message: 'some fields are not valid', fields: checked.errors } };
    }

    const spam = await spamReason(site, visitorId, ip, honeypot, elapsedMs);
    if (spam && !quarantinedPerIp.take(ip, SPAM_CAP_PER_IP_HOUR)) {
      ctx.metrics?.spamNotStored.inc({ reason: spam });
      return { ok: true, leadId: newId() };
    }
    const { lead, duplicate } = await ctx.store.insertLead({
      site: site.id,
      visitorId,
      clientId,
      ...checked.value,
      context: cleanContext(context),
      snapshot: await snapshot?.(),
      ...(spam ? { spam } : {}),
    });
    if (spam) {
      ctx.metrics?.spamQuarantined.inc({ reason: spam });
      ctx.log(`request from visitor ${visitorTag(visitorId)} on ${site.id} quarantined as spam (${spam})`);
    } else if (!duplicate) {
      announceLead(ctx, site, lead);
    }
    return { ok: true, leadId: lead.id };
  };
}

/** A request that joins the list: operators hear of it and the site webhook fires. */
export function announceLead(ctx: ServerContext, site: SiteConfig, lead: Lead): void {
  ctx.operators.to(rooms.operators(site.id)).emit('lead:new', lead);
  if (site.webhookUrl) void ctx.webhooks.send(site.webhookUrl, { type: 'lead.created', site: site.id, lead });
}
