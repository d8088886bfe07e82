/** The small REST surface: operator login. JSON in, JSON out, bounded bodies. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from './context';
import { hashToken } from './operator-namespace';
import { verifyPassword } from './passwords';
import { createRateLimiter } from './rate-limit';
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
  // Ten attempts, then one every six seconds: enough for typos, too slow for guessing.
  const loginLimiter = createRateLimiter(10, 1 / 6);

  async function login(req: IncomingMessage, res: ServerResponse) {
    if (!loginLimiter.take(req.socket.remoteAddress ?? '')) {
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
        ctx.store.createSession(hashToken(token), site.id, operator.id, Date.now() + SESSION_MS);
        return sendJson(res, 200, { token, site: site.id, operator: publicProfile(operator, ctx.publicUrl) });
      }
    }
    sendJson(res, 401, { error: 'Wrong login or password.' });
  }

  /** Answers API requests; returns false for any other path. */
  return function handleApi(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/api/operator/login' && req.method === 'POST') {
      void login(req, res);
      return true;
    }
    if (path?.startsWith('/api/')) {
      sendJson(res, 404, { error: 'No such API.' });
      return true;
    }
    return false;
  };
}
