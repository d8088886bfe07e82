/**
 * Older history on demand: the session brings the newest page, and scrolling up asks the
 * server for the page before the oldest message held. The request goes through the
 * widget's one acked-request port, so it travels whichever way the connection does.
 */
import { createModel, signal, type ReadonlySignal } from '@preact/signals';
import { LIMITS } from '../../protocol';
import type { Transport } from '../transport';
import type { ConversationModel } from './conversation';

export type OlderState = 'idle' | 'loading' | 'failed';

export interface HistoryPorts {
  conversation: ConversationModel;
  ask: Transport['request'];
}

export const HistoryModel = createModel(({ conversation, ask }: HistoryPorts) => {
  const state = signal<OlderState>('idle');
  return {
    state: state as ReadonlySignal<OlderState>,
    /** Asks for the page before the oldest message held; true once it is in the model. */
    async loadOlder(): Promise<boolean> {
      const oldest = conversation.messages.peek()[0];
      if (!oldest || !conversation.hasOlder.peek() || state.peek() === 'loading') return false;
      state.value = 'loading';
      try {
        const page = await ask('history:page', {
          conversationId: oldest.conversationId,
          beforeSeq: oldest.seq,
          limit: LIMITS.historyPage,
        });
        if (!page.ok) throw new Error(page.error.code);
        state.value = 'idle';
        return conversation.prepend(oldest.id, page.messages, page.hasMore);
      } catch {
        // Offline, refused or too slow: the list offers to try again.
        state.value = 'failed';
        return false;
      }
    },
  };
});

export type HistoryModel = InstanceType<typeof HistoryModel>;
