/**
 * The chat as the visitor works it: the timeline (confirmed messages, then what waits
 * in the outbox), the composer's draft, the message being answered, typing signals,
 * sending and retrying, and read receipts for what is on screen.
 */
import { computed, createModel, effect, signal, type ReadonlySignal } from '@preact/signals';
import { LIMITS, type ChatMessage, type VisitorSession } from '../../protocol';
import type { FileRef } from '../attachments/files';
import { createDelivery } from '../delivery';
import type { Emitter } from '../events';
import { createOutbox, type OutboxItem } from '../outbox';
import type { Storage } from '../storage';
import type { ConnectionState, Transport } from '../transport';
import { createTypingSignal } from '../typing';
import type { ConversationModel } from './conversation';
import { onDispose } from './dispose';

/** What the outbox keeps of a message: `quote` is the answered text, kept in case the answer outlives its conversation. */
export type MessageDraft = { text: string; replyTo?: string; quote?: string; files?: FileRef[] };

export type TimelineEntry =
  | { kind: 'message'; key: string; message: ChatMessage }
  | { kind: 'outbox'; key: string; item: OutboxItem<MessageDraft> };

export interface ChatPorts {
  storage: Storage;
  conversation: ConversationModel;
  transport: Transport;
  emitter: Emitter;
  /** Whether the panel is open: what is on screen is read. */
  open: ReadonlySignal<boolean>;
  /** The connection's state: a read made offline goes when it is back, with or without news. */
  connection: ReadonlySignal<ConnectionState>;
}

/** An answer whose conversation ended still goes out, in the next one, with its quote as text. */
function withQuoteAsText({ text, quote, files }: MessageDraft): MessageDraft {
  const quoted = quote ? `> ${quote.slice(0, 200).replace(/\s+/g, ' ')}\n` : '';
  return { text: quoted.length + text.length <= LIMITS.messageText ? quoted + text : text, files };
}

export const ChatModel = createModel(({ storage, conversation, transport, emitter, open, connection }: ChatPorts) => {
  const outbox = createOutbox<MessageDraft>(storage, 'outbox');
  const draft = signal(storage.get<string>('draft') ?? '');
  /** Files chosen for the next message, kept like the draft; their bytes wait in the blob store. */
  const files = signal<FileRef[]>(storage.get('files') ?? []);
  /** The operator message the visitor is answering. */
  const replyingTo = signal<ChatMessage | null>(null);
  const typing = createTypingSignal((value) => transport.typing(value));
  onDispose(typing.dispose);

  /** A reply goes as a reply only into the open conversation its quote belongs to. */
  const answerable = (id: string) =>
    conversation.status.peek() === 'open' &&
    conversation.messages.peek().some((m) => m.id === id && m.conversationId === conversation.conversationId.peek());

  const delivery = createDelivery<MessageDraft, { message: ChatMessage }>({
    outbox,
    isConnected: () => transport.connected,
    send(clientId, payload) {
      const { text, replyTo } = payload.replyTo && !answerable(payload.replyTo) ? withQuoteAsText(payload) : payload;
      const message = { clientId, text, ...(replyTo ? { replyTo } : {}) };
      // Files go first, by the upload code: its own chunk, loaded when a message has files.
      return payload.files?.length
        ? import('../attachments/send').then((m) => m.sendWithFiles(transport, message, payload.files!))
        : transport.send(message);
    },
    onSent({ message }) {
      conversation.receive(message);
      emitter.emit('message', { author: 'visitor', text: message.text, conversationId: message.conversationId });
    },
    onRefused(error, clientId, payload) {
      // The conversation ended between the visitor's last look and the send: the answer still goes.
      if (error.field === 'replyTo' && payload.replyTo) outbox.revise(clientId, withQuoteAsText(payload));
      // After a spam close nothing more can be delivered; the view says why, once.
      else if (error.code === 'blocked') outbox.remove(clientId);
    },
  });
  onDispose(delivery.dispose);

  // Persist the draft so a reload never loses what the visitor was typing.
  effect(() => storage.set('draft', draft.value));
  // One draft for the visitor: what is typed in one tab shows in the others.
  onDispose(storage.watch<string>('draft', (text) => (draft.value = text ?? '')));
  // The chosen files too; their bytes are let go by the attachment chunks (attachments/keeper.ts).
  effect(() => storage.set('files', files.value));
  // A quote from a conversation that has ended is not something to answer any more.
  effect(() => {
    if (conversation.status.value !== 'open') replyingTo.value = null;
  });

  const visible = signal(document.visibilityState === 'visible');
  const onVisibility = () => (visible.value = document.visibilityState === 'visible');
  document.addEventListener('visibilitychange', onVisibility);
  onDispose(() => document.removeEventListener('visibilitychange', onVisibility));

  // What is on screen is read: while open and visible, nothing is unread.
  effect(() => {
    if (open.value && visible.value && conversation.messages.value.length) conversation.markRead();
  });
  /** The server's read mark as this tab knows it: the session's, then each receipt sent. */
  let readId: string | null = null;
  let readSeq = 0;
  // Read receipt, once per new high mark, however the visitor read (the open chat, the teaser,
  // another tab), an ended chat's too: the server counts the unread before the newest page by
  // these, so a read it never heard of would count again. One made offline goes once connected.
  effect(() => {
    const id = conversation.conversationId.value;
    const seen = conversation.readUpTo.value;
    const seq = conversation.messages.value.reduce(
      (max, m) => (m.conversationId === id && m.createdAt <= seen ? Math.max(max, m.seq) : max),
      0,
    );
    if (seq && connection.value === 'online' && (id !== readId || seq > readSeq)) {
      readId = id;
      readSeq = seq;
      transport.read(id!, seq);
    }
  });
  let lastUnread = 0;
  effect(() => {
    const count = conversation.unread.value;
    if (count !== lastUnread) {
      lastUnread = count;
      emitter.emit('unread', { count });
    }
  });

  const timeline = computed<TimelineEntry[]>(() => [
    ...conversation.messages.value.map((message) => ({ kind: 'message' as const, key: message.id, message })),
    ...outbox.items.value.map((item) => ({ kind: 'outbox' as const, key: item.clientId, item })),
  ]);

  /** Sends a visitor message, as a reply when one is chosen; false when nothing can be sent. */
  const send = (text: string, attached?: FileRef[]): boolean => {
    if (conversation.blocked.peek()) return false;
    const quoted = replyingTo.peek();
    delivery.enqueue({
      text,
      ...(quoted ? { replyTo: quoted.id, quote: quoted.text } : {}),
      ...(attached?.length ? { files: attached } : {}),
    });
    replyingTo.value = null;
    return true;
  };

  return {
    timeline,
    /** Messages not yet acknowledged: a conversation is under way. */
    waiting: outbox.items as ReadonlySignal<OutboxItem<MessageDraft>[]>,
    draft: draft as ReadonlySignal<string>,
    files: files as ReadonlySignal<FileRef[]>,
    /** The files of the next message (checked and stored by the attach chunk). */
    choose(chosen: FileRef[]) {
      files.value = chosen;
    },
    replyingTo: replyingTo as ReadonlySignal<ChatMessage | null>,
    send,
    /** The composer's text changed. */
    type(text: string) {
      draft.value = text;
      typing.input();
    },
    /** Sets the draft without a typing signal (text moved between the form and the chat). */
    setDraft(text: string) {
      draft.value = text;
    },
    /** The composer's Send: the draft goes, and the composer empties. */
    submit() {
      const text = draft.peek().trim();
      const attached = files.peek();
      if ((!text && !attached.length) || text.length > LIMITS.messageText) return;
      if (send(text, attached)) {
        draft.value = '';
        files.value = [];
      }
      typing.stop();
    },
    stopTyping() {
      typing.stop();
    },
    reply(message: ChatMessage) {
      if (answerable(message.id)) replyingTo.value = message;
    },
    cancelReply() {
      replyingTo.value = null;
    },
    retry(clientId: string) {
      delivery.retry(clientId);
    },
    /** The visitor gave up a message that has not gone (its uploads are stopped by the caller). */
    cancel(clientId: string) {
      outbox.remove(clientId);
    },
    /**
     * The session's read mark, taken before its messages: what the server holds already is
     * not sent again on every page view, and a receipt it never had goes again.
     */
    heard(session: VisitorSession) {
      readId = session.conversationId;
      readSeq = session.visitorReadSeq ?? 0;
    },
    /** The server's replay holds these already: their acks were lost, not the messages. */
    reconcile(clientIds: string[]) {
      delivery.reconcile(clientIds);
    },
    flush() {
      void delivery.flush();
    },
    clear() {
      outbox.items.value = [];
      draft.value = '';
      files.value = [];
      replyingTo.value = null;
    },
  };
});

export type ChatModel = InstanceType<typeof ChatModel>;
