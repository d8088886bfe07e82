/**
 * The operator gateway: a logged-in operator sees the site's conversations, requests
 * and visitors on site; opens, answers (and so takes), edits, deletes, closes (or marks
 * spam) conversations; writes first; sets their status. Each handler parses its
 * payload, checks that what it names belongs to the operator's site, calls one service
 * and acknowledges.
 */
import type { Socket } from 'socket.io';
import { createHash } from 'node:crypto';
import {
  LIMITS,
  checkConversationRef,
  checkMessageText,
  checkOperatorSend,
  fail,
  isId,
  readTyping,
  type AckError,
  type MessageAck,
  type OperatorAuth,
  type OperatorToServer,
  type ServerToOperator,
} from '../../src/protocol';
import { publishConversation, rooms, team, toChatMessage, toSummary, type ServerContext } from './context';
import { endedOnlyByHolder, heldByColleague, releaseConversations } from './assignment';
import { personalReplies, sharedReplies } from './canned';
import { closeConversation, pickUp } from './conversations';
import type { MessageService } from './messages';
import { announceLead } from './lead-handler';
import { attachWorkspaceHandlers } from './operator-workspace';
import {
  check,
  closeRequest,
  leadRef,
  leadUpdate,
  messageEdit,
  messageRef,
  readMark,
  spamList,
  statusChange,
  visitorRef,
} from './payloads';
import { publicProfile, uploadSettings, type OperatorConfig, type SiteConfig } from './sites';
import type { ConversationRow, MessageRow } from './store';
import { attachSearchHandlers } from './workspace-gateway';
import { onlineVisitors, refreshOnline, snapshotOf } from './visitor-presence';
import type { VisitorSocket } from './visitor-session';

interface OperatorData {
  site: SiteConfig;
  operator: OperatorConfig;
}

export type OperatorSocket = Socket<OperatorToServer, ServerToOperator, Record<string, never>, OperatorData>;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function attachOperatorNamespace(ctx: ServerContext, messages: MessageService): void {
  const { store } = ctx;

  ctx.operators.use((socket: OperatorSocket, next) => {
    const { token } = (socket.handshake.auth ?? {}) as Partial<OperatorAuth>;
    if (typeof token !== 'string') return next(new Error('unauthorized'));
    store.findSession(hashToken(token)).then(
      (session) => {
        const site = session && ctx.sites.get(session.site);
        const operator = site?.operators.find((op) => op.id === session!.operatorId);
        if (!site || !operator) return next(new Error('unauthorized'));
        socket.data = { site, operator };
        next();
      },
      () => next(new Error('the server cannot check sessions right now')),
    );
  });

  ctx.operators.on('connection', (socket: OperatorSocket) => {
    const { site, operator } = socket.data;
    void socket.join([rooms.operators(site.id), rooms.operator(site.id, operator.id)]);
    // Present from the moment the console has its `hello` (see the end of this handler).
    let present = false;
    socket.on('disconnect', () => {
      if (present) ctx.presence.disconnect(site.id, operator.id, socket.id);
    });

    attachSearchHandlers(ctx, socket);

    /** Runs an async handler; a failure is logged and answered. */
    const guard = <T>(what: string, work: () => Promise<unknown>, ack?: (res: T) => void, failure?: T) =>
      void work().catch((error: unknown) => {
        ctx.log(`operator ${what} failed: ${String(error)}`);
        if (ack && failure) ack(failure);
      });
    const internal = (what: string) => fail('internal', `the ${what} could not be stored`);

    /** The conversation, if it belongs to this operator's site. */
    const ownConversation = async (payload: unknown): Promise<ConversationRow | undefined> => {
      const ref = checkConversationRef(payload);
      const row = ref.ok ? await store.getConversation(ref.value.conversationId) : undefined;
      return row?.site === site.id ? row : undefined;
    };
    /** A message this operator wrote in an open conversation of the site. */
    const ownMessage = async (
      messageId: string,
    ): Promise<{ error: AckError } | { row: MessageRow; conversation: ConversationRow }> => {
      const row = await store.getMessage(messageId);
      const conversation = row && (await store.getConversation(row.conversationId));
      if (!row || conversation?.site !== site.id) return { error: fail('not_found', 'no such message') };
      if (row.operatorId !== operator.id)
        return { error: fail('unauthorized', 'only the author may change a message') };
      if (conversation.status !== 'open') return { error: fail('closed', 'the conversation is closed') };
      // Passed on to a colleague: the previous operator's messages stay as they are.
      const held = heldByColleague(site, conversation, operator);
      if (held) return { error: held };
      return { row, conversation };
    };
    const announceChange = (conversation: ConversationRow, ack: (res: MessageAck) => void, row?: MessageRow) => {
      if (!row) return ack(fail('not_found', 'the message is gone'));
      const message = toChatMessage(ctx, site.id, row);
      ctx.visitors.to(rooms.owner(site.id, conversation.owner)).emit('message:updated', message);
      socket.broadcast.to(rooms.operators(site.id)).emit('message:updated', message);
      ack({ ok: true, message });
    };

    socket.on('conversation:open', (payload, ack) => {
      if (typeof ack !== 'function') return;
      guard(
        'open',
        async () => {
          const row = await ownConversation(payload);
          if (!row) return ack(fail('not_found', 'no such conversation'));
          const [summary, history, context] = await Promise.all([
            store.getConversationListRow(row.id),
            store.lastMessages(row.id, LIMITS.historyReplay),
            store.conversationContext(row.id),
          ]);
          ack({
            ok: true,
            conversation: toSummary(summary!, operator.id),
            messages: history.map((m) => toChatMessage(ctx, site.id, m)),
            context,
          });
        },
        ack,
        fail('internal', 'the conversation could not be read'),
      );
    });

    socket.on('conversation:start', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const ref = check(visitorRef, payload);
      if (!ref.ok) return ack(fail('not_found', 'no such visitor'));
      guard(
        'start',
        async () => {
          const visitor = await store.getVisitor(site.id, ref.value.visitorId);
          if (!visitor) return ack(fail('not_found', 'no such visitor'));
          const owner = visitor.userId ? `u:${visitor.userId}` : `v:${visitor.id}`;
          if (await store.isBlocked(site.id, owner, visitor.id))
            return ack(fail('blocked', 'this visitor was marked as spam'));
          // Write first is for a visitor without a chat: one who has one is answered in it,
          // by whoever holds it (the console offers "Open chat" instead).
          const open = await store.latestConversation(site.id, owner);
          if (open?.status === 'open') return ack(fail('conflict', 'this visitor has an open chat already: open it'));
          const live = [...(ctx.visitors.sockets.values() as IterableIterator<VisitorSocket>)].find(
            (v) => v.data.site?.id === site.id && v.data.visitorId === visitor.id,
          );
          const { conversation, created } = await store.openConversation(
            site.id,
            owner,
            visitor.id,
            live && (await snapshotOf(ctx, live)),
          );
          // The visitor wrote, or a colleague wrote first, in the same moment.
          if (!created) return ack(fail('conflict', 'this visitor has an open chat already: open it'));
          await pickUp(ctx, site, conversation, operator);
          refreshOnline(ctx, site.id, owner);
          publishConversation(ctx, conversation.id);
          ack({
            ok: true,
            conversation: toSummary((await store.getConversationListRow(conversation.id))!, operator.id),
          });
        },
        ack,
        internal('conversation'),
      );
    });

    socket.on('message:send', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const checked = checkOperatorSend(payload);
      if (!checked.ok) return ack(checked);
      guard(
        'message',
        async () => ack(await messages.post({ kind: 'operator', site, operator }, checked.value, socket.id)),
        ack,
        internal('message'),
      );
    });

    // Files: a grant to upload one into a conversation of the site, and fresh download URLs (uploads.ts).
    const uploader = { kind: 'operator', site, operator } as const;
    socket.on('upload:grant', (payload, ack) => {
      if (typeof ack !== 'function') return;
      guard(
        'upload grant',
        async () =>
          ack(ctx.uploads ? await ctx.uploads.grant(uploader, payload) : fail('type_not_allowed', 'no files here')),
        ack,
        internal('upload grant'),
      );
    });
    socket.on('attachment:url', (payload, ack) => {
      if (typeof ack !== 'function') return;
      guard(
        'attachment url',
        async () =>
          ack(ctx.uploads ? await ctx.uploads.renew(uploader, payload) : fail('not_found', 'no such attachment')),
        ack,
        internal('attachment link'),
      );
    });

    const change = (payload: unknown, ack: (res: MessageAck) => void, edit: boolean) => {
      if (typeof ack !== 'function') return;
      const ref = check(edit ? messageEdit : messageRef, payload);
      if (!ref.ok) return ack(fail('not_found', 'no such message'));
      const text = edit ? checkMessageText('text' in ref.value ? ref.value.text : undefined) : undefined;
      if (text && !text.ok) return ack(text);
      guard(
        edit ? 'edit' : 'delete',
        async () => {
          const found = await ownMessage(ref.value.messageId);
          if ('error' in found) return ack(found.error);
          const row = text?.ok
            ? await store.editMessage(found.row.id, text.value)
            : await store.deleteMessage(found.row.id);
          // A deleted message's files go first: once the operator hears "deleted", its links are dead.
          if (!text && row && found.row.attachments) {
            await ctx.uploads
              ?.forgetMessage(row.id)
              .catch((error: unknown) => ctx.log(`files of a deleted message not removed: ${String(error)}`));
          }
          announceChange(found.conversation, ack, row);
        },
        ack,
        internal('change'),
      );
    };
    socket.on('message:edit', (payload, ack) => change(payload, ack, true));
    socket.on('message:delete', (payload, ack) => change(payload, ack, false));

    socket.on('conversation:close', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const spam = check(closeRequest, payload).ok && (payload as { spam?: unknown }).spam === true;
      guard(
        'close',
        async () => {
          const row = await ownConversation(payload);
          if (!row) return ack(fail('not_found', 'no such conversation'));
          // Only the operator who has the chat ends it (the site has no admin role); a chat
          // nobody has taken yet may be ended by anyone, e.g. as spam.
          const held = endedOnlyByHolder(site, row, operator);
          if (held) return ack(held);
          await closeConversation(ctx, row, spam ? 'spam' : 'operator');
          ack({ ok: true, conversation: toSummary((await store.getConversationListRow(row.id))!, operator.id) });
        },
        ack,
        internal('close'),
      );
    });

    socket.on('read', (payload) => {
      const mark = check(readMark, payload);
      if (!mark.ok) return;
      guard('read mark', async () => {
        const row = await ownConversation(payload);
        const { seq } = mark.value;
        if (!row || seq > row.lastSeq) return;
        if (await store.markRead(row.id, 'operator', seq)) {
          ctx.visitors.to(rooms.owner(site.id, row.owner)).emit('read', { conversationId: row.id, seq });
          // Every console (other devices of this operator too) clears its unread count.
          publishConversation(ctx, row.id);
        }
      });
    });

    socket.on('typing', (payload) => {
      const typing = readTyping(payload);
      if (typing === null) return;
      guard('typing', async () => {
        const row = await ownConversation(payload);
        if (row?.status !== 'open' || heldByColleague(site, row, operator)) return;
        ctx.visitors.to(rooms.owner(site.id, row.owner)).volatile.emit('typing', { typing });
      });
    });

    socket.on('status:set', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const checked = check(statusChange, payload);
      if (!checked.ok) return ack(checked);
      const { status } = checked.value;
      ctx.presence.setStatus(site.id, operator.id, status);
      ack({ ok: true, status });
      // Off work: open chats go back to the queue rather than wait for someone who left.
      if (status === 'off') guard('release', () => releaseConversations(ctx, site, operator.id));
    });

    socket.on('lead:update', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const checked = check(leadUpdate, payload);
      if (!checked.ok) return ack(checked);
      const { leadId, status } = checked.value;
      guard(
        'request update',
        async () => {
          const lead = isId(leadId) ? await store.getLead(leadId) : undefined;
          if (lead?.site !== site.id) return ack(fail('not_found', 'no such request'));
          const updated = (await store.updateLeadStatus(lead.id, status, operator.id))!;
          socket.broadcast.to(rooms.operators(site.id)).emit('lead:updated', updated);
          ack({ ok: true, lead: updated });
        },
        ack,
        internal('request'),
      );
    });

    socket.on('lead:spam', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const checked = check(spamList, payload ?? {});
      if (!checked.ok) return ack(checked);
      guard(
        'spam list',
        async () =>
          ack({ ok: true, leads: await store.listLeads(site.id, { spam: true, limit: checked.value.limit }) }),
        ack,
        internal('request'),
      );
    });

    socket.on('lead:not-spam', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const checked = check(leadRef, payload);
      if (!checked.ok) return ack(checked);
      guard(
        'not spam',
        async () => {
          const lead = await store.getLead(checked.value.leadId);
          if (lead?.site !== site.id) return ack(fail('not_found', 'no such request'));
          const restored = await store.restoreLead(lead.id);
          // Restored by someone else a moment ago: the request is in the list already, the webhook fired once.
          if (!restored) {
            const { site: _site, ...current } = (await store.getLead(lead.id)) ?? lead;
            return ack({ ok: true, lead: current });
          }
          // The list gains it for every console (this one too), and the owner's webhook hears of it now.
          announceLead(ctx, site, restored);
          ack({ ok: true, lead: restored });
        },
        ack,
        internal('request'),
      );
    });

    attachWorkspaceHandlers(ctx, socket, guard);

    void (async () => {
      const [conversations, leads, online, cannedReplies, personalCannedReplies] = await Promise.all([
        store.listConversations(site.id, 500),
        store.listLeads(site.id, { limit: 200 }),
        onlineVisitors(ctx, site.id),
        sharedReplies(ctx, site),
        personalReplies(ctx, site, operator.id),
      ]);
      if (socket.disconnected) return;
      // Present and greeted in one turn: visitors hear of the operator as the console does.
      ctx.presence.connect(site.id, operator.id, socket.id);
      present = true;
      socket.emit('hello', {
        operator: publicProfile(operator, ctx.publicUrl, site),
        status: ctx.presence.chosen(site.id, operator.id),
        team: team(ctx, site),
        conversations: conversations.map((row) => toSummary(row, operator.id)),
        leads,
        online,
        cannedReplies,
        personalCannedReplies,
        uploads: uploadSettings(site),
        release: ctx.consoleRelease,
      });
    })().catch((error: unknown) => {
      ctx.log(`operator hello failed: ${String(error)}`);
      // Without its hello the console would wait for ever: it reconnects and asks again.
      if (socket.connected) socket.conn.close();
    });
  });
}
