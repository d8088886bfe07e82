/**
 * The owner API's credential: `Authorization: Bearer <token>`, where the site config holds
 * the token's SHA-256. Every owner route checks it the same way.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context';
import type { SiteConfig } from '../sites';
import { sendJson } from './respond';

/** The site when the request carries its API token; otherwise a 401 is already sent. */
export function siteByToken(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  siteId: string | undefined,
): SiteConfig | undefined {
  const site = ctx.sites.get(siteId ?? '');
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const expected = site?.apiTokenSha256 ? Buffer.from(site.apiTokenSha256, 'hex') : undefined;
  const actual = token ? createHash('sha256').update(token).digest() : undefined;
  // Unknown site and wrong token answer alike: the API tells nothing to a stranger.
  if (site && expected && actual && expected.length === actual.length && timingSafeEqual(expected, actual)) return site;
  sendJson(res, 401, { error: 'Send Authorization: Bearer <the site API token>.' });
  return undefined;
}
