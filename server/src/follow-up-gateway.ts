/**
 * The visitor's transcript events: download one of the owner's conversations, or have it
 * e-mailed (follow-up.ts says to which address). Added to each visitor connection.
 */
import { fail } from '../../src/protocol';
import type { ServerContext } from './context';
import { emailTranscript, fileLinks, operatorNames } from './follow-up';
import { check } from './payloads';
import { buildTranscript } from './transcript';
import type { VisitorSocket } from './visitor-session';
import { transcriptEmail, transcriptRequest } from './workspace-payloads';

export function attachFollowUpHandlers(ctx: ServerContext, socket: VisitorSocket): void {
  const { site, visitorId, owner } = socket.data;
  const guard = <T>(what: string, ack: (res: T) => void, work: () => Promise<unknown>) =>
    void work().catch((error: unknown) => {
      ctx.log(`visitor ${what} failed: ${String(error)}`);
      ack(fail('internal', `the ${what} could not be done`) as T);
    });
  /** The owner's own conversation, or undefined. */
  const own = async (conversationId: string) => {
    const row = await ctx.store.getConversation(conversationId);
    return row?.site === site.id && row.owner === owner ? row : undefined;
  };

  socket.on('transcript:get', (payload, ack) => {
    if (typeof ack !== 'function') return;
    const checked = check(transcriptRequest, payload);
    if (!checked.ok) return ack(checked);
    guard('transcript', ack, async () => {
      const row = await own(checked.value.conversationId);
      if (!row) return ack(fail('not_found', 'no such conversation'));
      const messages = await ctx.store.lastMessages(row.id, 10_000);
      const source = {
        siteName: site.name,
        conversation: row,
        messages,
        operatorName: operatorNames(site),
        visitorLabel: 'You',
        files: fileLinks(ctx),
      };
      ack({ ok: true, transcript: buildTranscript(source, checked.value.format) });
    });
  });

  socket.on('transcript:email', (payload, ack) => {
    if (typeof ack !== 'function') return;
    const checked = check(transcriptEmail, payload);
    if (!checked.ok) return ack(checked);
    guard('transcript e-mail', ack, async () => {
      const row = await own(checked.value.conversationId);
      if (!row) return ack(fail('not_found', 'no such conversation'));
      ack(await emailTranscript(ctx, site, row, { visitorId, owner }, checked.value.email));
    });
  });
}
