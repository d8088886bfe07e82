/**
 * The end of a conversation, from the visitor's side: ending it (after the view's
 * confirmation) and rating it — stars as a draft that may change, then final.
 */
import { createModel, signal, type ReadonlySignal } from '@preact/signals';
import type { Emitter } from './events';
import type { ConversationModel } from './models/conversation';
import type { Transport } from './transport';

export interface LifecyclePorts {
  conversation: ConversationModel;
  transport: Transport;
  emitter: Emitter;
}

export const EndingModel = createModel(({ conversation, transport, emitter }: LifecyclePorts) => {
  /** True after a rating was given, until the panel closes: to thank the visitor. */
  const rated = signal(false);
  /** Stars (draft, may change) or the final rating with its comment. */
  const rate = async (score: number, comment: string | undefined, final: boolean): Promise<boolean> => {
    const current = conversation.rating.peek();
    if (!current) return false;
    conversation.setRating({ ...current, state: final ? 'given' : 'draft', score, ...(comment ? { comment } : {}) });
    try {
      const result = await transport.rate({
        conversationId: current.conversationId,
        score,
        final,
        ...(comment ? { comment } : {}),
      });
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
  };
  return {
    rated: rated as ReadonlySignal<boolean>,
    /** The panel closed: stars chosen and left there are the visitor's rating. */
    settle() {
      const rating = conversation.rating.peek();
      if (rating?.state === 'draft' && rating.score) void rate(rating.score, rating.comment, true);
      rated.value = false;
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
    rate,
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
  };
});

export type EndingModel = InstanceType<typeof EndingModel>;
