/**
 * Builds everything one widget instance holds: storage, visitor id, models, transport
 * and delivery, wired together. Views receive this and nothing else.
 */
import { computed, effect, signal } from '@preact/signals';
import { isId, newId, type ChatMessage } from '../protocol';
import type { WidgetConfig } from '../loader/config';
import { bindServerEvents } from './connection';
import { createDelivery } from './delivery';
import type { Emitter } from './events';
import { createConversationModel } from './models/conversation';
import { createOutbox, type OutboxItem } from './outbox';
import { createStorage } from './storage';
import { createTransport, type ConnectionState, type Transport, type TransportOptions } from './transport';
import { createTypingSignal } from './typing';

export type TimelineEntry =
  | { kind: 'message'; key: string; message: ChatMessage }
  | { kind: 'outbox'; key: string; item: OutboxItem };

function visitorIdFrom(storage: ReturnType<typeof createStorage>): string {
  const stored = storage.get<string>('visitor');
  if (isId(stored)) return stored;
  const id = newId();
  storage.set('visitor', id);
  return id;
}

/** Seams for tests: the real transport unless told otherwise. */
export interface StateDeps {
  createTransport?: (options: TransportOptions) => Transport;
}

export function createWidgetState(config: WidgetConfig, emitter: Emitter, deps: StateDeps = {}) {
  const storage = createStorage(config.site);
  const visitorId = visitorIdFrom(storage);
  const outbox = createOutbox(storage);
  const conversation = createConversationModel(storage);
  const connection = signal<ConnectionState>('connecting');
  const open = signal(false);
  const draft = signal(storage.get<string>('draft') ?? '');

  const transport = (deps.createTransport ?? createTransport)({
    server: config.server,
    auth: () => ({
      site: config.site,
      visitorId,
      conversationId: conversation.conversationId.peek(),
      lastSeq: conversation.lastSeq.peek(),
      name: config.name,
      email: config.email,
    }),
    onState(state) {
      connection.value = state;
      if (state !== 'online') outbox.failAllPending();
    },
  });
  const delivery = createDelivery({
    outbox,
    isConnected: () => transport.connected,
    send: (payload) => transport.send(payload),
    onSent: (message) => {
      conversation.receive(message);
      emitter.emit('message', { author: 'visitor', text: message.text, conversationId: message.conversationId });
    },
  });
  const unbind = bindServerEvents(transport, conversation, delivery, emitter);
  const typing = createTypingSignal((value) => transport.typing(value));

  const timeline = computed<TimelineEntry[]>(() => [
    ...conversation.messages.value.map((message) => ({ kind: 'message' as const, key: message.id, message })),
    ...outbox.items.value.map((item) => ({ kind: 'outbox' as const, key: item.clientId, item })),
  ]);

  let lastUnread = 0;
  const disposeEffects = [
    // Persist the draft so a reload never loses what the visitor was typing.
    effect(() => storage.set('draft', draft.value)),
    // What is on screen is read: while open and visible, nothing is unread.
    effect(() => {
      if (open.value && conversation.messages.value.length && document.visibilityState === 'visible') {
        conversation.markRead();
      }
    }),
    effect(() => {
      const count = conversation.unread.value;
      if (count !== lastUnread) emitter.emit('unread', { count: (lastUnread = count) });
    }),
  ];
  const onVisibility = () => {
    if (open.peek() && document.visibilityState === 'visible') conversation.markRead();
  };
  document.addEventListener('visibilitychange', onVisibility);

  return {
    config,
    visitorId,
    storage,
    outbox,
    conversation,
    connection,
    open,
    draft,
    timeline,
    delivery,
    typing,
    reconnectNow: () => transport.reconnectNow(),
    dispose() {
      disposeEffects.forEach((dispose) => dispose());
      document.removeEventListener('visibilitychange', onVisibility);
      unbind();
      delivery.dispose();
      transport.close();
    },
  };
}

export type WidgetState = ReturnType<typeof createWidgetState>;
