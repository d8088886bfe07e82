/**
 * GET /healthz: the process answers (restart it if not).
 * GET /readyz: the store answers a cheap query and the server is not shutting down
 * (send it traffic only then). Neither says more than "ok" or why not.
 */
import type { HttpDeps, HttpRouter } from '../http/router';
import { sendJson } from '../http/respond';

const STORE_TIMEOUT_MS = 2000;

export function registerHealth(router: HttpRouter, { ctx, isDraining, logger }: HttpDeps) {
  router.get('/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));

  router.get('/readyz', async (_req, res) => {
    if (isDraining()) return sendJson(res, 503, { status: 'draining' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // An indexed lookup of a session that cannot exist: one round trip to the store.
      await Promise.race([
        Promise.resolve(ctx.store.findSession('readiness-probe')),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('store timed out')), STORE_TIMEOUT_MS))),
      ]);
      sendJson(res, 200, { status: 'ready' });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check: store unreachable');
      sendJson(res, 503, { status: 'store unreachable' });
    } finally {
      clearTimeout(timer);
    }
  });
}
