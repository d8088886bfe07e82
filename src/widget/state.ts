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
import { createOutbox, type OutboxItem } from './outbox';
import { createStorage, type Storage } from './storage';
import { createTransport, type ConnectionState, type Transport, type TransportOptions } from './transport';
import { chime } from './sound';
import { createTypingSignal } from './typing';

export type MessageDraft = { text: string; replyTo?: string };
export type LeadDraftPayload = Omit<LeadPayload, 'clientId'>;

export type TimelineEntry =
  | { kind: 'message'; key: string; message: ChatMessage }
  | { kind: 'outbox'; key: string; item: OutboxItem<MessageDraft> };

/**
 * What the panel shows: the chat, the request form, the thank-you after a request, the
 * rating after a chat ended, or the end of the line after a spam close.
 */
export type View = 'chat' | 'form' | 'thanks' | 'rating' | 'blocked';

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
  /** The visitor has seen the form: it stays until they choose the chat. */
  const formPinned = signal(false);
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

  const inConversation = computed(
    () => conversation.status.value === 'open' || outbox.items.value.length > 0,
  );
  const view = computed<View>(() => {
    if (thanks.value) return 'thanks';
    if (conversation.blocked.value) return 'blocked';
    if (conversation.rating.value) return 'rating';
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
  const visible = signal(document.visibilityState === 'visible');
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
    view,
    chatOffer,
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
    /** The visitor ends the chat (after confirming). */
    async endChat(): Promise<boolean> {
      const id = conversation.conversationId.peek();
      if (!id || !transport.connected) return false;
      try {
        const result = await transport.endConversation(id);
        if (result.ok) conversation.closed(id, 'visitor');
        return result.ok;
      } catch {
        return false;
      }
    },
    /** Stars (draft, may change) or the final rating with its comment. */
    async rate(score: number, comment: string | undefined, final: boolean): Promise<boolean> {
      const current = conversation.rating.peek();
      if (!current) return false;
      conversation.setRating({ ...current, state: final ? 'given' : 'draft', score, ...(comment ? { comment } : {}) });
      try {
        const result = await transport.rate({ conversationId: current.conversationId, score, final, ...(comment ? { comment } : {}) });
        if (!result.ok) return false;
        if (final) {
          conversation.setRating(null);
          rated.value = true;
          emitter.emit('rating', { conversationId: current.conversationId, score, ...(comment ? { comment } : {}) });
        }
        return true;
      } catch {
        return false;
      }
    },
    async dismissRating() {
      const current = conversation.rating.peek();
      if (!current) return;
      conversation.setRating(null);
      try {
        await transport.dismissRating(current.conversationId);
      } catch {
        // Offline: the server still asks next time, which is harmless.
      }
    },
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
