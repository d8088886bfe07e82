/**
 * The operator gateway's team-work handlers: passing a conversation on, and one's own
 * canned replies. Like the rest of the gateway, each parses its payload, calls one
 * service and acknowledges.
 */
import { fail } from '../../src/protocol';
import { transferConversation } from './assignment';
import { CANNED_LIMITS, announcePersonal } from './canned';
import type { ServerContext } from './context';
import type { OperatorSocket } from './operator-namespace';
import { cannedRef, cannedReply, check, transferRequest } from './payloads';

type Guard = <T>(what: string, work: () => Promise<unknown>, ack?: (res: T) => void, failure?: T) => void;

export function attachWorkspaceHandlers(ctx: ServerContext, socket: OperatorSocket, guard: Guard): void {
  const { site, operator } = socket.data;

  socket.on('conversation:transfer', (payload, ack) => {
    if (typeof ack !== 'function') return;
    const checked = check(transferRequest, payload);
    if (!checked.ok) return ack(checked);
    guard(
      'transfer',
      async () => ack(await transferConversation(ctx, site, operator, checked.value)),
      ack,
      fail('internal', 'the transfer could not be stored'),
    );
  });

  socket.on('canned:save', (payload, ack) => {
    if (typeof ack !== 'function') return;
    const checked = check(cannedReply, payload);
    if (!checked.ok) {
      const tooLong = /longer than/.test(checked.error.message);
      return ack(tooLong ? { ok: false, error: { ...checked.error, code: 'too_long' } } : checked);
    }
    guard(
      'canned reply',
      async () => {
        const saved = await ctx.store.saveCannedReply(site.id, operator.id, checked.value, CANNED_LIMITS.perOperator);
        if ('error' in saved) {
          return ack(
            saved.error === 'limit'
              ? fail('conflict', `you have ${CANNED_LIMITS.perOperator} replies already: delete one first`)
              : fail('not_found', 'no such reply of yours'),
          );
        }
        ack({ ok: true, reply: saved.reply });
        await announcePersonal(ctx, site, operator.id, socket.id);
      },
      ack,
      fail('internal', 'the reply could not be stored'),
    );
  });

  socket.on('canned:delete', (payload, ack) => {
    if (typeof ack !== 'function') return;
    const checked = check(cannedRef, payload);
    if (!checked.ok) return ack(checked);
    guard(
      'canned reply',
      async () => {
        // Deleting what is gone already is done: another device of the operator got there first.
        await ctx.store.deleteCannedReply(site.id, operator.id, checked.value.id);
        ack({ ok: true, id: checked.value.id });
        await announcePersonal(ctx, site, operator.id, socket.id);
      },
      ack,
      fail('internal', 'the reply could not be deleted'),
    );
  });
}
