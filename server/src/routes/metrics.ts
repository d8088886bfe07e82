/**
 * GET /metrics in Prometheus' text format. Counts only, nothing about a visitor; still,
 * keep it off the public internet (the Caddyfile in deploy/ answers it only inside).
 */
import type { HttpDeps, HttpRouter } from '../http/router';

export function registerMetrics(router: HttpRouter, { metrics }: HttpDeps) {
  router.get('/metrics', async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
    res.end(body);
  });
}
