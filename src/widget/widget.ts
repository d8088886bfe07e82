/**
 * One widget instance's world as models, wired together: session (who the visitor is),
 * conversation (what the server says), chat (what the visitor sends), request (the
 * form), ending (end and rate), panel (open, closed, teaser) and view (which one
 * shows). Views read their signals and call their actions; nothing else writes them.
 * Disposing this model disposes every effect, listener, timer and the socket.
 */
import { createModel, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { Availability } from '../protocol';
import type { WidgetConfig } from '../loader/config';
import { bindServerEvents } from './connection';
import { currentPage, environment, landingTouch, recordTouches, watchNavigation } from './context';
import type { Emitter } from './events';
import { EndingModel } from './lifecycle';
import { ChatModel } from './models/chat';
import { ConversationModel } from './models/conversation';
import { disposeModel, onDispose } from './models/dispose';
import { PanelModel } from './models/panel';
import { RequestModel } from './models/request';
import { SessionModel } from './models/session';
import { ViewModel } from './models/view';
import { createStorage, type Storage } from './storage';
import { createTransport, type ConnectionState, type Transport, type TransportOptions } from './transport';

export type { View } from './models/view';
export type { TimelineEntry } from './models/chat';

export interface WidgetPorts {
  config: WidgetConfig;
  emitter: Emitter;
  /** The DOM side of opening and closing: the host's attribute, the focus. */
  shown(open: boolean): void;
  /** The real transport unless told otherwise (tests, the designer's preview). */
  createTransport?: (options: TransportOptions) => Transport;
}

/**
 * Makes one widget's models in steps, each a slice of mounting (index.tsx), as any two of
 * the larger ones together were a long task on a phone: who the visitor is (the storage's
 * first read, the session); where they came from; the transport, made but not connected
 * (apart from where they came from: together the longest slice, past 50 ms on a slow
 * phone); the conversation; the form and the ending (with the conversation, the longest
 * model slice); the panel and the chat; then the view, the server's events and the
 * page's navigation, which return the widget's model.
 * The first three hold no effect; the transport, which listens to the page,
 * is closed by the conversation's model when disposed (`dispose` disposes whatever the
 * steps made so far). The transport must not connect before the conversation is made: its
 * handshake reads it.
 */
export function createWidget({ config, emitter, shown, createTransport: makeTransport }: WidgetPorts) {
  let storage!: Storage;
  let session!: SessionModel;
  let transport!: Transport;
  let conversation!: ConversationModel;
  const connection = signal<ConnectionState>('connecting');
  /** Last known, so a reload shows the right view before the server has spoken. */
  let availability!: Signal<Availability | null>;

  const who = () => {
    // Consent mode: nothing is written to the browser or sent before the visitor agrees
    // (opening the widget counts) or the host calls Confab('consent', true).
    const consentRequired = config.input.consent?.trim() === 'required';
    storage = createStorage(config.site, !consentRequired);
    session = new SessionModel(storage, { consentRequired, userToken: config.input.userToken });
  };

  let touches!: ReturnType<typeof recordTouches>;
  const came = () => {
    touches = recordTouches(storage, landingTouch(location.href, document.referrer, Date.now()));
    availability = signal(storage.get<Availability>('availability') ?? null);
  };
  const link = () => {
    transport = (makeTransport ?? createTransport)({
      server: config.server,
      auth: () => {
        const token = session.identityToken();
        return {
          site: config.site,
          visitorId: session.visitorId.peek(),
          conversationId: conversation.conversationId.peek(),
          lastChange: conversation.lastChange.peek(),
          name: config.name,
          email: config.email,
          page: currentPage(),
          ...touches,
          env: environment(),
          ...(token ? { token } : {}),
        };
      },
      // Connecting is a slice of mounting of its own (the model's `connect`).
      autoConnect: false,
      // One connection for all tabs that share the visitor (storage); alone otherwise, as before consent.
      tabs: storage.persistent ? `confab:${config.site}` : undefined,
      onIdentityRefused(reason) {
        console.error(
          `Confab: the identity token was refused (${reason}); the visitor chats without it. Sign a fresh token on your server.`,
        );
        session.identify(undefined);
      },
      onState: (state) => (connection.value = state),
    });
  };

  let request!: RequestModel;
  let ending!: EndingModel;
  let panel!: PanelModel;
  const giveConsent = () => {
    if (session.giveConsent()) transport.connect();
  };
  let chat!: ChatModel;
  /** The models made so far of the steps before the widget's, in order (`part`). */
  const conversing: object[] = [];
  const disposeConversing = () => conversing.forEach(disposeModel);
  /** A step whose models the widget's model disposes (they hold effects), or `dispose` before it. */
  const part = (make: () => void) => () =>
    void conversing.push(
      new (createModel(() => {
        make();
        return {};
      }))(),
    );
  // The first part's model closes the transport. The chat comes before the widget's
  // model rather than with the server's events: with it that step was mounting's longest.
  const talk = part(() => {
    onDispose(() => transport.close());
    conversation = new ConversationModel(storage);
  });
  const ask = part(() => {
    request = new RequestModel({ storage, transport, emitter, prefill: config });
    ending = new EndingModel({ conversation, transport, emitter });
  });
  const chatting = part(() => {
    panel = new PanelModel({
      conversation,
      emitter,
      thanks: request.thanks,
      giveConsent,
      settle() {
        if (request.thanks.peek()) request.finish();
        ending.settle();
      },
      shown,
    });
    chat = new ChatModel({ storage, conversation, transport, emitter, open: panel.isOpen, connection });
  });

  const Widget = createModel(() => {
    onDispose(disposeConversing);
    const view = new ViewModel({ conversation, chat, request, availability, open: panel.isOpen });

    onDispose(
      bindServerEvents(transport, {
        conversation,
        chat,
        request,
        emitter,
        setAvailability(next) {
          availability.value = next;
          storage.set('availability', next);
        },
        operatorMessage(message) {
          panel.operatorMessage(message);
          // A reply to a hidden tab shows in the page title: its own chunk, as most
          // replies reach a visitor who is looking. The settings are read there.
          if (document.hidden)
            void import('./attention').then((m) => m.attend(config, conversation, message, disposed, panel.open));
        },
      }),
    );
    /** Lets the title attention end with this widget. */
    const disposed = signal(false);
    onDispose(() => (disposed.value = true));
    // One connection across route changes: a navigation is a message, not a reconnect.
    onDispose(
      watchNavigation(() => {
        const page = currentPage();
        if (page) transport.page(page);
      }),
    );

    return {
      /** The page's settings as written (attributes, `Confab('update', …)`), for the chunks that read them. */
      settings: () => config.input,
      session,
      conversation,
      chat,
      request,
      ending,
      panel,
      view,
      connection: connection as ReadonlySignal<ConnectionState>,
      availability: availability as ReadonlySignal<Availability | null>,
      reconnectNow: () => transport.reconnectNow(),
      /** Opens the connection where the visitor has consented (giving consent opens it otherwise). */
      connect() {
        if (session.consented.peek()) transport.connect();
      },
      /** The acked requests of the lazy chunks (a fresh download URL, a transcript, an older page of history). */
      ask: transport.request,
      /** Consent given: from now on the widget may store and send (context goes once, on connect). */
      giveConsent,
      identify(token: string) {
        session.identify(token);
        transport.restart();
      },
      /** Confab('reset'): logout. The visitor is forgotten here and starts fresh. */
      reset() {
        session.forget();
        conversation.clear();
        chat.clear();
        request.clear();
        panel.dismissTeaser();
        transport.restart();
      },
    };
  });

  let widget: InstanceType<typeof Widget> | undefined;
  const makeWidget = () => (widget = new Widget());
  return {
    /** The steps that make the models; each holds what the ones before it made. */
    steps: [who, came, link, talk, ask, chatting],
    /** The last step: the view, the server's events, the page's navigation; returns the widget's model. */
    makeWidget,
    /**
     * Disposes whatever the steps made so far (the widget destroyed while mounting): the
     * widget's model, or the models before it, or the transport alone (it listens to the page).
     */
    dispose() {
      if (widget) disposeModel(widget);
      else if (conversing.length) disposeConversing();
      else transport?.close();
    },
  };
}

export type WidgetModel = ReturnType<ReturnType<typeof createWidget>['makeWidget']>;
