/**
 * Serves the built widget, the operator console and (in the demo) the sample site and
 * the designer. Paths are resolved inside their root only, so "../" never escapes it.
 *
 * Nothing is compressed here: the build writes `<file>.br` and `<file>.gz` beside each
 * text file once (scripts/precompress.mjs), and the one the browser accepts is sent.
 * Chunks with a content hash in their name never change, so browsers keep them for a
 * year; everything else carries an ETag and is revalidated (304 when unchanged).
 */
import { createReadStream, statSync, type Stats } from 'node:fs';
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
  /** Paths (relative to the prefix) whose content never changes under that name. */
  immutable?: RegExp;
}

/** Rollup names the widget's code chunks `widget/<name>-<8 hash characters>.js` (rollup.config.mjs). */
export const HASHED_WIDGET_CHUNK = /^widget\/[\w-]+-[A-Za-z0-9_-]{8}\.js(\.map)?$/;

function fileIn(root: string, relative: string): { path: string; stat: Stats } | null {
  const base = resolve(root);
  const path = resolve(base, normalize(relative).replace(/^([/\\])+/, ''));
  if (path !== base && !path.startsWith(base + sep)) return null;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return fileIn(root, join(relative, 'index.html'));
    return stat.isFile() ? { path, stat } : null;
  } catch {
    return null;
  }
}

function sibling(path: string): Stats | null {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat : null;
  } catch {
    return null;
  }
}

const STALE_SLACK_MS = 2000;

/** The precompressed variant the browser accepts: brotli first, then gzip. */
function variantFor(
  req: IncomingMessage,
  path: string,
  original: Stats,
): { encoding: 'br' | 'gzip'; path: string; stat: Stats } | null {
  const accepted = String(req.headers['accept-encoding'] ?? '');
  for (const [encoding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    if (!new RegExp(`\\b${encoding}\\b(?!;q=0(\\.0*)?\\b)`).test(accepted)) continue;
    const stat = sibling(path + suffix);
    // A variant older than its file is left over from an earlier build: never send it. The
    // build gives both one mtime; the slack covers copies that do not keep timestamps.
    if (stat && stat.mtimeMs + STALE_SLACK_MS >= original.mtimeMs) return { encoding, path: path + suffix, stat };
  }
  return null;
}

function etagOf(stat: Stats, encoding: string | undefined): string {
  return `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}${encoding ? `-${encoding}` : ''}"`;
}

function notModified(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
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
    const relative = pathname.slice(mount.prefix.length);
    const file = fileIn(mount.root, relative);
    if (!file) continue;
    const variant = variantFor(req, file.path, file.stat);
    const sent = variant ?? file;
    const etag = etagOf(sent.stat, variant?.encoding);
    const headers: Record<string, string> = {
      'Content-Type': TYPES[extname(file.path)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': mount.immutable?.test(relative)
        ? 'public, max-age=31536000, immutable'
        : // loader.js, widget.js and the pages keep their names across releases: revalidate.
          'public, max-age=0, must-revalidate',
      ETag: etag,
      Vary: 'Accept-Encoding',
      ...(variant ? { 'Content-Encoding': variant.encoding } : {}),
      ...(mount.cors ? { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' } : {}),
    };
    if (notModified(req, etag)) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Length': String(sent.stat.size) });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    createReadStream(sent.path).pipe(res);
    return true;
  }
  return false;
}
