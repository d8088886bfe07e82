/**
 * The HTTP side: find-my-way (the radix router under Fastify) on a plain node:http
 * server, so socket.io keeps the same server and nothing else of a framework comes along.
 * Each resource registers its routes from its own file in routes/; what no route takes
 * falls through to the static files, then to a JSON 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Router from 'find-my-way';
import type { ServerContext } from '../context';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { registerCannedReplies } from '../routes/canned-replies';
import { registerFiles } from '../routes/files';
import { registerHealth } from '../routes/health';
import { registerLeads } from '../routes/leads';
import { registerMetrics } from '../routes/metrics';
import { registerOperatorLogin } from '../routes/operator-login';
import { registerOwner } from '../routes/owner';
import { serveStatic, type Mount } from '../static-files';
import { sendJson } from './respond';

export type HttpRouter = Router.Instance<Router.HTTPVersion.V1>;

/** What route handlers may use. */
export interface HttpDeps {
  ctx: ServerContext;
  logger: Logger;
  metrics: Metrics;
  /** The client's address, through trusted proxies only. */
  clientIp(req: IncomingMessage): string;
  /** True from SIGTERM on: /readyz answers 503 so the proxy stops sending traffic. */
  isDraining(): boolean;
}

export function createRouter(deps: HttpDeps, mounts: Mount[]): (req: IncomingMessage, res: ServerResponse) => void {
  const router: HttpRouter = Router({
    ignoreTrailingSlash: false,
    defaultRoute(req, res) {
      if (serveStatic(mounts, req, res)) return;
      sendJson(res, 404, { error: 'Not found.' });
    },
  });
  registerHealth(router, deps);
  registerMetrics(router, deps);
  registerOperatorLogin(router, deps);
  registerLeads(router, deps);
  registerOwner(router, deps);
  registerCannedReplies(router, deps);
  registerFiles(router, deps);
  router.all('/api/*', (_req, res) => sendJson(res, 404, { error: 'No such API.' }));

  return (req, res) => {
    const started = performance.now();
    res.once('finish', () => {
      // Paths only: query strings and headers may carry tokens.
      const path = (req.url ?? '/').split('?')[0];
      const line = {
        method: req.method,
        path,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
      };
      if (res.statusCode >= 500) deps.logger.error(line, 'http request failed');
      else if (path?.startsWith('/api/')) deps.logger.info(line, 'http request');
      else deps.logger.debug(line, 'http request');
    });
    try {
      const answer = router.lookup(req, res) as unknown;
      if (answer instanceof Promise) answer.catch((error: unknown) => fail(deps.logger, res, error));
    } catch (error) {
      fail(deps.logger, res, error);
    }
  };
}

function fail(logger: Logger, res: ServerResponse, error: unknown) {
  logger.error({ err: error }, 'http handler threw');
  if (!res.headersSent) sendJson(res, 500, { error: 'Something went wrong on the server.' });
  else res.destroy();
}
