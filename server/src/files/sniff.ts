/**
 * What a file is, decided by its bytes: the name and the Content-Type the uploader sent
 * are not believed. `file-type` reads the magic numbers (and, for office formats, the
 * zip or compound-file structure); what it does not know is plain text only if it is
 * valid UTF-8 without control bytes. Markup anywhere in an image or a text file
 * (an HTML page, an SVG with a script, a JPEG with HTML appended: a polyglot) refuses it,
 * so nothing stored can turn into a page even where a browser ignores the headers.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import type { AttachmentKind } from '../../../src/protocol';
import { imageSize } from './image-size';

/** Raster formats every browser shows; the only ones ever served inline. */
export const INLINE_IMAGES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Types a browser may run as a page or script: never stored, whatever a site's list says. */
export const NEVER_ALLOWED: ReadonlySet<string> = new Set([
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'text/xml',
  'application/xml',
  'text/javascript',
  'application/javascript',
]);

/** Bytes kept from the start of an upload, for dimensions. */
const HEAD_BYTES = 64 * 1024;
/** The longest pattern below, so a match split between two chunks is still found. */
const OVERLAP = 16;

/**
 * Tags that make a page, followed by what ends a tag name: long enough that random
 * compressed image data does not contain them by chance (one in tens of thousands of
 * 10 MB photos, by the arithmetic of the pattern's length).
 */
const PAGE_MARKUP = /<(?:script|html|body|head|iframe|svg|object|embed|!doctype)[\s/>]/i;
/**
 * In text, the tags by which browsers recognise a page (the WHATWG sniffing list) and
 * XML or SVG: a text file that holds them is refused rather than stored.
 */
const TEXT_MARKUP =
  /<(?:!doctype|html|head|body|script|iframe|svg|style|title|table|div|font|br|h1|img|object|embed|form|meta|link|base|a|p|b)[\s/>]|<!--|<\?xml/i;
/** C0 controls other than tab, line feed, form feed, carriage return and escape. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control bytes is the point
const CONTROL_BYTES = /[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]/;

export interface ByteScan {
  /** The first bytes of the file. */
  head: Buffer;
  pageMarkup: boolean;
  textMarkup: boolean;
  /** Valid UTF-8 without control bytes, so far. */
  text: boolean;
}

/** A pass-through stream that scans every byte on its way to the store. */
export function byteScanner(): Transform & { result: ByteScan } {
  const heads: Buffer[] = [];
  let headLength = 0;
  let tail = '';
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const result: ByteScan = { head: Buffer.alloc(0), pageMarkup: false, textMarkup: false, text: true };
  const scanner = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (headLength < HEAD_BYTES) {
        heads.push(chunk.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
      }
      // latin1 maps each byte to one character: the patterns are ASCII, so this finds them in any encoding that keeps ASCII.
      const window = tail + chunk.toString('latin1');
      if (!result.pageMarkup && PAGE_MARKUP.test(window)) result.pageMarkup = true;
      if (result.text) {
        if (!result.textMarkup && TEXT_MARKUP.test(window)) result.textMarkup = true;
        if (CONTROL_BYTES.test(window)) result.text = false;
        else {
          try {
            decoder.decode(chunk, { stream: true });
          } catch {
            result.text = false;
          }
        }
      }
      tail = window.slice(-OVERLAP);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      result.head = Buffer.concat(heads);
      if (result.text) {
        try {
          decoder.decode();
        } catch {
          result.text = false;
        }
      }
      done();
    },
  });
  return Object.assign(scanner, { result });
}

export interface Sniffed {
  mime: string;
  kind: AttachmentKind;
  width?: number;
  height?: number;
}

export interface UploadHints {
  /** The original file name: only its extension, and only to tell legacy Office formats apart. */
  name: string;
  /** What the uploader said it is: only to tell audio from video in the same container. */
  declaredMime: string;
  /** A recorded voice message. */
  voice: boolean;
}

/** Legacy Office files are all one compound-file container; the extension names which. */
const COMPOUND_FILE_TYPES: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};

/** MediaRecorder's containers hold audio or video alike; the recorder says which it made. */
const AUDIO_CONTAINERS: Record<string, string> = {
  'video/webm': 'audio/webm',
  'video/mp4': 'audio/mp4',
  'video/ogg': 'audio/ogg',
  'audio/x-m4a': 'audio/mp4',
  'audio/opus': 'audio/ogg',
};

/** The file's type from its bytes (on disk at `path`), or undefined when it is not one Confab can serve safely. */
export async function sniff(path: string, scan: ByteScan, hints: UploadHints): Promise<Sniffed | undefined> {
  const found = await fileTypeFromFile(path);
  if (!found) {
    if (!scan.text || scan.textMarkup || scan.pageMarkup) return undefined;
    return { mime: 'text/plain', kind: 'file' };
  }
  let mime = found.mime.split(';')[0]!.trim().toLowerCase();
  if (NEVER_ALLOWED.has(mime)) return undefined;
  if (mime === 'application/x-cfb') {
    mime = COMPOUND_FILE_TYPES[hints.name.split('.').pop()?.toLowerCase() ?? ''] ?? mime;
  }
  const audio = hints.voice || hints.declaredMime.toLowerCase().startsWith('audio/');
  if (AUDIO_CONTAINERS[mime] && (audio || mime.startsWith('audio/'))) mime = AUDIO_CONTAINERS[mime]!;
  if (INLINE_IMAGES.has(mime)) {
    if (scan.pageMarkup) return undefined;
    return { mime, kind: 'image', ...imageSize(mime, scan.head) };
  }
  return { mime, kind: mime.startsWith('audio/') ? 'voice' : 'file' };
}
