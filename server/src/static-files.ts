/**
 * Serves the built widget, the sample site, the designer and the operator console.
 * Paths are resolved inside their root only, so "../" never escapes it.
 */
import { createReadStream, statSync } from 'node:fs';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
};

export interface Mount {
  /** URL prefix, starting and ending with "/". */
  prefix: string;
  root: string;
  /** Cross-origin host pages import the widget as a module, which needs CORS. */
  cors?: boolean;
}

function fileIn(root: string, relative: string): string | null {
  const base = resolve(root);
  const path = resolve(base, normalize(relative).replace(/^([/\\])+/, ''));
  if (path !== base && !path.startsWith(base + sep)) return null;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return fileIn(root, join(relative, 'index.html'));
    return stat.isFile() ? path : null;
  } catch {
    return null;
  }
}

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.map', '.css', '.svg', '.json']);

/** Brotli if the browser takes it, else gzip, else nothing. */
function encodingFor(req: IncomingMessage, file: string): 'br' | 'gzip' | null {
  if (!COMPRESSIBLE.has(extname(file))) return null;
  const accepted = String(req.headers['accept-encoding'] ?? '');
  return /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null;
}

/** Answers the request if a mount has the file; returns false to let others try. */
export function serveStatic(mounts: Mount[], req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return false;
  }
  for (const mount of mounts) {
    if (!pathname.startsWith(mount.prefix)) continue;
    const file = fileIn(mount.root, pathname.slice(mount.prefix.length));
    if (!file) continue;
    const encoding = encodingFor(req, file);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      // Short caching: loader.js and widget.js keep their names across releases.
      'Cache-Control': 'public, max-age=300',
      Vary: 'Accept-Encoding',
      ...(encoding ? { 'Content-Encoding': encoding } : {}),
      ...(mount.cors ? { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' } : {}),
    });
    if (req.method === 'HEAD') return void res.end(), true;
    const body = createReadStream(file);
    if (encoding === 'br') body.pipe(createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })).pipe(res);
    else if (encoding === 'gzip') body.pipe(createGzip()).pipe(res);
    else body.pipe(res);
    return true;
  }
  return false;
}
