/** The small REST surface: operator login. JSON in, JSON out, bounded bodies. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LEAD_STATUSES, type LeadStatus } from '../../src/protocol';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from './context';
import { hashToken } from './operator-namespace';
import { verifyPassword } from './passwords';
import { publicProfile } from './sites';

const SESSION_MS = 12 * 60 * 60 * 1000;
const MAX_BODY = 4096;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new Error('body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

export function createApi(ctx: ServerContext) {
  // Ten failed attempts, then one every six seconds: enough for typos, too slow for guessing.
  const loginLimiter = ctx.rateLimiters('login', 10, 1 / 6);

  async function login(req: IncomingMessage, res: ServerResponse) {
    const ip = req.socket.remoteAddress ?? '';
    if (!(await loginLimiter.allows(ip))) {
      return sendJson(res, 429, { error: 'Too many attempts. Wait a minute and try again.' });
    }
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      return sendJson(res, 400, { error: (error as Error).message });
    }
    const { login, password } = (body ?? {}) as { login?: unknown; password?: unknown };
    if (typeof login !== 'string' || typeof password !== 'string') {
      return sendJson(res, 400, { error: 'Send {"login": "...", "password": "..."}.' });
    }
    for (const site of ctx.sites.values()) {
      const operator = site.operators.find((op) => op.login === login);
      if (operator && verifyPassword(password, operator.passwordHash)) {
        const token = randomBytes(32).toString('base64url');
        await ctx.store.createSession(hashToken(token), site.id, operator.id, Date.now() + SESSION_MS);
        return sendJson(res, 200, { token, site: site.id, operator: publicProfile(operator, ctx.publicUrl) });
      }
    }
    await loginLimiter.take(ip);
    sendJson(res, 401, { error: 'Wrong login or password.' });
  }

  /**
   * GET /api/sites/:site/leads?status=new&since=<ms>&limit=<n>, for a CRM to pull.
   * Authorization: Bearer <token>, where the site config holds the token's SHA-256.
   */
  async function listLeads(req: IncomingMessage, res: ServerResponse, siteId: string, query: URLSearchParams) {
    const site = ctx.sites.get(siteId);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expected = site?.apiTokenSha256 ? Buffer.from(site.apiTokenSha256, 'hex') : undefined;
    const actual = token ? createHash('sha256').update(token).digest() : undefined;
    // Unknown site and wrong token answer alike: the API tells nothing to a stranger.
    if (!expected || !actual || !timingSafeEqual(expected, actual)) {
      return sendJson(res, 401, { error: 'Send Authorization: Bearer <the site API token>.' });
    }
    const status = query.get('status');
    if (status && !LEAD_STATUSES.includes(status as LeadStatus)) {
      return sendJson(res, 400, { error: `status must be one of ${LEAD_STATUSES.join(', ')}.` });
    }
    const since = Number(query.get('since') ?? 0);
    const limit = Number(query.get('limit') ?? 100);
    if (!Number.isInteger(since) || since < 0 || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return sendJson(res, 400, { error: 'since must be epoch milliseconds; limit a whole number from 1 to 1000.' });
    }
    const leads = await ctx.store.listLeads(site!.id, { status: (status as LeadStatus) || undefined, since, limit });
    sendJson(res, 200, { leads });
  }

  /** Answers API requests; returns false for any other path. */
  return function handleApi(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path === '/api/operator/login' && req.method === 'POST') {
      login(req, res).catch(() => sendJson(res, 500, { error: 'The store cannot be written.' }));
      return true;
    }
    const leadsPath = /^\/api\/sites\/([\w-]{1,64})\/leads$/.exec(path);
    if (leadsPath && req.method === 'GET') {
      listLeads(req, res, leadsPath[1]!, url.searchParams).catch(() => sendJson(res, 500, { error: 'The store cannot be read.' }));
      return true;
    }
    if (path?.startsWith('/api/')) {
      sendJson(res, 404, { error: 'No such API.' });
      return true;
    }
    return false;
  };
}
