/**
 * Files end to end on the real server and store: the grant (required, single use,
 * scoped), the cap enforced while the body streams, types decided by the bytes (hostile
 * uploads refused), signed downloads with safe headers, attachments on messages both
 * ways with one row on a resend, and files in export, erase and the sweeps.
 */
import { request } from 'node:http';
import { crc32 } from 'node:zlib';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  UPLOAD_DEFAULTS,
  newId,
  type Attachment,
  type ChatMessage,
  type UploadGrant,
  type UploadGrantAck,
} from '../../src/protocol';
import { nextEvent, startHarness, testSites, type OperatorClient, type VisitorClient } from '../support/server';
import { jpeg, pdf, png, webm } from '../support/sample-files';
import { useTestServer } from '../support/test-server';

const API_TOKEN = 'owner-token-uploads-0123456789';
const [shop, other] = testSites();
const server = useTestServer({
  sites: [
    { ...shop!, apiTokenSha256: createHash('sha256').update(API_TOKEN).digest('hex') },
    { ...other!, uploads: { maxBytes: 2048, types: ['image/png'], voiceMaxMs: 1000 }, uploadQuotaBytes: 3000 },
  ],
});
const { url, visitor } = server;

// ---- files ----------------------------------------------------------------------------
const PNG = png(1, 1);
const JPEG = jpeg(3, 2);
const PDF = pdf();
const WEBM = webm();
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.domain)</script></body></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const POLYGLOT = Buffer.concat([JPEG, Buffer.from('<html><script>alert(document.cookie)</script></html>')]);
const TEXT = Buffer.from('Order 1234: the blue one, size M.\nThanks!\n');

/** A zip of uncompressed entries: enough of an office document for its type to be read. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const fileName = Buffer.from(name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(header, fileName, data);
    centrals.push(central, fileName);
    offset += header.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
const DOCX = zip({
  '[Content_Types].xml':
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  'word/document.xml': '<w:document/>',
});

type Who = { socket: VisitorClient } | { socket: OperatorClient; conversationId: string };

function ask(who: Who, file: { key?: string; name: string; size: number; mime: string; durationMs?: number }) {
  const payload = { ...file, key: file.key ?? newId() };
  return 'conversationId' in who
    ? who.socket.timeout(5000).emitWithAck('upload:grant', { ...payload, conversationId: who.conversationId })
    : who.socket.timeout(5000).emitWithAck('upload:grant', payload);
}

function grantOf(ack: UploadGrantAck): UploadGrant {
  if (!ack.ok || !('grant' in ack)) throw new Error(`no grant: ${JSON.stringify(ack)}`);
  return ack.grant;
}

function upload(grant: UploadGrant, body: Buffer, headers: Record<string, string> = {}) {
  return fetch(grant.url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${grant.token}`, 'Content-Type': 'application/octet-stream', ...headers },
    body: new Uint8Array(body),
  });
}

/** Grant and upload in one: the response and its JSON. */
async function send(who: Who, body: Buffer, name: string, mime: string, key?: string) {
  const grant = grantOf(await ask(who, { key, name, size: body.length, mime }));
  const res = await upload(grant, body);
  return { res, body: (await res.json()) as { attachment?: Attachment; error?: { code: string } }, grant };
}

describe('upload grants', () => {
  it('sends the upload settings with the site and the operator hello', async () => {
    const { session } = await visitor();
    expect(session.site.uploads).toEqual({
      maxBytes: UPLOAD_DEFAULTS.maxBytes,
      types: [...UPLOAD_DEFAULTS.types],
      voiceMaxMs: UPLOAD_DEFAULTS.voiceMaxMs,
    });
    const { hello } = await server.operator();
    expect(hello.uploads?.types).toContain('application/pdf');
  });

  it('refuses an upload without a grant, with a made-up token, and a token used once already', async () => {
    const none = await fetch(`${url()}/api/uploads`, { method: 'POST', body: new Uint8Array(PNG) });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('grant_invalid');
    const forged = await fetch(`${url()}/api/uploads`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${'x'.repeat(43)}` },
      body: new Uint8Array(PNG),
    });
    expect(forged.status).toBe(401);

    const { socket } = await visitor();
    const grant = grantOf(await ask({ socket }, { name: 'dot.png', size: PNG.length, mime: 'image/png' }));
    expect(grant.url).toBe(`${url()}/api/uploads`);
    expect(grant.url).not.toContain(grant.token);
    expect(grant.expiresAt - Date.now()).toBeLessThanOrEqual(UPLOAD_DEFAULTS.grantTtlMs);
    expect((await upload(grant, PNG)).status).toBe(201);
    const again = await upload(grant, PNG);
    expect(again.status).toBe(401);
  });

  it('refuses what is too large, off the list, over the quota or too often', async () => {
    const { socket } = await visitor();
    const big = await ask(
      { socket },
      { name: 'huge.pdf', size: UPLOAD_DEFAULTS.maxBytes + 1, mime: 'application/pdf' },
    );
    expect(!big.ok && big.error.code).toBe('too_large');
    for (const name of ['page.html', 'a.jpg.html', 'logo.svg']) {
      const refused = await ask({ socket }, { name, size: 100, mime: 'image/jpeg' });
      expect(!refused.ok && refused.error.code, name).toBe('type_not_allowed');
    }

    // The other site: 2 KB per file, 3000 bytes per visitor in all.
    const { socket: small } = await server.visitor({ site: 'other' });
    const firstKey = newId();
    const first = await send(
      { socket: small },
      Buffer.concat([PNG, Buffer.alloc(2000 - PNG.length)]),
      'a.png',
      'image/png',
      firstKey,
    );
    expect(first.res.status).toBe(201);
    const over = await ask({ socket: small }, { name: 'b.png', size: 1500, mime: 'image/png' });
    expect(!over.ok && over.error.code).toBe('quota');
    // A full quota still answers a finished key with its file.
    const again = await ask({ socket: small }, { key: firstKey, name: 'a.png', size: 2000, mime: 'image/png' });
    expect(again.ok && 'attachment' in again && again.attachment.id).toBe(first.body.attachment!.id);

    const { socket: eager } = await visitor();
    const answers = await Promise.all(
      Array.from({ length: UPLOAD_DEFAULTS.grantBurst + 3 }, () =>
        ask({ socket: eager }, { name: 'x.png', size: 10, mime: 'image/png' }),
      ),
    );
    expect(answers.filter((a) => !a.ok && a.error.code === 'rate_limited').length).toBeGreaterThanOrEqual(3);
  });

  it('scopes operator grants to an open conversation of their own site', async () => {
    const { socket: olga } = await server.operator('olga');
    const { socket: v } = await visitor();
    await v.timeout(5000).emitWithAck('message:send', { clientId: newId(), text: 'hi' });
    const [row] = await server.harness.server.store.listConversations('shop', 1);
    const foreign = await ask(
      { socket: olga, conversationId: row!.id },
      { name: 'a.png', size: 10, mime: 'image/png' },
    );
    expect(!foreign.ok && foreign.error.code).toBe('not_found');
    const missing = await olga.timeout(5000).emitWithAck('upload:grant', {
      key: newId(),
      name: 'a.png',
      size: 10,
      mime: 'image/png',
    } as never);
    expect(!missing.ok && missing.error.code).toBe('invalid');
  });

  it('limits made-up tokens per address, not valid uploads', async () => {
    // Its own server: the limit is per address, and every test here comes from 127.0.0.1.
    const own = await startHarness();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 32; i++) {
        const res = await fetch(`${own.server.url}/api/uploads`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${newId()}${newId()}` },
          body: new Uint8Array(PNG),
        });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await own.cleanup();
    }
  });

  it('answers a key that finished with its attachment instead of a new grant', async () => {
    const { socket } = await visitor();
    const key = newId();
    const first = await send({ socket }, PNG, 'dot.png', 'image/png', key);
    expect(first.res.status).toBe(201);
    const again = await ask({ socket }, { key, name: 'dot.png', size: PNG.length, mime: 'image/png' });
    expect(again.ok && 'attachment' in again && again.attachment.id).toBe(first.body.attachment!.id);
  });
});

describe('the size cap', () => {
  it('cuts a 100 MB body off early, without buffering it', async () => {
    const { socket } = await visitor();
    const grant = grantOf(await ask({ socket }, { name: 'small.pdf', size: 1_000_000, mime: 'application/pdf' }));
    const total = 100 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent >= total) return this.push(null);
        sent += chunk.length;
        this.push(chunk);
      },
    });
    const memoryBefore = process.memoryUsage();
    const outcome = await new Promise<{ status?: number; error?: string }>((resolve) => {
      // Chunked, no Content-Length: the server has to count while it reads.
      const req = request(grant.url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${grant.token}`, 'Transfer-Encoding': 'chunked' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode });
      });
      req.on('error', (error) => resolve({ error: error.message }));
      body.pipe(req);
    });
    body.destroy();
    const memoryAfter = process.memoryUsage();
    // Refused with 413, or (if the client was still writing) the connection was cut.
    if (outcome.status !== undefined) expect(outcome.status).toBe(413);
    else expect(outcome.error).toMatch(/EPIPE|ECONNRESET|socket hang up|other side closed/i);
    // The server stopped reading near the 1 MB cap: what left the client is socket buffers at most.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    expect(
      memoryAfter.arrayBuffers + memoryAfter.heapUsed - memoryBefore.arrayBuffers - memoryBefore.heapUsed,
    ).toBeLessThan(32 * 1024 * 1024);
    // Nothing of it is kept: the grant is gone with it.
    expect((await upload(grant, PDF)).status).toBe(401);
  });

  it('refuses at once a body whose Content-Length is over the grant', async () => {
    const { socket } = await visitor();
    const grant = grantOf(await ask({ socket }, { name: 'a.pdf', size: 100, mime: 'application/pdf' }));
    const res = await upload(grant, Buffer.alloc(101, 0x25));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_large');
  });
});

describe('types from the bytes', () => {
  it.each([
    ['an HTML page named as text', HTML, 'notes.txt', 'text/plain'],
    ['an SVG with a script named as PNG', SVG, 'logo.png', 'image/png'],
    ['a JPEG with HTML appended (polyglot)', POLYGLOT, 'photo.jpg', 'image/jpeg'],
    ['HTML under a JPEG name', HTML, 'a.jpg', 'image/jpeg'],
  ])('refuses %s', async (_what, bytes, name, mime) => {
    const { socket } = await visitor();
    const { res, body } = await send({ socket }, bytes, name, mime);
    expect(res.status).toBe(415);
    expect(body.error?.code).toBe('type_not_allowed');
  });

  it('believes neither the Content-Type nor the name', async () => {
    const { socket } = await visitor();
    const grant = grantOf(await ask({ socket }, { name: 'cat.png', size: HTML.length, mime: 'image/png' }));
    const res = await upload(grant, HTML, { 'Content-Type': 'image/png' });
    expect(res.status).toBe(415);
    // A real PNG named .pdf is stored as what it is.
    const png = await send({ socket }, PNG, 'report.pdf', 'application/pdf');
    expect(png.body.attachment).toMatchObject({
      mime: 'image/png',
      kind: 'image',
      width: 1,
      height: 1,
      name: 'report.pdf',
    });
    // ...and saved under an extension that fits it.
    const served = await fetch(png.body.attachment!.url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('content-disposition')).toMatch(/^inline; filename="report\.pdf\.png"/);
  });

  it('takes office documents and voice recordings by their bytes', async () => {
    const { socket } = await visitor();
    const doc = (await send({ socket }, DOCX, 'offer.docx', '')).body.attachment!;
    expect(doc).toMatchObject({
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      kind: 'file',
    });
    const grant = grantOf(
      await ask(
        { socket },
        { name: 'voice.webm', size: WEBM.length, mime: 'audio/webm;codecs=opus', durationMs: 999_999 },
      ),
    );
    const voice = ((await (await upload(grant, WEBM)).json()) as { attachment: Attachment }).attachment;
    // The reported length is clamped to the site's limit.
    expect(voice).toMatchObject({ kind: 'voice', mime: 'audio/webm', durationMs: UPLOAD_DEFAULTS.voiceMaxMs });
  });

  it('keeps the original name only as display text, cut to size', async () => {
    const { socket } = await visitor();
    const long = `${'ä'.repeat(300)}\u202e\u0000.txt`;
    const { body } = await send({ socket }, TEXT, long, 'text/plain');
    expect(body.attachment!.mime).toBe('text/plain');
    expect(body.attachment!.name.length).toBeLessThanOrEqual(200);
    expect(body.attachment!.name).toMatch(/…\.txt$/);
    expect(body.attachment!.name).not.toContain('\u0000');
    expect(body.attachment!.name).not.toContain('\u202e');
  });
});

describe('downloads', () => {
  it('serves images inline and everything else as an attachment, with safe headers', async () => {
    const { socket } = await visitor();
    const image = (await send({ socket }, JPEG, 'photo.jpg', 'image/jpeg')).body.attachment!;
    expect(image).toMatchObject({ kind: 'image', mime: 'image/jpeg', width: 3, height: 2 });
    expect(image.url.startsWith(`${url()}/api/files/`)).toBe(true);
    expect(image.urlExpiresAt).toBeGreaterThan(Date.now());
    const res = await fetch(image.url, { headers: { Origin: 'https://shop.example' } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(JPEG)).toBe(true);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="photo\.jpg"/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toMatch(/^private/);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');

    const pdf = (await send({ socket }, PDF, 'terms.pdf', 'application/pdf')).body.attachment!;
    const served = await fetch(pdf.url);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; /);
    const partial = await fetch(pdf.url, { headers: { Range: 'bytes=0-3' } });
    expect(partial.status).toBe(206);
    expect(await partial.text()).toBe('%PDF');
  });

  it('answers the preflight for sites’ origins only, and HEAD without a body', async () => {
    const preflight = (origin: string) =>
      fetch(`${url()}/api/uploads`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
    const allowed = await preflight('https://shop.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();

    const { socket } = await visitor();
    const file = (await send({ socket }, PDF, 'a.pdf', 'application/pdf')).body.attachment!;
    const head = await fetch(file.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(PDF.length));
    // The upload's own answer names only the grant's site's origins.
    const grant = grantOf(await ask({ socket }, { name: 'b.pdf', size: PDF.length, mime: 'application/pdf' }));
    const stranger = await upload(grant, PDF, { Origin: 'https://other.example' });
    expect(stranger.status).toBe(201);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a URL whose signature or expiry was changed', async () => {
    const { socket } = await visitor();
    const { attachment } = (await send({ socket }, PNG, 'dot.png', 'image/png')).body;
    const signed = new URL(attachment!.url);
    const forged = new URL(signed);
    forged.searchParams.set('e', String(Number(signed.searchParams.get('e')) + 600_000));
    expect((await fetch(forged)).status).toBe(403);
    const unsigned = new URL(signed.pathname, signed.origin);
    expect((await fetch(unsigned)).status).toBe(403);
    const otherFile = new URL(signed);
    otherFile.pathname = `/api/files/${newId()}`;
    expect((await fetch(otherFile)).status).toBe(403);
  });
});

describe('attachments on messages', () => {
  it('goes from visitor to operator once, even when the ack was lost and the message resent', async () => {
    const { socket: op } = await server.operator('max');
    const { socket, visitorId } = await visitor();
    const image = (await send({ socket }, PNG, 'dot.png', 'image/png')).body.attachment!;
    const doc = (await send({ socket }, PDF, 'terms.pdf', 'application/pdf')).body.attachment!;
    const payload = { clientId: newId(), text: '', attachments: [image.id, doc.id] };
    const arrived = nextEvent<ChatMessage>(op, 'message:new');
    const first = await socket.timeout(5000).emitWithAck('message:send', payload);
    // The ack was "lost": the widget sends the same message again.
    const second = await socket.timeout(5000).emitWithAck('message:send', payload);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.message.id).toBe(first.message.id);
    expect(first.message.text).toBe('');
    expect(first.message.attachments?.map((a: Attachment) => a.id)).toEqual([image.id, doc.id]);
    const seen = await arrived;
    expect(seen.attachments?.[0]).toMatchObject({ id: image.id, kind: 'image', mime: 'image/png' });
    expect((await fetch(seen.attachments![1]!.url)).status).toBe(200);
    const exported = await server.harness.server.store.exportVisitor('shop', visitorId);
    expect(exported!.attachments.filter((a) => a.messageId === first.message.id)).toHaveLength(2);
    expect(exported!.conversations.flatMap((c) => c.messages)).toHaveLength(1);

    // An upload goes out once: another message cannot take it again.
    const reuse = await socket
      .timeout(5000)
      .emitWithAck('message:send', { clientId: newId(), text: 'again', attachments: [image.id] });
    expect(!reuse.ok && reuse.error.code).toBe('invalid');

    // History carries them, with fresh links.
    const back = await server.visitor({ visitorId });
    const history = back.session.messages.find((m) => m.id === first.message.id);
    expect(history?.attachments?.map((a) => a.name)).toEqual(['dot.png', 'terms.pdf']);

    // The transcript lists them as links (signed, working), in text and in HTML.
    const text = await socket
      .timeout(5000)
      .emitWithAck('transcript:get', { conversationId: first.message.conversationId, format: 'text' });
    if (!text.ok) throw new Error(text.error.message);
    const links = [...text.transcript.body.matchAll(/^\[file\] (.+): (https?:\/\/\S+)$/gm)].map((m) => [m[1], m[2]]);
    expect(links.map(([name]) => name)).toEqual(['dot.png', 'terms.pdf']);
    expect((await fetch(links[1]![1]!)).status).toBe(200);
    const html = await op
      .timeout(5000)
      .emitWithAck('transcript:get', { conversationId: first.message.conversationId, format: 'html' });
    if (!html.ok) throw new Error(html.error.message);
    expect(html.transcript.body).toMatch(/<a href="https?:\/\/[^"]+" rel="noreferrer">terms\.pdf<\/a>/);
  });

  it('keeps one visitor from another visitor’s files', async () => {
    const { socket: alice } = await visitor();
    const { socket: bob } = await visitor();
    const file = (await send({ socket: alice }, PDF, 'private.pdf', 'application/pdf')).body.attachment!;
    const renewed = await bob.timeout(5000).emitWithAck('attachment:url', { attachmentId: file.id });
    expect(!renewed.ok && renewed.error.code).toBe('not_found');
    const taken = await bob
      .timeout(5000)
      .emitWithAck('message:send', { clientId: newId(), text: 'mine', attachments: [file.id] });
    expect(!taken.ok && taken.error.code).toBe('invalid');
    const own = await alice.timeout(5000).emitWithAck('attachment:url', { attachmentId: file.id });
    expect(own.ok && own.url.startsWith(`${url()}/api/files/${file.id}?`)).toBe(true);
  });

  it('lets operators of another site neither renew a link nor send the file', async () => {
    const { socket } = await visitor();
    const file = (await send({ socket }, PDF, 'shop-only.pdf', 'application/pdf')).body.attachment!;
    const { socket: olga } = await server.operator('olga');
    const renewed = await olga.timeout(5000).emitWithAck('attachment:url', { attachmentId: file.id });
    expect(!renewed.ok && renewed.error.code).toBe('not_found');
  });

  it('deletes the files of a message its operator deletes', async () => {
    const { socket: v } = await visitor();
    const started = await v.timeout(5000).emitWithAck('message:send', { clientId: newId(), text: 'hello' });
    if (!started.ok) throw new Error('not sent');
    const { socket: op } = await server.operator('anna');
    const who = { socket: op, conversationId: started.message.conversationId };
    const wrong = (await send(who, PDF, 'wrong.pdf', 'application/pdf')).body.attachment!;
    const sent = await op.timeout(5000).emitWithAck('message:send', {
      conversationId: started.message.conversationId,
      clientId: newId(),
      text: '',
      attachments: [wrong.id],
    });
    if (!sent.ok) throw new Error('not sent');
    const deleted = await op.timeout(5000).emitWithAck('message:delete', { messageId: sent.message.id });
    expect(deleted.ok && deleted.message.attachments).toBeUndefined();
    expect((await fetch(wrong.url)).status).toBe(404);
    expect(await server.harness.server.store.getAttachment(wrong.id)).toBeUndefined();
  });

  it('goes from operator to visitor, and both may renew its link', async () => {
    const { socket: v, visitorId } = await visitor();
    const started = await v.timeout(5000).emitWithAck('message:send', { clientId: newId(), text: 'send me the form' });
    if (!started.ok) throw new Error('not sent');
    const { socket: op } = await server.operator('anna');
    const who = { socket: op, conversationId: started.message.conversationId };
    const form = (await send(who, PDF, 'form.pdf', 'application/pdf')).body.attachment!;
    const arrived = nextEvent<ChatMessage>(v, 'message:new');
    const sent = await op.timeout(5000).emitWithAck('message:send', {
      conversationId: started.message.conversationId,
      clientId: newId(),
      text: 'Here it is',
      attachments: [form.id],
    });
    expect(sent.ok).toBe(true);
    const message = await arrived;
    expect(message.attachments?.[0]).toMatchObject({ id: form.id, name: 'form.pdf', kind: 'file' });
    const renewed = await v.timeout(5000).emitWithAck('attachment:url', { attachmentId: form.id });
    expect(renewed.ok).toBe(true);
    if (renewed.ok) expect((await fetch(renewed.url)).status).toBe(200);
    // The operator's file is the visitor's data too.
    const exported = await server.harness.server.store.exportVisitor('shop', visitorId);
    expect(exported!.attachments.map((a) => a.id)).toContain(form.id);
  });
});

describe('files in data care', () => {
  const owner = (path: string, visitorId: string) =>
    fetch(`${url()}/api/sites/shop/visitors/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${API_TOKEN}` },
      body: JSON.stringify({ visitorId }),
    });

  it('exports a visitor’s files as links and erases them with the visitor', async () => {
    const { socket, visitorId } = await visitor();
    const file = (await send({ socket }, PDF, 'cv.pdf', 'application/pdf')).body.attachment!;
    await socket
      .timeout(5000)
      .emitWithAck('message:send', { clientId: newId(), text: 'my CV', attachments: [file.id] });
    const exported = (await (await owner('export', visitorId)).json()) as {
      attachments: { id: string; name: string; url?: string; storageKey?: string }[];
    };
    const listed = exported.attachments.find((a) => a.id === file.id);
    expect(listed?.name).toBe('cv.pdf');
    expect(listed).not.toHaveProperty('storageKey');
    expect((await fetch(listed!.url!)).status).toBe(200);
    socket.disconnect();

    expect((await owner('erase', visitorId)).status).toBe(200);
    expect((await fetch(file.url)).status).toBe(404);
    expect(await server.harness.server.store.getAttachment(file.id)).toBeUndefined();
  });

  it('removes unsent uploads after a day, and sent files past the retention period', async () => {
    const { socket } = await visitor();
    const unsent = (await send({ socket }, PNG, 'draft.png', 'image/png')).body.attachment!;
    const sentFile = (await send({ socket }, PDF, 'kept.pdf', 'application/pdf')).body.attachment!;
    const sent = await socket
      .timeout(5000)
      .emitWithAck('message:send', { clientId: newId(), text: 'file', attachments: [sentFile.id] });
    if (!sent.ok) throw new Error('not sent');

    await server.harness.server.uploads.sweep(Date.now() + UPLOAD_DEFAULTS.unattachedTtlMs + 60_000);
    expect((await fetch(unsent.url)).status).toBe(404);
    expect((await fetch(sentFile.url)).status).toBe(200);

    await server.harness.server.uploads.sweep(Date.now() + 2 * 86_400_000, 1);
    expect((await fetch(sentFile.url)).status).toBe(404);
    const row = await server.harness.server.store.getMessage(sent.message.id);
    expect(row?.attachments).toBeNull();
  });
});

describe('upload metrics', () => {
  /** The `/metrics` figures, by series, read as Prometheus serves them. */
  async function metrics(): Promise<(series: string) => number> {
    const text = await (await fetch(`${url()}/metrics`)).text();
    return (series) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line ? Number(line.slice(series.length + 1)) : 0;
    };
  }

  it('counts accepted uploads and their bytes, refusals by stage and reason, and the bytes stored', async () => {
    const before = await metrics();
    const { socket } = await visitor();
    const accepted = await send({ socket }, PNG, 'dot.png', 'image/png');
    expect(accepted.res.status).toBe(201);
    const large = await ask(
      { socket },
      { name: 'huge.pdf', size: UPLOAD_DEFAULTS.maxBytes + 1, mime: 'application/pdf' },
    );
    expect(!large.ok && large.error.code).toBe('too_large');
    const disguised = await send({ socket }, HTML, 'page.png', 'image/png');
    expect(disguised.res.status).toBe(415);
    const stale = await fetch(`${url()}/api/uploads`, { method: 'POST', body: new Uint8Array(PNG) });
    expect(stale.status).toBe(401);

    const now = await metrics();
    const delta = (series: string) => now(series) - before(series);
    expect(delta('confab_uploads_accepted_total{kind="image"}')).toBe(1);
    expect(delta('confab_upload_bytes_total')).toBe(PNG.length);
    expect(delta('confab_uploads_refused_total{stage="grant",reason="too_large"}')).toBe(1);
    expect(delta('confab_uploads_refused_total{stage="upload",reason="type_not_allowed"}')).toBe(1);
    expect(delta('confab_uploads_refused_total{stage="upload",reason="grant_invalid"}')).toBe(1);
    // The refused bodies never reached the file store; the accepted one did.
    expect(delta('confab_upload_stored_bytes')).toBe(PNG.length);
    expect(now('confab_upload_stored_bytes')).toBeGreaterThanOrEqual(PNG.length);
  });
});
