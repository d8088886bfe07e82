/**
 * Builds everything one widget instance holds: storage, visitor id, models, transport
 * and the two deliveries (messages and requests), wired together. Views receive this
 * and nothing else.
 */
import { computed, effect, signal } from '@preact/signals';
import { isId, newId, type Availability, type ChatMessage, type LeadPayload } from '../protocol';
import type { WidgetConfig } from '../loader/config';
import { bindServerEvents } from './connection';
import { currentPage, environment, landingTouch, recordTouches, watchNavigation } from './context';
import { createDelivery } from './delivery';
import type { Emitter } from './events';
import { createConversationModel } from './models/conversation';
import { createLeadFormModel } from './models/lead-form';
import { createViewModel } from './models/view';
import { createOutbox, type OutboxItem } from './outbox';
import { createStorage, type Storage } from './storage';
import { createTransport, type ConnectionState, type Transport, type TransportOptions } from './transport';
import { chime } from './sound';
import { createLifecycleActions } from './lifecycle';
import { createTypingSignal } from './typing';

export type MessageDraft = { text: string; replyTo?: string };
export type LeadDraftPayload = Omit<LeadPayload, 'clientId'>;

export type TimelineEntry =
  | { kind: 'message'; key: string; message: ChatMessage }
  | { kind: 'outbox'; key: string; item: OutboxItem<MessageDraft> };

export type { View } from './models/view';

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

/** Everything `Confab('reset')` forgets. */
const VISITOR_KEYS = ['visitor', 'outbox', 'leadOutbox', 'draft', 'leadDraft', 'readUpTo', 'firstTouch', 'lastTouch'];

export function createWidgetState(config: WidgetConfig, emitter: Emitter, deps: StateDeps = {}) {
  // Consent mode: nothing is written to the browser or sent before the visitor agrees
  // (opening the widget counts) or the host calls Confab('consent', true).
  const consentRequired = config.input.consent?.trim() === 'required';
  const storage = createStorage(config.site, !consentRequired);
  const consented = signal(!consentRequired || storage.get<boolean>('consent') === true);
  if (consented.peek()) storage.persist();
  let visitorId = visitorIdFrom(storage);
  const touches = recordTouches(storage, landingTouch(location.href, document.referrer, Date.now()));
  /** A signed identity token (data-user-token or identify); never stored. */
  let identityToken = config.input.userToken?.trim() || undefined;
  const outbox = createOutbox<MessageDraft>(storage, 'outbox');
  const leadOutbox = createOutbox<LeadDraftPayload>(storage, 'leadOutbox');
  const conversation = createConversationModel(storage);
  const leadForm = createLeadFormModel(storage, config);
  const connection = signal<ConnectionState>('connecting');
  /** Last known, so a reload shows the right view before the server has spoken. */
  const availability = signal<Availability | null>(storage.get<Availability>('availability') ?? null);
  const open = signal(false);
  const draft = signal(storage.get<string>('draft') ?? '');
  const thanks = signal(false);
  /** The operator message the visitor is answering. */
  const replyingTo = signal<ChatMessage | null>(null);
  /** An operator message that arrived while the panel was closed, shown by the launcher. */
  const teaser = signal<ChatMessage | null>(null);
  /** Briefly true after a rating was given, to thank the visitor. */
  const rated = signal(false);

  const transport = (deps.createTransport ?? createTransport)({
    server: config.server,
    auth: () => ({
      site: config.site,
      visitorId,
      conversationId: conversation.conversationId.peek(),
      lastChange: conversation.lastChange.peek(),
      name: config.name,
      email: config.email,
      page: currentPage(),
      ...touches,
      env: environment(),
      ...(identityToken ? { token: identityToken } : {}),
    }),
    autoConnect: consented.peek(),
    onIdentityRefused(reason) {
      console.error(`Confab: the identity token was refused (${reason}); the visitor chats without it. Sign a fresh token on your server.`);
      identityToken = undefined;
    },
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
    send: (clientId, { text, replyTo }) => transport.send({ clientId, text, ...(replyTo ? { replyTo } : {}) }),
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
      views.pinForm();
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
    operatorMessage(message) {
      if (open.peek()) return;
      teaser.value = message;
      // Seed 003: an operator writing first may ring, where the site wants it.
      const visitorWrote = conversation.messages.peek().some(
        (m) => m.conversationId === message.conversationId && m.author === 'visitor',
      );
      if (!visitorWrote && conversation.site.peek()?.sound) chime();
    },
  });
  const typing = createTypingSignal((value) => transport.typing(value));

  const views = createViewModel({ conversation, waiting: outbox.items, availability, open, draft, leadForm, thanks });

  const timeline = computed<TimelineEntry[]>(() => [
    ...conversation.messages.value.map((message) => ({ kind: 'message' as const, key: message.id, message })),
    ...outbox.items.value.map((item) => ({ kind: 'outbox' as const, key: item.clientId, item })),
  ]);

  const visible = signal(document.visibilityState === 'visible');
  let lastUnread = 0;
  let lastReadSent = { conversationId: '', seq: 0 };
  const disposeEffects = [
    // Persist the draft so a reload never loses what the visitor was typing.
    effect(() => storage.set('draft', draft.value)),
    // What is on screen is read: while open and visible, nothing is unread.
    effect(() => {
      if (open.value && conversation.messages.value.length && visible.value) {
        conversation.markRead();
        teaser.value = null;
        // Read receipt for the operator, once per new high mark.
        const id = conversation.conversationId.value;
        const seq = conversation.messages.value.reduce((max, m) => (m.conversationId === id ? Math.max(max, m.seq) : max), 0);
        if (id && conversation.status.value === 'open' && (id !== lastReadSent.conversationId || seq > lastReadSent.seq)) {
          lastReadSent = { conversationId: id, seq };
          transport.read(id, seq);
        }
      }
    }),
    effect(() => {
      if (open.value) teaser.value = null;
    }),
    effect(() => {
      const count = conversation.unread.value;
      if (count !== lastUnread) emitter.emit('unread', { count: (lastUnread = count) });
    }),
  ];
  const onVisibility = () => (visible.value = document.visibilityState === 'visible');
  document.addEventListener('visibilitychange', onVisibility);
  // One connection across route changes: a navigation is a message, not a reconnect.
  const stopWatching = watchNavigation(() => {
    const page = currentPage();
    if (page) transport.page(page);
  });

  return {
    config,
    /** Changes on reset. */
    get visitorId() {
      return visitorId;
    },
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
    view: views.view,
    chatOffer: views.chatOffer,
    chooseChat: views.chooseChat,
    finishLead: views.finishLead,
    thanks,
    replyingTo,
    teaser,
    rated,
    delivery,
    typing,
    reconnectNow: () => transport.reconnectNow(),
    /** Sends a visitor message, as a reply when one is chosen. */
    send(text: string) {
      const replyTo = replyingTo.peek()?.id;
      delivery.enqueue({ text, ...(replyTo ? { replyTo } : {}) });
      replyingTo.value = null;
    },
    ...createLifecycleActions({ conversation, transport, emitter, rated }),
    consented,
    /** Consent given: from now on the widget may store and send (context goes once, on connect). */
    giveConsent() {
      if (consented.peek()) return;
      consented.value = true;
      storage.persist();
      storage.set('consent', true);
      transport.connect();
    },
    /** Confab('identify', token): the visitor is now the signed-in user, on every device. */
    identify(token: string) {
      identityToken = token;
      transport.restart();
    },
    /** Confab('reset'): logout. The visitor is forgotten here and starts fresh. */
    reset() {
      identityToken = undefined;
      VISITOR_KEYS.forEach((key) => storage.remove(key));
      visitorId = visitorIdFrom(storage);
      conversation.clear();
      outbox.items.value = [];
      leadOutbox.items.value = [];
      draft.value = '';
      leadForm.reset();
      replyingTo.value = null;
      teaser.value = null;
      transport.restart();
    },
    /** Validates the form and queues the request; true when it was accepted for sending. */
    submitLead(): boolean {
      const checked = leadForm.validate();
      if (!checked) return false;
      leadDelivery.enqueue({ ...checked, context: currentPage() });
      thanks.value = true;
      return true;
    },
    dispose() {
      disposeEffects.forEach((dispose) => dispose());
      views.dispose();
      stopWatching();
      document.removeEventListener('visibilitychange', onVisibility);
      unbind();
      delivery.dispose();
      leadDelivery.dispose();
      transport.close();
    },
  };
}

export type WidgetState = ReturnType<typeof createWidgetState>;
