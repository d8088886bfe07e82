/**
 * GET /api/sites/:site/leads?status=new&since=<ms>&limit=<n>, for a CRM to pull.
 * Authorization: Bearer <token>, where the site config holds the token's SHA-256.
 */
import * as v from 'valibot';
import { LEAD_STATUSES } from '../../../src/protocol';
import type { HttpDeps, HttpRouter } from '../http/router';
import { sendJson, validated } from '../http/respond';
import { siteByToken } from '../http/site-token';

const whole = (min: number, max: number) =>
  v.pipe(v.string(), v.regex(/^\d{1,16}$/), v.transform(Number), v.minValue(min), v.maxValue(max));

const querySchema = v.object({
  status: v.optional(v.picklist(LEAD_STATUSES)),
  since: v.optional(whole(0, Number.MAX_SAFE_INTEGER), '0'),
  limit: v.optional(whole(1, 1000), '100'),
});

export function registerLeads(router: HttpRouter, { ctx }: HttpDeps) {
  router.get('/api/sites/:site/leads', async (req, res, params, _store, searchParams) => {
    const site = siteByToken(ctx, req, res, params.site);
    if (!site) return;
    const query = validated(
      res,
      querySchema,
      { ...searchParams, ...(searchParams.status === '' ? { status: undefined } : {}) },
      `status must be one of ${LEAD_STATUSES.join(', ')}; since epoch milliseconds; limit a whole number from 1 to 1000.`,
    );
    if (!query) return;
    const leads = await ctx.store.listLeads(site.id, query);
    sendJson(res, 200, { leads });
  });
}
