/** The upload grant's payload as the server reads it (the widget checks sizes and types with the site's settings). */
import * as v from 'valibot';
import { LIMITS, isId } from '../../src/protocol';

const id = (name: string) => v.custom<string>(isId, `${name} is not a valid id`);

export const grantPayload = v.object({
  key: id('key'),
  name: v.pipe(v.string('name must be text'), v.maxLength(1000, 'name is too long')),
  size: v.pipe(
    v.number('size must be a number of bytes'),
    v.integer('size must be whole'),
    v.minValue(1, 'the file is empty'),
  ),
  mime: v.pipe(v.string('mime must be text'), v.maxLength(200, 'mime is too long')),
  durationMs: v.optional(
    v.pipe(v.number('durationMs must be a number'), v.minValue(0, 'durationMs must not be negative')),
  ),
});

export const operatorGrantPayload = v.object({ ...grantPayload.entries, conversationId: id('conversationId') });

export const attachmentRef = v.object({ attachmentId: id('attachmentId') });

/** The display name: control characters out, trimmed, cut to LIMITS.attachmentName keeping the extension. */
export function displayName(raw: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const clean = raw.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  if (!clean) return 'file';
  if (clean.length <= LIMITS.attachmentName) return clean;
  const dot = clean.lastIndexOf('.');
  const extension = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
  return `${clean.slice(0, LIMITS.attachmentName - extension.length - 1)}…${extension}`;
}
