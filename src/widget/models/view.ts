/**
 * Which view the panel shows, and the rules for moving between them without losing
 * anything the visitor typed: the chat while a conversation is open or messages wait;
 * the request form once seen, or when nobody can answer; the thank-you after a request;
 * the rating after a normal end; the end of the line after a spam close.
 */
import { computed, createModel, effect, type ReadonlySignal } from '@preact/signals';
import type { Availability } from '../../protocol';
import type { ChatModel } from './chat';
import type { ConversationModel } from './conversation';
import type { RequestModel } from './request';

export type View = 'chat' | 'form' | 'thanks' | 'rating' | 'blocked';

export interface ViewPorts {
  conversation: ConversationModel;
  chat: ChatModel;
  request: RequestModel;
  availability: ReadonlySignal<Availability | null>;
  open: ReadonlySignal<boolean>;
}

export const ViewModel = createModel(({ conversation, chat, request, availability, open }: ViewPorts) => {
  const inConversation = computed(() => conversation.status.value === 'open' || chat.waiting.value.length > 0);
  const view = computed<View>(() => {
    if (request.thanks.value) return 'thanks';
    if (conversation.blocked.value) return 'blocked';
    if (conversation.rating.value) return 'rating';
    // A visitor in a chat keeps it when operators go away: their messages wait for them.
    if (inConversation.value) return 'chat';
    if (request.pinned.value) return 'form';
    return availability.value && !availability.value.online ? 'form' : 'chat';
  });
  /** The form is up but someone can chat now: offer it, without throwing the form away. */
  const chatOffer = computed(() => view.value === 'form' && availability.value?.online === true);
  let lastView = view.peek();
  effect(() => {
    const current = view.value;
    // The form's model loads as its view does, while the panel may still be closed.
    if (current === 'form') void request.loadForm().catch(() => {});
    if (current === 'form' && open.value) {
      request.pin();
      request.withForm((form) => form.shown());
    }
    // Operators left before the visitor sent anything: their words move to the form.
    const typed = chat.draft.peek().trim();
    if (lastView === 'chat' && current === 'form' && typed) {
      chat.setDraft('');
      request.withForm((form) => {
        const kept = form.draft.peek().message.trim();
        form.set('message', kept && kept !== typed ? `${kept}\n${typed}` : typed);
      });
    }
    lastView = current;
  });
  // An untouched form closed by the visitor need not stay pinned.
  effect(() => {
    if (!open.value && !request.form.value?.touched.value) request.unpin();
  });

  return {
    view,
    chatOffer,
    /**
     * "Chat instead": the form's message moves to the composer (one copy, never two), with
     * the phone the visitor typed, so the operator gets the number too; the form keeps its contacts.
     */
    chooseChat() {
      request.unpin();
      const form = request.form.peek();
      if (!form) return;
      const { message, phone } = form.draft.peek();
      const moved = phone.trim() ? `${message.trim()}\n${phone.trim()}`.trim() : message;
      if (!moved.trim()) return;
      const typed = chat.draft.peek().trim();
      chat.setDraft(typed && typed !== moved.trim() ? `${typed}\n${moved}` : moved);
      form.set('message', '');
    },
  };
});

export type ViewModel = InstanceType<typeof ViewModel>;
