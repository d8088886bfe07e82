/**
 * The shapes of socket payloads that only the server reads, as valibot schemas: one
 * declaration gives the check, the cleaned type and the message the client is told.
 * (Payloads the widget also checks before sending keep their shared checks in
 * src/protocol/validate.ts, which the browser bundle uses without a schema library.)
 */
import * as v from 'valibot';
import { CANNED_LIMITS } from './canned';
import { HISTORY_LIMITS } from './history';
import { LEAD_STATUSES, OPERATOR_STATUSES, isId, type Checked, type ErrorCode } from '../../src/protocol';

const RATING_COMMENT_MAX = 1000;

const id = (name: string) => v.custom<string>(isId, `${name} is not a valid id`);

export const ratingPayload = v.object({
  score: v.pipe(
    v.number('score must be a whole number from 1 to 5'),
    v.integer('score must be a whole number from 1 to 5'),
    v.minValue(1, 'score must be a whole number from 1 to 5'),
    v.maxValue(5, 'score must be a whole number from 1 to 5'),
  ),
  comment: v.optional(
    v.pipe(
      v.string(`comment must be text of at most ${RATING_COMMENT_MAX} characters`),
      v.maxLength(RATING_COMMENT_MAX, `comment must be text of at most ${RATING_COMMENT_MAX} characters`),
    ),
  ),
  final: v.optional(v.unknown()),
});

export const readMark = v.object({
  conversationId: id('conversationId'),
  seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

const PAGE_LIMIT = `limit must be a whole number from 1 to ${HISTORY_LIMITS.pageMax}`;
/** `history:page`: the messages before the client's oldest, at most HISTORY_LIMITS.pageMax. */
export const historyPageRequest = v.object({
  conversationId: id('conversationId'),
  beforeSeq: v.pipe(
    v.number('beforeSeq must be a sequence number'),
    v.integer(),
    v.minValue(1),
    v.maxValue(2 ** 31 - 1),
  ),
  limit: v.optional(
    v.pipe(
      v.number(PAGE_LIMIT),
      v.integer(PAGE_LIMIT),
      v.minValue(1, PAGE_LIMIT),
      v.maxValue(HISTORY_LIMITS.pageMax, PAGE_LIMIT),
    ),
    HISTORY_LIMITS.page,
  ),
});

export const visitorRef = v.object({ visitorId: id('visitorId') });
export const messageRef = v.object({ messageId: id('messageId') });
export const messageEdit = v.object({ messageId: id('messageId'), text: v.unknown() });
export const closeRequest = v.object({ spam: v.optional(v.unknown()) });

export const statusChange = v.object({
  status: v.picklist(OPERATOR_STATUSES, `status must be one of ${OPERATOR_STATUSES.join(', ')}`),
});

/** The Spam filter's page size: quarantined requests come newest first, at most this many. */
export const spamList = v.object({
  limit: v.optional(
    v.pipe(v.number('limit must be a whole number from 1 to 500'), v.integer(), v.minValue(1), v.maxValue(500)),
    200,
  ),
});

export const leadRef = v.object({ leadId: id('leadId') });

const TRANSFER_COMMENT_MAX = 1000;
const name = (what: string) =>
  v.pipe(v.string(`${what} must be text`), v.trim(), v.minLength(1, `${what} is empty`), v.maxLength(100));

/** A hand-over: to one colleague or to a group, never both; the comment may be empty. */
export const transferRequest = v.pipe(
  v.object({
    conversationId: id('conversationId'),
    toOperatorId: v.optional(name('toOperatorId')),
    toGroupId: v.optional(name('toGroupId')),
    comment: v.optional(
      v.pipe(
        v.string('comment must be text'),
        v.trim(),
        v.maxLength(TRANSFER_COMMENT_MAX, `comment is longer than ${TRANSFER_COMMENT_MAX} characters`),
      ),
      '',
    ),
  }),
  v.check(
    (t) => (t.toOperatorId === undefined) !== (t.toGroupId === undefined),
    'name either toOperatorId or toGroupId',
  ),
);

const cannedText = (what: string, max: number) =>
  v.pipe(
    v.string(`${what} must be text`),
    v.trim(),
    v.minLength(1, 'give the reply a title and a text'),
    v.maxLength(max, `${what} is longer than ${max} characters`),
  );

/** One canned reply: its title and text; `id` when it edits a stored one. */
export const cannedReply = v.object({
  id: v.optional(id('id')),
  title: cannedText('title', CANNED_LIMITS.title),
  text: cannedText('text', CANNED_LIMITS.text),
});
export const cannedRef = v.object({ id: id('id') });
/** The owner API's shared list, replaced whole. */
export const sharedCannedList = v.object({
  replies: v.pipe(
    v.array(v.object({ title: cannedReply.entries.title, text: cannedReply.entries.text })),
    v.maxLength(CANNED_LIMITS.shared, `at most ${CANNED_LIMITS.shared} replies`),
  ),
});

export const leadUpdate = v.object({
  leadId: v.unknown(),
  status: v.picklist(LEAD_STATUSES, `status must be one of ${LEAD_STATUSES.join(', ')}`),
});

/**
 * Checks `payload` against `schema`: the cleaned value, or the first problem with the
 * field it is about. `codes` names fields whose problems have a code other than "invalid".
 */
export function check<S extends v.GenericSchema>(
  schema: S,
  payload: unknown,
  codes: Record<string, ErrorCode> = {},
): Checked<v.InferOutput<S>> {
  const result = v.safeParse(schema, payload ?? {});
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  const field = issue.path?.map((step) => String(step.key)).join('.');
  return {
    ok: false,
    error: { code: (field && codes[field]) || 'invalid', message: issue.message, ...(field ? { field } : {}) },
  };
}
