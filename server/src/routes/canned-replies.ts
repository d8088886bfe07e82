/**
 * The site's shared canned replies, behind the site API token:
 *   GET /api/sites/:site/canned-replies   { replies: [{ id, title, text, source }] }
 *       source "config" (the sites file, read-only here) or "api" (set below)
 *   PUT /api/sites/:site/canned-replies   { "replies": [{ "title": "...", "text": "..." }] }
 *       replaces the API's list whole (at most 500); every console gets the new list live.
 */
import type { CannedReply } from '../../../src/protocol';
import { CANNED_LIMITS, announceShared } from '../canned';
import type { HttpDeps, HttpRouter } from '../http/router';
import { readJson, sendJson, validated } from '../http/respond';
import { siteByToken } from '../http/site-token';
import { sharedCannedList } from '../payloads';
import type { SiteConfig } from '../sites';

/** Room for 500 replies of a few sentences each; the text limit is checked per reply. */
const MAX_BODY = 512 * 1024;

export function registerCannedReplies(router: HttpRouter, { ctx, logger }: HttpDeps) {
  const listed = async (site: SiteConfig) => {
    const tag = (source: 'config' | 'api') => (r: CannedReply) => ({ id: r.id, title: r.title, text: r.text, source });
    const stored = await ctx.store.listCannedReplies(site.id, null);
    return [...(site.cannedReplies ?? []).map(tag('config')), ...stored.map(tag('api'))];
  };

  router.get('/api/sites/:site/canned-replies', async (req, res, params) => {
    const site = siteByToken(ctx, req, res, params.site);
    if (!site) return;
    sendJson(res, 200, { replies: await listed(site) });
  });

  router.put('/api/sites/:site/canned-replies', async (req, res, params) => {
    const site = siteByToken(ctx, req, res, params.site);
    if (!site) return;
    let body: unknown;
    try {
      body = await readJson(req, MAX_BODY);
    } catch (error) {
      return sendJson(res, 400, { error: (error as Error).message });
    }
    const input = validated(
      res,
      sharedCannedList,
      body,
      `Send {"replies": [{"title": "...", "text": "..."}]}: at most ${CANNED_LIMITS.shared} replies, titles up to ${CANNED_LIMITS.title} characters, texts up to ${CANNED_LIMITS.text}.`,
    );
    if (!input) return;
    await ctx.store.replaceSharedCannedReplies(site.id, input.replies);
    await announceShared(ctx, site);
    logger.info({ site: site.id, replies: input.replies.length }, 'shared canned replies replaced');
    sendJson(res, 200, { replies: await listed(site) });
  });
}
