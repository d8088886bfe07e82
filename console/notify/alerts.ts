/**
 * Which incoming messages deserve the operator's attention. Pure, so the rule is tested
 * on its own: a visitor message in a chat nobody has taken ("new chat") or in one's own
 * chat ("message") — unless that chat is on screen in a visible tab. Messages in a
 * colleague's chat, the operators' own messages and replays never alert.
 */
import type { ChatMessage, ConversationSummary } from '../../src/protocol';

export type AlertKind = 'new-chat' | 'message';

export interface AttentionState {
  me: string | undefined;
  selectedId: string | null;
  visible: boolean;
}

export function alertFor(
  message: Pick<ChatMessage, 'author' | 'conversationId'>,
  conversation: Pick<ConversationSummary, 'status' | 'operatorId'> | undefined,
  state: AttentionState,
): AlertKind | null {
  if (message.author !== 'visitor') return null;
  if (state.visible && state.selectedId === message.conversationId) return null;
  if (conversation && conversation.status !== 'open') return null;
  const owner = conversation?.operatorId ?? null;
  if (!owner) return 'new-chat';
  return owner === state.me ? 'message' : null;
}
