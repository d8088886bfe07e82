/**
 * The shapes of socket payloads that only the server reads, as valibot schemas: one
 * declaration gives the check, the cleaned type and the message the client is told.
 * (Payloads the widget also checks before sending keep their shared checks in
 * src/protocol/validate.ts, which the browser bundle uses without a schema library.)
 */
import * as v from 'valibot';
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
