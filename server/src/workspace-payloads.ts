/** Payload schemas of the operator workspace and the transcript events (valibot; see payloads.ts). */
import * as v from 'valibot';
import { isId } from '../../src/protocol';

const id = (name: string) => v.custom<string>(isId, `${name} is not a valid id`);
const time = (name: string) =>
  v.optional(v.pipe(v.number(`${name} must be epoch milliseconds`), v.integer(), v.minValue(0)));

export const searchQuery = v.object({
  text: v.optional(v.pipe(v.string('text must be text'), v.maxLength(200, 'text must be at most 200 characters'))),
  status: v.optional(v.picklist(['open', 'closed', 'spam'], 'status must be open, closed or spam')),
  operatorId: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'operatorId is not an operator id'))),
  from: time('from'),
  to: time('to'),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(100, 'cursor is not a cursor from this search'))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100, 'limit must be 1–100'))),
});

export const historyRequest = v.object({ visitorId: id('visitorId') });

export const transcriptRequest = v.object({
  conversationId: id('conversationId'),
  format: v.optional(v.picklist(['text', 'html'], 'format must be text or html'), 'text'),
});

export const transcriptEmail = v.object({
  conversationId: id('conversationId'),
  email: v.optional(v.unknown()),
});
