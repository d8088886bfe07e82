/**
 * Which view the panel shows, and the rules for moving between them without losing
 * anything the visitor typed: the chat while a conversation is open or messages wait;
 * the request form once seen, or when nobody can answer; the thank-you after a request;
 * the rating after a normal end; the end of the line after a spam close.
 */
import { computed, effect, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { Availability } from '../../protocol';
import type { ConversationModel } from './conversation';
import type { LeadFormModel } from './lead-form';

export type View = 'chat' | 'form' | 'thanks' | 'rating' | 'blocked';

export interface ViewPorts {
  conversation: ConversationModel;
  /** Visitor messages not yet acknowledged: a conversation is under way. */
  waiting: ReadonlySignal<unknown[]>;
  availability: ReadonlySignal<Availability | null>;
  open: ReadonlySignal<boolean>;
  draft: Signal<string>;
  leadForm: LeadFormModel;
  thanks: Signal<boolean>;
}

export function createViewModel({ conversation, waiting, availability, open, draft, leadForm, thanks }: ViewPorts) {
  /** The visitor has seen the form: it stays until they choose the chat. */
  const formPinned = signal(false);
  const inConversation = computed(() => conversation.status.value === 'open' || waiting.value.length > 0);
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

  let lastView = view.peek();
  const disposers = [
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

  return {
    view,
    chatOffer,
    /** The server refused a request: back to the form. */
    pinForm() {
      formPinned.value = true;
    },
    /** "Chat instead": the form's message goes to the composer, the form keeps its copy. */
    chooseChat() {
      formPinned.value = false;
      if (!draft.peek().trim()) draft.value = leadForm.draft.peek().message;
    },
    /** After the thank-you: a fresh form for next time. */
    finishLead() {
      thanks.value = false;
      formPinned.value = false;
      leadForm.reset();
    },
    dispose() {
      disposers.forEach((dispose) => dispose());
    },
  };
}
