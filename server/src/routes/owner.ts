/**
 * The site owner's API, behind the site API token:
 *   GET  /api/sites/:site/webhooks?status=failed&limit=<n>  deliveries with status and last error
 *   POST /api/sites/:site/visitors/export  {"visitorId": "..."}  everything stored about one visitor
 *   POST /api/sites/:site/visitors/erase   {"visitorId": "..."}  deletes it (GDPR erasure), files included
 * A visitor id unlocks that visitor's history, so it travels in a POST body only: never in
 * a path or query string, which proxies and access logs keep.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { ID_PATTERN } from '../../../src/protocol';
import type { HttpDeps, HttpRouter } from '../http/router';
import { readJson, sendJson, validated } from '../http/respond';
import { siteByToken } from '../http/site-token';
import { visitorTag } from '../log';
import { storedAttachment } from '../store/kysely-attachments';

const WEBHOOK_STATUSES = ['pending', 'delivered', 'failed'] as const;

const webhookQuery = v.object({
  status: v.optional(v.picklist(WEBHOOK_STATUSES)),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,4}$/), v.transform(Number), v.minValue(1), v.maxValue(1000)),
    '100',
  ),
});

const visitorBody = v.object({ visitorId: v.pipe(v.string(), v.regex(ID_PATTERN)) });

export function registerOwner(router: HttpRouter, { ctx, logger }: HttpDeps) {
  router.get('/api/sites/:site/webhooks', async (req, res, params, _store, searchParams) => {
    const site = siteByToken(ctx, req, res, params.site);
    if (!site) return;
    const query = validated(
      res,
      webhookQuery,
      searchParams,
      `status must be one of ${WEBHOOK_STATUSES.join(', ')}; limit a whole number from 1 to 1000.`,
    );
    if (!query) return;
    const deliveries = await ctx.store.listWebhooks(site.id, query);
    // The bodies stay out: they hold visitors' requests, and the list is for diagnosis.
    sendJson(res, 200, {
      deliveries: deliveries.map(({ body: _body, site: _site, ...delivery }) => delivery),
    });
  });

  /** The visitor id from the body of an authenticated request; otherwise an answer is sent. */
  const visitorOf = async (req: IncomingMessage, res: ServerResponse): Promise<string | undefined> => {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      sendJson(res, 400, { error: (error as Error).message });
      return undefined;
    }
    return validated(res, visitorBody, body, 'Send {"visitorId": "..."}: the id the widget stored for that visitor.')
      ?.visitorId;
  };

  router.post('/api/sites/:site/visitors/export', async (req, res, params) => {
    const site = siteByToken(ctx, req, res, params.site);
    if (!site) return;
    const visitorId = await visitorOf(req, res);
    if (!visitorId) return;
    const data = await ctx.store.exportVisitor(site.id, visitorId);
    if (!data) return sendJson(res, 404, { error: 'No such visitor on this site.' });
    logger.info({ site: site.id, visitor: visitorTag(visitorId) }, 'visitor exported');
    // The files as signed links: their bytes stay in the file store, fetchable for a while.
    const attachments = data.attachments.map(({ storageKey: _key, ...row }) => ({
      ...row,
      ...(row.status === 'ready' && ctx.uploads
        ? { url: ctx.uploads.toAttachment(storedAttachment({ ...row, storageKey: null })).url }
        : {}),
    }));
    sendJson(
      res,
      200,
      { ...data, attachments },
      { 'Content-Disposition': 'attachment; filename="confab-visitor.json"' },
    );
  });

  router.post('/api/sites/:site/visitors/erase', async (req, res, params) => {
    const site = siteByToken(ctx, req, res, params.site);
    if (!site) return;
    const visitorId = await visitorOf(req, res);
    if (!visitorId) return;
    const erased = ctx.uploads
      ? await ctx.uploads.eraseVisitor(site.id, visitorId)
      : await ctx.store.eraseVisitor(site.id, visitorId);
    if (!erased) return sendJson(res, 404, { error: 'No such visitor on this site.' });
    logger.info({ site: site.id, visitor: visitorTag(visitorId) }, 'visitor erased');
    sendJson(res, 200, { erased: true });
  });
}
