/**
 * The panel: open or closed, and what each move means. Opening is the visitor's
 * consent where the site asks for it and puts the focus in the composer; closing
 * settles a rating left as stars, ends a thank-you, and returns the focus to the
 * launcher. An operator message that arrives while closed shows as a teaser (and may
 * chime); the thank-you closes the panel by itself after a moment.
 */
import { createModel, effect, signal, type ReadonlySignal } from '@preact/signals';
import type { ChatMessage } from '../../protocol';
import type { Emitter } from '../events';
import type { ConversationModel } from './conversation';

/** How long the thank-you stays before the widget closes. */
export const THANKS_MS = 4000;

export interface PanelPorts {
  conversation: ConversationModel;
  emitter: Emitter;
  /** Whether a thank-you is showing. */
  thanks: ReadonlySignal<boolean>;
  /** Opening counts as consent. */
  giveConsent(): void;
  /** Closing: a thank-you ends, stars become the rating. */
  settle(): void;
  /** The DOM side of opening and closing (the host's attribute and the focus). */
  shown(open: boolean): void;
}

export const PanelModel = createModel(({ conversation, emitter, thanks, giveConsent, settle, shown }: PanelPorts) => {
  const open = signal(false);
  /** An operator message that arrived while the panel was closed, shown by the launcher. */
  const teaser = signal<ChatMessage | null>(null);

  const setOpen = (next: boolean) => {
    if (open.peek() === next) return;
    // Opening the widget is the visitor's consent where the site asks for it.
    if (next) giveConsent();
    open.value = next;
    if (next) teaser.value = null;
    else settle();
    shown(next);
    emitter.emit(next ? 'open' : 'close', undefined);
  };

  // Read anywhere (another tab too), the teaser has done its work.
  effect(() => {
    if (!conversation.unread.value) teaser.value = null;
  });

  // Seed 000: after "Leave a request" the visitor is thanked and the widget closes itself.
  effect(() => {
    if (!thanks.value) return;
    const timer = setTimeout(() => setOpen(false), THANKS_MS);
    return () => clearTimeout(timer);
  });

  return {
    isOpen: open as ReadonlySignal<boolean>,
    teaser: teaser as ReadonlySignal<ChatMessage | null>,
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!open.peek()),
    /** A new operator message arrived live. */
    operatorMessage(message: ChatMessage) {
      if (open.peek()) return;
      teaser.value = message;
      // Seed 003: an operator writing first may ring, where the site wants it.
      const visitorWrote = conversation.messages
        .peek()
        .some((m) => m.conversationId === message.conversationId && m.author === 'visitor');
      // The chime is its own small chunk: most sites never ring. Once per message, in one tab.
      if (!visitorWrote && conversation.site.peek()?.sound)
        void import('../sound').then((sound) => sound.chime(message.id));
    },
    /** The visitor has seen the message in the teaser: read, in every tab. */
    dismissTeaser() {
      teaser.value = null;
      conversation.markRead();
    },
  };
});

export type PanelModel = InstanceType<typeof PanelModel>;
