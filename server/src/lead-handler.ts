/**
 * `lead:submit`: a visitor's request from the offline form. Stored once per client id;
 * spam (honeypot filled, sent too fast, too many) gets the same "thank you" as a real
 * request, so bots learn nothing, but is not stored.
 */
import {
  LEAD_MIN_FILL_MS,
  cleanContext,
  fail,
  isId,
  newId,
  validateLead,
  type ContextSnapshot,
  type LeadAck,
  type LeadInput,
} from '../../src/protocol';
import { rooms, type ServerContext } from './context';
import { visitorTag } from './log';
import type { SiteConfig } from './sites';

/** A visitor may leave 3 requests at once, then one every 10 minutes; an IP 10, then one a minute. */
export function createLeadHandler(ctx: ServerContext) {
  const visitorLimiter = ctx.rateLimiters('lead-visitor', 3, 1 / 600);
  const ipLimiter = ctx.rateLimiters('lead-ip', 10, 1 / 60);

  return async function submitLead(
    site: SiteConfig,
    visitorId: string,
    ip: string,
    payload: unknown,
    snapshot?: () => Promise<ContextSnapshot>,
  ): Promise<LeadAck> {
    if (typeof payload !== 'object' || payload === null) return fail('invalid', 'payload must be an object');
    const { clientId, fields, context, honeypot, elapsedMs } = payload as Record<string, unknown>;
    if (!isId(clientId)) return fail('invalid', 'clientId is not a valid id', 'clientId');
    if (typeof fields !== 'object' || fields === null) return fail('invalid', 'fields must be an object', 'fields');

    // A resend whose first ack was lost gets the stored request back.
    const stored = await ctx.store.findLead(site.id, visitorId, clientId);
    if (stored) return { ok: true, leadId: stored.id };

    const spam =
      (typeof honeypot === 'string' && honeypot !== '') ||
      typeof elapsedMs !== 'number' ||
      elapsedMs < LEAD_MIN_FILL_MS ||
      !(await visitorLimiter.take(`${site.id}:${visitorId}`)) ||
      !(await ipLimiter.take(ip));
    if (spam) {
      ctx.log(`lead from visitor ${visitorTag(visitorId)} on ${site.id} dropped as spam`);
      return { ok: true, leadId: newId() };
    }

    const checked = validateLead(fields as LeadInput, site.leadForm);
    if (!checked.ok) {
      return { ok: false, error: { code: 'invalid', message: 'some fields are not valid', fields: checked.errors } };
    }
    const { lead, duplicate } = await ctx.store.insertLead({
      site: site.id,
      visitorId,
      clientId,
      ...checked.value,
      context: cleanContext(context),
      snapshot: await snapshot?.(),
    });
    if (!duplicate) {
      ctx.operators.to(rooms.operators(site.id)).emit('lead:new', lead);
      if (site.webhookUrl) void ctx.webhooks.send(site.webhookUrl, { type: 'lead.created', site: site.id, lead });
    }
    return { ok: true, leadId: lead.id };
  };
}
