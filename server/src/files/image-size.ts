/**
 * Width and height of the four raster formats shown inline, read from the first bytes
 * of the file (the header, or for JPEG the first frame marker). Undefined when the bytes
 * do not say: the size is a layout hint, never a reason to refuse a file.
 */
export interface Dimensions {
  width: number;
  height: number;
}

const sane = (width: number, height: number): Dimensions | undefined =>
  width > 0 && height > 0 && width <= 65_535 && height <= 65_535 ? { width, height } : undefined;

export function imageSize(mime: string, head: Buffer): Dimensions | undefined {
  try {
    switch (mime) {
      case 'image/png':
        // Signature (8), IHDR length and type (8), then width and height.
        return head.length >= 24 ? sane(head.readUInt32BE(16), head.readUInt32BE(20)) : undefined;
      case 'image/gif':
        return head.length >= 10 ? sane(head.readUInt16LE(6), head.readUInt16LE(8)) : undefined;
      case 'image/webp':
        return webpSize(head);
      case 'image/jpeg':
        return jpegSize(head);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function webpSize(head: Buffer): Dimensions | undefined {
  const chunk = head.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return sane(head.readUIntLE(24, 3) + 1, head.readUIntLE(27, 3) + 1);
  if (chunk === 'VP8L') {
    const bits = head.readUInt32LE(21);
    return sane((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8 ') return sane(head.readUInt16LE(26) & 0x3fff, head.readUInt16LE(28) & 0x3fff);
  return undefined;
}

/** Walks the JPEG segments up to the first start-of-frame marker. */
function jpegSize(head: Buffer): Dimensions | undefined {
  let at = 2;
  while (at + 9 < head.length) {
    if (head[at] !== 0xff) return undefined;
    const marker = head[at + 1]!;
    // Fill bytes and markers without a length.
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = head.readUInt16BE(at + 2);
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return sane(head.readUInt16BE(at + 7), head.readUInt16BE(at + 5));
    }
    at += 2 + length;
  }
  return undefined;
}
