// @vitest-environment node
/**
 * The pieces uploads rest on, alone: the type decided by the bytes (real `file-type`),
 * image sizes, the signed URLs, display names and the sites' upload settings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS, UPLOAD_DEFAULTS } from '../../../src/protocol';
import { diskFileStore } from '../../../server/src/files/file-store';
import { imageSize } from '../../../server/src/files/image-size';
import { byteScanner, sniff, type UploadHints } from '../../../server/src/files/sniff';
import { createUrlSigner, loadSigningKey } from '../../../server/src/files/url-signer';
import { parseSites, publicSiteInfo } from '../../../server/src/sites';
import { displayName } from '../../../server/src/upload-payloads';
import { downloadName } from '../../../server/src/uploads';
import { jpeg, png, webm } from '../../support/sample-files';

const PNG = png(1, 1);
const JPEG = jpeg(640, 480);
const WEBM = webm();

const folder = mkdtempSync(join(tmpdir(), 'confab-uploads-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let files = 0;
/** Runs the bytes through the scanner (in small chunks, so patterns straddle them) and sniffs the file. */
async function sniffBytes(bytes: Buffer, hints: Partial<UploadHints> = {}) {
  const path = join(folder, `f${files++}`);
  writeFileSync(path, bytes);
  const scanner = byteScanner();
  const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
  await pipeline(Readable.from(chunks), scanner, new Writable({ write: (_c, _e, done) => done() }));
  return sniff(path, scanner.result, { name: 'file', declaredMime: '', voice: false, ...hints });
}

describe('sniffing', () => {
  it('names images by their bytes, with their size', async () => {
    expect(await sniffBytes(PNG, { name: 'x.pdf', declaredMime: 'application/pdf' })).toEqual({
      mime: 'image/png',
      kind: 'image',
      width: 1,
      height: 1,
    });
    expect(await sniffBytes(JPEG)).toEqual({ mime: 'image/jpeg', kind: 'image', width: 640, height: 480 });
  });

  it('takes plain UTF-8 text, and refuses text with page markup or control bytes', async () => {
    expect(await sniffBytes(Buffer.from('Größe: M, Farbe: blau\r\nif a < b then c\n'))).toEqual({
      mime: 'text/plain',
      kind: 'file',
    });
    for (const page of [
      '<!DOCTYPE html><p>hi',
      'Hello\n<script>alert(1)</script>',
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      '<?xml version="1.0"?><x/>',
      'looks fine <IFRAME src=//evil>',
    ]) {
      expect(await sniffBytes(Buffer.from(page)), page).toBeUndefined();
    }
    expect(await sniffBytes(Buffer.from('binary\u0000junk'))).toBeUndefined();
    expect(await sniffBytes(Buffer.from([0x61, 0xc3, 0x28, 0x62]))).toBeUndefined();
  });

  it('refuses an image that carries a page (a polyglot), wherever in the file', async () => {
    const tail = Buffer.from('<html><body><script>alert(1)</script>');
    expect(await sniffBytes(Buffer.concat([JPEG, tail]))).toBeUndefined();
    expect(await sniffBytes(Buffer.concat([PNG, Buffer.alloc(100_000), tail]))).toBeUndefined();
  });

  it('takes a WebM as the audio a recorder says it made, and video otherwise', async () => {
    expect(await sniffBytes(WEBM, { declaredMime: 'audio/webm;codecs=opus', voice: true })).toEqual({
      mime: 'audio/webm',
      kind: 'voice',
    });
    expect((await sniffBytes(WEBM, { declaredMime: 'video/webm' }))?.mime).toBe('video/webm');
  });

  it('tells legacy Office files apart by their extension only within the compound-file container', async () => {
    const cfb = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    expect((await sniffBytes(cfb, { name: 'budget.xls' }))?.mime).toBe('application/vnd.ms-excel');
    expect((await sniffBytes(cfb, { name: 'letter.doc' }))?.mime).toBe('application/msword');
    // A PDF named .doc stays a PDF.
    expect((await sniffBytes(Buffer.from('%PDF-1.7\n%%EOF\n'), { name: 'letter.doc' }))?.mime).toBe('application/pdf');
  });

  it('reads the size of GIF and WebP headers, and gives up quietly on a broken JPEG', () => {
    const gif = Buffer.from('R0lGODlhAwACAIAAAP///wAAACwAAAAAAwACAAACAoRRADs=', 'base64');
    expect(imageSize('image/gif', gif)).toEqual({ width: 3, height: 2 });
    const vp8x = Buffer.alloc(30);
    vp8x.write('RIFF', 0, 'latin1');
    vp8x.write('WEBPVP8X', 8, 'latin1');
    vp8x.writeUIntLE(99, 24, 3);
    vp8x.writeUIntLE(49, 27, 3);
    expect(imageSize('image/webp', vp8x)).toEqual({ width: 100, height: 50 });
    expect(imageSize('image/jpeg', JPEG.subarray(0, 12))).toBeUndefined();
  });
});

describe('signed download URLs', () => {
  it('holds until its expiry, for that file only, and only with the key that made it', () => {
    let now = 1_000_000;
    const key = loadSigningKey(join(folder, 'keys', 'url.key'));
    expect(loadSigningKey(join(folder, 'keys', 'url.key')).equals(key)).toBe(true);
    const signer = createUrlSigner(key, 'https://chat.example', () => now);
    const { url, expiresAt } = signer.url('AAAAAAAAAAAAAAAAAAAAAA', 3_600_000);
    expect(expiresAt).toBeGreaterThanOrEqual(now + 3_600_000);
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('https://chat.example/api/files/AAAAAAAAAAAAAAAAAAAAAA');
    const e = parsed.searchParams.get('e')!;
    const s = parsed.searchParams.get('s')!;
    expect(signer.verify('AAAAAAAAAAAAAAAAAAAAAA', e, s)).toBe(true);
    expect(signer.verify('BBBBBBBBBBBBBBBBBBBBBB', e, s)).toBe(false);
    expect(signer.verify('AAAAAAAAAAAAAAAAAAAAAA', String(Number(e) + 1), s)).toBe(false);
    const stranger = createUrlSigner(Buffer.alloc(32, 1), 'https://chat.example', () => now);
    expect(stranger.verify('AAAAAAAAAAAAAAAAAAAAAA', e, s)).toBe(false);
    now = expiresAt;
    expect(signer.verify('AAAAAAAAAAAAAAAAAAAAAA', e, s)).toBe(false);
  });
});

describe('display names and storage keys', () => {
  it('keeps a name as text: controls and direction overrides out, long names cut keeping the extension', () => {
    expect(displayName('  report\u202egpj.exe  ')).toBe('reportgpj.exe');
    expect(displayName('\u0000\u0001')).toBe('file');
    const cut = displayName(`${'a'.repeat(500)}.pdf`);
    expect(cut).toHaveLength(LIMITS.attachmentName);
    expect(cut.endsWith('….pdf')).toBe(true);
  });

  it('saves a download under an extension that fits its sniffed type', () => {
    expect(downloadName('invoice.exe', 'application/pdf')).toBe('invoice.exe.pdf');
    expect(downloadName('run.bat', 'text/plain')).toBe('run.bat.txt');
    expect(downloadName('Photo.JPEG', 'image/jpeg')).toBe('Photo.JPEG');
    expect(downloadName('notes', 'text/plain')).toBe('notes.txt');
    expect(downloadName('voice.webm', 'audio/webm')).toBe('voice.webm');
  });

  it('stores files under server-chosen keys only', async () => {
    const store = diskFileStore(join(folder, 'store'));
    await expect(store.put('../../etc/passwd', Readable.from([Buffer.from('x')]), 1)).rejects.toThrow();
    await store.put('Abcdefghijklmnop1234', Readable.from([Buffer.from('hello')]), 5);
    const got = await store.get('Abcdefghijklmnop1234', { start: 1, end: 3 });
    const chunks: Buffer[] = [];
    for await (const chunk of got!.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('ell');
    expect(got!.size).toBe(5);
    await store.delete('Abcdefghijklmnop1234');
    expect(await store.get('Abcdefghijklmnop1234')).toBeUndefined();
  });
});

describe('sites: uploads', () => {
  const site = (uploads: unknown) => ({
    sites: [{ id: 's', name: 'S', allowedOrigins: [], operators: [], ...(uploads === undefined ? {} : { uploads }) }],
  });

  it('are on with the defaults, off with false, and the site’s own list otherwise', () => {
    const [defaults] = parseSites(site(undefined));
    expect(publicSiteInfo(defaults!).uploads).toEqual({
      maxBytes: UPLOAD_DEFAULTS.maxBytes,
      types: [...UPLOAD_DEFAULTS.types],
      voiceMaxMs: UPLOAD_DEFAULTS.voiceMaxMs,
    });
    expect(publicSiteInfo(parseSites(site(false))[0]!).uploads).toBeNull();
    const [own] = parseSites(site({ maxBytes: 1000, types: ['Image/PNG'], visitorQuotaBytes: 5000 }));
    expect(own!.uploads).toEqual({ maxBytes: 1000, types: ['image/png'], voiceMaxMs: UPLOAD_DEFAULTS.voiceMaxMs });
    expect(own!.uploadQuotaBytes).toBe(5000);
  });

  it('never accept a type a browser runs as a page', () => {
    expect(() => parseSites(site({ types: ['text/html'] }))).toThrow(/never accepted/);
    expect(() => parseSites(site({ types: ['image/svg+xml'] }))).toThrow(/never accepted/);
    expect(() => parseSites(site({ maxBytes: -1 }))).toThrow(/uploads\.maxBytes/);
  });
});
