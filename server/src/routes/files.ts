/**
 * Files over HTTP (uploads.ts does the work):
 *   OPTIONS /api/uploads       CORS preflight (the upload sends Authorization)
 *   POST    /api/uploads       the bytes of one granted upload, `Authorization: Bearer <grant token>`
 *   GET     /api/files/:id?e=&s=  a file, with a signed URL from a message or `attachment:url`
 */
import type { ServerResponse } from 'node:http';
import type { HttpDeps, HttpRouter } from '../http/router';
import { sendJson } from '../http/respond';

export function registerFiles(router: HttpRouter, { ctx, clientIp }: HttpDeps) {
  const off = (res: ServerResponse) =>
    sendJson(res, 404, { error: { code: 'not_found', message: 'this server does not take files' } });
  router.on('OPTIONS', '/api/uploads', (req, res) => (ctx.uploads ? ctx.uploads.preflight(req, res) : off(res)));
  router.post('/api/uploads', (req, res) => (ctx.uploads ? ctx.uploads.receive(req, res, clientIp(req)) : off(res)));
  for (const method of ['GET', 'HEAD'] as const) {
    router.on(method, '/api/files/:id', (req, res, params, _store, query) =>
      ctx.uploads ? ctx.uploads.serve(req, res, params.id ?? '', query as Record<string, string>) : off(res),
    );
  }
}
