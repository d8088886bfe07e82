/**
 * Uploads: the grant a sender asks for over their socket, the bytes that follow over
 * HTTP, the files served back, and the sweeps that remove what is no longer wanted.
 *
 * A grant is a random single-use token (its SHA-256 in the attachment's row) that
 * expires in two minutes; the upload sends it in the Authorization header, so nothing
 * in a URL outlives it. The body is counted as it streams to a temporary file and cut
 * off past the size the grant allows; the type is then decided by the bytes
 * (files/sniff.ts) and checked against the site's list; only then does the file enter
 * the file store under a server-chosen key. Downloads need a signed URL
 * (files/url-signer.ts), which only the conversation's visitor and the site's operators
 * are given.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  UPLOAD_DEFAULTS,
  fail,
  newId,
  type Attachment,
  type AttachmentUrlAck,
  type UploadGrantAck,
} from '../../src/protocol';
import type { ServerContext } from './context';
import type { FileStore } from './files/file-store';
import type { Metrics } from './metrics';
import { INLINE_IMAGES, byteScanner, sniff } from './files/sniff';
import type { UrlSigner } from './files/url-signer';
import { sendJson } from './http/respond';
import { check } from './payloads';
import { uploadSettings, type OperatorConfig, type SiteConfig } from './sites';
import { storedAttachment } from './store/kysely-attachments';
import { readAttachments, type AttachmentRow, type ConversationRow, type StoredAttachment } from './store';
import { attachmentRef, displayName, grantPayload, operatorGrantPayload } from './upload-payloads';

/** Who asks for a grant or a URL. */
export type Uploader =
  | { kind: 'visitor'; site: SiteConfig; visitorId: string; owner: string }
  | { kind: 'operator'; site: SiteConfig; operator: OperatorConfig };

/** Declared types no site accepts, refused at the grant so the sender learns it before uploading. */
const REFUSED_NAMES = /\.(?:html?|xhtml|xht|svgz?|xml|xsl|js|mjs)$/i;
const REFUSED_TYPES =
  /^(?:text\/html|application\/xhtml\+xml|image\/svg\+xml|(?:text|application)\/(?:xml|javascript))\b/i;

class TooLarge extends Error {}

/** Counts bytes as they pass and fails the stream past `max`: nothing beyond it is read. */
function byteLimit(max: number): Transform & { bytes: () => number } {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      bytes += chunk.length;
      done(bytes > max ? new TooLarge() : null, chunk);
    },
  });
  return Object.assign(limit, { bytes: () => bytes });
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Answers an upload or download with the contract's error body. */
function refuse(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  if (res.headersSent) return void res.destroy();
  sendJson(res, status, { error: { code, message } }, headers);
}

/** Extensions that fit each type a site may accept; the first is added to a name that has none of them. */
const EXTENSIONS: Record<string, string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jfif'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'application/msword': ['doc', 'dot'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.ms-excel': ['xls'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.ms-powerpoint': ['ppt'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
  'text/plain': ['txt', 'text', 'log', 'md', 'csv', 'tsv'],
  'audio/webm': ['webm', 'weba'],
  'audio/ogg': ['ogg', 'oga', 'opus'],
  'audio/mp4': ['m4a', 'mp4'],
};

/**
 * The name a download is saved under: the display name, with the sniffed type's
 * extension added when its own does not fit (a PDF named `invoice.exe` saves as
 * `invoice.exe.pdf`), so the saved file opens as what it is, never as a program.
 */
export function downloadName(name: string, mime: string): string {
  const fitting = EXTENSIONS[mime] ?? [mime.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'bin'];
  const extension = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
  return fitting.includes(extension) ? name : `${name}.${fitting[0]}`;
}

/** `Content-Disposition` with the display name: an ASCII fallback and the UTF-8 name (RFC 6266). */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export interface UploadsOptions {
  files: FileStore;
  signer: UrlSigner;
  /** Where bodies are written while they arrive and are checked (DATA_DIR/files/incoming). */
  incomingDir: string;
  /** Counts accepted and refused uploads for `/metrics`. */
  metrics?: Pick<Metrics, 'uploadsAccepted' | 'uploadBytes' | 'uploadsRefused'>;
}

export function createUploads(ctx: ServerContext, { files, signer, incomingDir, metrics }: UploadsOptions) {
  const { store } = ctx;
  const refused = (stage: 'grant' | 'upload', reason: string) => metrics?.uploadsRefused.inc({ stage, reason });
  const grants = ctx.rateLimiters('upload-grant', UPLOAD_DEFAULTS.grantBurst, UPLOAD_DEFAULTS.grantsPerSecond);
  // Per address, failures only (as logins): tokens are unguessable, but nobody gets to
  // hammer the route with made-up ones; valid uploads behind one office NAT are not limited.
  const badTokens = ctx.rateLimiters('upload-bad-token', 30, 0.5);

  const toAttachment = (stored: StoredAttachment): Attachment => {
    const { url, expiresAt } = signer.url(stored.id, UPLOAD_DEFAULTS.downloadUrlTtlMs);
    return { ...stored, url, urlExpiresAt: expiresAt };
  };
  const storedOf = storedAttachment;

  /** Whether `who` may see the attachment: its uploader, the conversation's visitor, the site's operators. */
  const maySee = async (who: Uploader, row: AttachmentRow) => {
    if (row.site !== who.site.id || row.status !== 'ready') return false;
    if (who.kind === 'operator') return true;
    if (row.sender === `v:${who.visitorId}`) return true;
    const conversation = row.conversationId ? await store.getConversation(row.conversationId) : undefined;
    return conversation?.owner === who.owner;
  };

  const allowedOrigin = (site: SiteConfig | undefined, origin: string | undefined) =>
    origin && (origin === ctx.publicUrl || site?.allowedOrigins.includes(origin)) ? origin : undefined;
  const cors = (origin: string | undefined): Record<string, string> =>
    origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : { Vary: 'Origin' };

  /** Whether `from` may upload this file: the grant, the finished upload of the same key, or why not. */
  async function decideGrant(from: Uploader, payload: unknown): Promise<UploadGrantAck> {
    const settings = uploadSettings(from.site);
    if (!settings) return fail('type_not_allowed', 'this site does not accept files');
    const checked = check(from.kind === 'operator' ? operatorGrantPayload : grantPayload, payload);
    if (!checked.ok) return checked;
    const input: {
      key: string;
      name: string;
      size: number;
      mime: string;
      durationMs?: number;
      conversationId?: string;
    } = checked.value;
    let conversation: ConversationRow | undefined;
    if (from.kind === 'operator') {
      conversation = await store.getConversation(input.conversationId!);
      if (conversation?.site !== from.site.id) return fail('not_found', 'no such conversation', 'conversationId');
      if (conversation.status !== 'open') return fail('closed', 'the conversation is closed');
    }
    if (input.size > settings.maxBytes) {
      return fail('too_large', `files may be at most ${settings.maxBytes} bytes`, 'size');
    }
    const name = displayName(input.name);
    if (REFUSED_NAMES.test(name) || REFUSED_TYPES.test(input.mime.trim())) {
      return fail('type_not_allowed', `allowed: ${settings.types.join(', ')}`, 'mime');
    }
    const sender = from.kind === 'visitor' ? `v:${from.visitorId}` : `o:${from.operator.id}`;
    // A key that finished (a resend after a lost ack, a reload) is answered before any
    // limit, as a resent message is: nothing is uploaded again.
    const earlier = await store.findUpload(sender, input.key);
    if (earlier?.status === 'ready') return { ok: true, attachment: toAttachment(storedOf(earlier)) };
    if (!(await grants.take(`${from.site.id}:${sender}`))) {
      return fail('rate_limited', 'too many uploads at once; wait a moment');
    }
    if (from.kind === 'visitor') {
      const quota = from.site.uploadQuotaBytes ?? UPLOAD_DEFAULTS.visitorQuotaBytes;
      // An unfinished earlier grant of the same key is replaced, not added to.
      const used = (await store.uploadedBytes(sender)) - (earlier?.declaredSize ?? 0);
      if (used + input.size > quota) {
        return fail('quota', `a visitor may upload at most ${quota} bytes in all`);
      }
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = Date.now() + UPLOAD_DEFAULTS.grantTtlMs;
    const { attachment, ready } = await store.grantUpload({
      site: from.site.id,
      sender,
      uploadKey: input.key,
      visitorId: from.kind === 'visitor' ? from.visitorId : conversation!.visitorId,
      conversationId: conversation?.id ?? null,
      name,
      declaredMime: input.mime.trim().toLowerCase().slice(0, 200),
      declaredSize: input.size,
      durationMs: input.durationMs === undefined ? null : Math.round(Math.min(input.durationMs, settings.voiceMaxMs)),
      grantHash: hashToken(token),
      grantExpiresAt: expiresAt,
    });
    // The same key finished before (a resend after a lost ack, a reload): nothing is sent again.
    if (ready) return { ok: true, attachment: toAttachment(storedOf(attachment)) };
    return {
      ok: true,
      grant: { url: new URL('/api/uploads', ctx.publicUrl).href, token, expiresAt, maxBytes: input.size },
    };
  }

  return {
    /** The attachment as the wire carries it, with a fresh signed URL. */
    toAttachment,

    /** A message's attachments; none once the message was deleted. */
    attachmentsOf(row: { attachments: string | null; deletedAt: number | null }): Attachment[] | undefined {
      if (!row.attachments || row.deletedAt) return undefined;
      return readAttachments(row).map(toAttachment);
    },

    /** `upload:grant` from a visitor or an operator (whose payload names the conversation). */
    async grant(from: Uploader, payload: unknown): Promise<UploadGrantAck> {
      const answer = await decideGrant(from, payload);
      if (!answer.ok) refused('grant', answer.error.code);
      return answer;
    },

    /** `attachment:url`: a fresh signed URL, for those who may see the file. */
    async renew(who: Uploader, payload: unknown): Promise<AttachmentUrlAck> {
      const ref = check(attachmentRef, payload);
      if (!ref.ok) return ref;
      const row = await store.getAttachment(ref.value.attachmentId);
      if (!row || !(await maySee(who, row))) return fail('not_found', 'no such attachment', 'attachmentId');
      const { url, expiresAt } = signer.url(row.id, UPLOAD_DEFAULTS.downloadUrlTtlMs);
      return { ok: true, url, urlExpiresAt: expiresAt };
    },

    /** Preflight of an upload: any site's origin may ask; the POST itself answers only the grant's site. */
    preflight(req: IncomingMessage, res: ServerResponse) {
      const origin = req.headers.origin;
      const known = origin && [...ctx.sites.values()].some((site) => allowedOrigin(site, origin));
      res.writeHead(204, {
        ...cors(known ? origin : undefined),
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      });
      res.end();
    },

    /** POST /api/uploads: the granted upload's bytes. */
    async receive(req: IncomingMessage, res: ServerResponse, clientIp: string) {
      const origin = req.headers.origin;
      // Whatever is refused before the body is read closes the connection: the rest of it is not wanted.
      const early = (status: number, code: string, message: string, site?: SiteConfig) => {
        refused('upload', code);
        refuse(res, status, code, message, { ...cors(allowedOrigin(site, origin)), Connection: 'close' });
        res.once('finish', () => req.destroy());
      };
      if (!(await badTokens.allows(clientIp)))
        return early(429, 'rate_limited', 'too many refused uploads; wait a moment');
      const token = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(req.headers.authorization ?? '')?.[1];
      const grantHash = token && hashToken(token);
      const row = grantHash ? await store.claimUpload(grantHash) : undefined;
      if (!row || !grantHash) {
        await badTokens.take(clientIp);
        return early(401, 'grant_invalid', 'ask for a new upload grant');
      }
      const site = ctx.sites.get(row.site);
      const settings = site && uploadSettings(site);
      const headers = cors(allowedOrigin(site, origin));
      const drop = () => store.dropUpload(row.id, grantHash);
      if (!site || !settings) {
        await drop();
        return early(415, 'type_not_allowed', 'this site does not accept files', site);
      }
      const max = row.declaredSize;
      const declaredLength = Number(req.headers['content-length'] ?? Number.NaN);
      if (declaredLength > max) {
        await drop();
        return early(413, 'too_large', `this upload may be at most ${max} bytes`, site);
      }

      await mkdir(incomingDir, { recursive: true });
      const incoming = join(incomingDir, `${row.id}-${randomBytes(6).toString('hex')}`);
      const limit = byteLimit(max);
      const scanner = byteScanner();
      try {
        try {
          await pipeline(req, limit, scanner, createWriteStream(incoming, { mode: 0o600 }));
        } catch (error) {
          await drop();
          if (error instanceof TooLarge) {
            return early(413, 'too_large', `this upload may be at most ${max} bytes`, site);
          }
          // The client went away mid-upload: nobody to answer.
          return void req.destroy();
        }
        const size = limit.bytes();
        const sniffed =
          size > 0
            ? await sniff(incoming, scanner.result, {
                name: row.name,
                declaredMime: row.declaredMime,
                voice: row.durationMs !== null,
              })
            : undefined;
        if (!sniffed || !settings.types.includes(sniffed.mime)) {
          await drop();
          refused('upload', 'type_not_allowed');
          return refuse(
            res,
            415,
            'type_not_allowed',
            `${sniffed ? sniffed.mime : 'this kind of file'} is not accepted; allowed: ${settings.types.join(', ')}`,
            headers,
          );
        }
        const storageKey = newId();
        await files.put(storageKey, createReadStream(incoming), size);
        const finished = await store.finishUpload(row.id, grantHash, {
          mime: sniffed.mime,
          kind: sniffed.kind,
          size,
          width: sniffed.width ?? null,
          height: sniffed.height ?? null,
          durationMs: sniffed.kind === 'voice' ? row.durationMs : null,
          storageKey,
        });
        if (!finished) {
          // A newer grant for the same key replaced this one while it uploaded.
          await files.delete(storageKey);
          refused('upload', 'grant_invalid');
          return refuse(res, 401, 'grant_invalid', 'this grant was replaced by a newer one', headers);
        }
        metrics?.uploadsAccepted.inc({ kind: sniffed.kind });
        metrics?.uploadBytes.inc(size);
        sendJson(res, 201, { attachment: toAttachment(storedOf(finished)) }, headers);
      } finally {
        await rm(incoming, { force: true });
      }
    },

    /** GET (or HEAD) /api/files/:id with a signed URL. */
    async serve(req: IncomingMessage, res: ServerResponse, id: string, query: Record<string, string>) {
      if (!signer.verify(id, query.e, query.s)) {
        return refuse(res, 403, 'forbidden', 'this link is not valid (any more); ask the chat for a new one');
      }
      const row = await store.getAttachment(id);
      const site = row && ctx.sites.get(row.site);
      const file = row?.status === 'ready' && row.storageKey ? await files.get(row.storageKey) : undefined;
      if (!row || !file) return refuse(res, 404, 'not_found', 'this file is gone');
      const mime = row.mime ?? 'application/octet-stream';
      const inline = row.kind === 'image' && INLINE_IMAGES.has(mime);
      const maxAge = Math.max(0, Math.floor((Number(query.e) - Date.now()) / 1000));
      const headers: Record<string, string> = {
        'Content-Type': mime === 'text/plain' ? 'text/plain; charset=utf-8' : mime,
        'Content-Disposition': disposition(inline ? 'inline' : 'attachment', downloadName(row.name, mime)),
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': 'sandbox',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': `private, max-age=${maxAge}`,
        // The widget shows files on the host page's origin: let it embed them.
        'Cross-Origin-Resource-Policy': 'cross-origin',
        'Accept-Ranges': 'bytes',
        ...cors(allowedOrigin(site, req.headers.origin)),
      };
      // One byte range, for media players that seek (Safari will not play audio without).
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      let start = 0;
      let end = file.size - 1;
      if (range && (range[1] || range[2])) {
        start = range[1] ? Number(range[1]) : Math.max(0, file.size - Number(range[2]));
        end = range[1] && range[2] ? Math.min(Number(range[2]), file.size - 1) : file.size - 1;
        if (start > end || start >= file.size) {
          file.body.destroy();
          res.writeHead(416, { ...headers, 'Content-Range': `bytes */${file.size}` });
          return void res.end();
        }
        headers['Content-Range'] = `bytes ${start}-${end}/${file.size}`;
      }
      headers['Content-Length'] = String(end - start + 1);
      res.writeHead(headers['Content-Range'] ? 206 : 200, headers);
      if (req.method === 'HEAD') {
        file.body.destroy();
        return void res.end();
      }
      const body = headers['Content-Range'] ? (await files.get(row.storageKey!, { start, end }))?.body : file.body;
      if (body !== file.body) file.body.destroy();
      if (!body) return void res.destroy();
      await pipeline(body, res).catch(() => res.destroy());
    },

    /**
     * Removes unsent uploads older than their time to live and, with RETENTION_DAYS,
     * every file older than that; rows first, then the files.
     */
    async sweep(now: number, retentionDays?: number): Promise<number> {
      let removed = 0;
      const drain = async (before: number, unsentOnly: boolean) => {
        for (;;) {
          const keys = await store.removeAttachments(before, unsentOnly, 200);
          await Promise.all(keys.map((key) => files.delete(key)));
          removed += keys.length;
          if (keys.length < 200) return;
        }
      };
      await drain(now - UPLOAD_DEFAULTS.unattachedTtlMs, true);
      if (retentionDays) await drain(now - retentionDays * 86_400_000, false);
      return removed;
    },

    /** A deleted message's files go with it. */
    async forgetMessage(messageId: string): Promise<void> {
      const keys = await store.removeMessageAttachments(messageId);
      await Promise.all(keys.map((key) => files.delete(key)));
    },

    /** Erases a visitor and their files (owner API): the rows in the store's erase, then the files. */
    async eraseVisitor(site: string, visitorId: string): Promise<boolean> {
      const keys = await store.visitorFileKeys(site, visitorId);
      const erased = await store.eraseVisitor(site, visitorId);
      await Promise.all(keys.map((key) => files.delete(key)));
      return erased;
    },
  };
}

export type Uploads = ReturnType<typeof createUploads>;
