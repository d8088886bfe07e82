/**
 * Builds everything one widget instance holds: storage, visitor id, models, transport
 * and the two deliveries (messages and requests), wired together. Views receive this
 * and nothing else.
 */
import { computed, effect, signal } from '@preact/signals';
import { isId, newId, type Availability, type ChatMessage, type LeadPayload } from '../protocol';
import type { WidgetConfig } from '../loader/config';
import { bindServerEvents } from './connection';
import { currentPage } from './context';
import { createDelivery } from './delivery';
import type { Emitter } from './events';
import { createConversationModel } from './models/conversation';
import { createLeadFormModel } from './models/lead-form';
import { createOutbox, type OutboxItem } from './outbox';
import { createStorage, type Storage } from './storage';
import { createTransport, type ConnectionState, type Transport, type TransportOptions } from './transport';
import { createTypingSignal } from './typing';

export type MessageDraft = { text: string };
export type LeadDraftPayload = Omit<LeadPayload, 'clientId'>;

export type TimelineEntry =
  | { kind: 'message'; key: string; message: ChatMessage }
  | { kind: 'outbox'; key: string; item: OutboxItem<MessageDraft> };

/** What the panel shows: the chat, the request form, or the thank-you after a request. */
export type View = 'chat' | 'form' | 'thanks';

/** Seams for tests: the real transport unless told otherwise. */
export interface StateDeps {
  createTransport?: (options: TransportOptions) => Transport;
}

function visitorIdFrom(storage: Storage): string {
  const stored = storage.get<string>('visitor');
  if (isId(stored)) return stored;
  const id = newId();
  storage.set('visitor', id);
  return id;
}

export function createWidgetState(config: WidgetConfig, emitter: Emitter, deps: StateDeps = {}) {
  const storage = createStorage(config.site);
  const visitorId = visitorIdFrom(storage);
  const outbox = createOutbox<MessageDraft>(storage, 'outbox');
  const leadOutbox = createOutbox<LeadDraftPayload>(storage, 'leadOutbox');
  const conversation = createConversationModel(storage);
  const leadForm = createLeadFormModel(storage, config);
  const connection = signal<ConnectionState>('connecting');
  /** Last known, so a reload shows the right view before the server has spoken. */
  const availability = signal<Availability | null>(storage.get<Availability>('availability') ?? null);
  const open = signal(false);
  const draft = signal(storage.get<string>('draft') ?? '');
  /** The visitor has seen the form: it stays until they choose the chat. */
  const formPinned = signal(false);
  const thanks = signal(false);

  const transport = (deps.createTransport ?? createTransport)({
    server: config.server,
    auth: () => ({
      site: config.site,
      visitorId,
      conversationId: conversation.conversationId.peek(),
      lastSeq: conversation.lastSeq.peek(),
      name: config.name,
      email: config.email,
      page: currentPage(),
    }),
    onState(state) {
      connection.value = state;
      if (state !== 'online') {
        outbox.failAllPending();
        leadOutbox.failAllPending();
      }
    },
  });
  const delivery = createDelivery<MessageDraft, { message: ChatMessage }>({
    outbox,
    isConnected: () => transport.connected,
    send: (clientId, { text }) => transport.send({ clientId, text }),
    onSent: ({ message }) => {
      conversation.receive(message);
      emitter.emit('message', { author: 'visitor', text: message.text, conversationId: message.conversationId });
    },
  });
  const leadDelivery = createDelivery<LeadDraftPayload, { leadId: string }>({
    outbox: leadOutbox,
    isConnected: () => transport.connected,
    send: (clientId, payload) => transport.submitLead({ clientId, ...payload }),
    onSent: ({ leadId }, { fields: { consent: _, ...fields } }) => emitter.emit('lead', { leadId, ...fields }),
    onRefused(error, clientId, payload) {
      // The server saw a problem the form did not: back to the form, nothing lost.
      leadOutbox.remove(clientId);
      leadForm.restore(payload.fields, error.fields ?? {});
      thanks.value = false;
      formPinned.value = true;
    },
  });
  const unbind = bindServerEvents(transport, {
    conversation,
    delivery,
    leadDelivery,
    emitter,
    setAvailability(next) {
      availability.value = next;
      storage.set('availability', next);
    },
    setLeadForm: leadForm.setConfig,
  });
  const typing = createTypingSignal((value) => transport.typing(value));

  const inConversation = computed(
    () => conversation.status.value === 'open' || outbox.items.value.length > 0,
  );
  const view = computed<View>(() => {
    if (thanks.value) return 'thanks';
    // A visitor in a chat keeps it when operators go away: their messages wait for them.
    if (inConversation.value) return 'chat';
    if (formPinned.value) return 'form';
    return availability.value && !availability.value.online ? 'form' : 'chat';
  });
  /** The form is up but someone can chat now: offer it, without throwing the form away. */
  const chatOffer = computed(() => view.value === 'form' && availability.value?.online === true);

  const timeline = computed<TimelineEntry[]>(() => [
    ...conversation.messages.value.map((message) => ({ kind: 'message' as const, key: message.id, message })),
    ...outbox.items.value.map((item) => ({ kind: 'outbox' as const, key: item.clientId, item })),
  ]);

  let lastUnread = 0;
  let lastView = view.peek();
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
    effect(() => {
      const current = view.value;
      if (current === 'form' && open.value) {
        formPinned.value = true;
        leadForm.shown();
      }
      // Operators left before the visitor sent anything: their words move to the form.
      if (lastView === 'chat' && current === 'form' && draft.peek().trim() && !leadForm.draft.peek().message) {
        leadForm.set('message', draft.peek());
        draft.value = '';
      }
      lastView = current;
    }),
    // An untouched form closed by the visitor need not stay pinned.
    effect(() => {
      if (!open.value && !leadForm.touched.value) formPinned.value = false;
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
    leadOutbox,
    conversation,
    leadForm,
    connection,
    availability,
    open,
    draft,
    timeline,
    view,
    chatOffer,
    thanks,
    delivery,
    typing,
    reconnectNow: () => transport.reconnectNow(),
    /** "Chat instead": the form's message goes to the composer, the form keeps its copy. */
    chooseChat() {
      formPinned.value = false;
      if (!draft.peek().trim()) draft.value = leadForm.draft.peek().message;
    },
    /** Validates the form and queues the request; true when it was accepted for sending. */
    submitLead(): boolean {
      const checked = leadForm.validate();
      if (!checked) return false;
      leadDelivery.enqueue({ ...checked, context: currentPage() });
      thanks.value = true;
      return true;
    },
    /** After the thank-you: a fresh form for next time. */
    finishLead() {
      thanks.value = false;
      formPinned.value = false;
      leadForm.reset();
    },
    dispose() {
      disposeEffects.forEach((dispose) => dispose());
      document.removeEventListener('visibilitychange', onVisibility);
      unbind();
      delivery.dispose();
      leadDelivery.dispose();
      transport.close();
    },
  };
}

export type WidgetState = ReturnType<typeof createWidgetState>;
