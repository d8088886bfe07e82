/** What is on screen beyond the session's data: the open dialog. */
import { signal } from '@preact/signals';
import type { Confirmation } from './dialog';
import type { ChatMessage } from '../src/protocol';
import type { OperatorSession } from './session';

export const confirmation = signal<Confirmation | null>(null);
export const helpOpen = signal(false);
export const cannedOpen = signal(false);
export const transferOpen = signal(false);

/** Why the last End or Spam was refused (a colleague has the chat), shown with that chat until the next try. */
export const closeRefusal = signal<{ conversationId: string; text: string } | null>(null);

/**
 * Asks before ending the open chat, normally or as spam (Spam also bars the visitor).
 * Only the operator who has the chat ends it (the server enforces it too).
 */
export function askToClose(s: OperatorSession, spam: boolean) {
  const id = s.selectedId.value;
  const conversation = id ? s.conversations.value.get(id) : undefined;
  if (conversation?.status !== 'open') return;
  const holder = conversation.operatorId;
  if (holder !== null && holder !== s.me.value?.id) {
    const name = s.team.value.find((m) => m.id === holder)?.name ?? 'A colleague';
    closeRefusal.value = {
      conversationId: conversation.id,
      text: `${name} is answering this chat: only ${name} can end it.`,
    };
    return;
  }
  const close = (asSpam: boolean) => () =>
    void s
      .closeSelected(asSpam)
      .then((refused) => (closeRefusal.value = refused ? { conversationId: conversation.id, text: refused } : null));
  closeRefusal.value = null;
  confirmation.value = spam
    ? {
        title: 'Mark this chat as spam?',
        body: 'The chat ends and this visitor can no longer start a chat or send a request, until someone presses Undo spam in the closed chat.',
        confirm: 'Mark as spam and block',
        danger: true,
        onConfirm: close(true),
      }
    : {
        title: 'End this chat?',
        body: 'The visitor is told the chat has ended and is asked to rate it.',
        confirm: 'End chat',
        danger: true,
        onConfirm: close(false),
      };
}

/** Asks before deleting one's own message: the visitor sees it go, and there is no undo. */
export function askToDelete(s: OperatorSession, message: ChatMessage) {
  const excerpt = message.text.length > 80 ? `${message.text.slice(0, 80)}…` : message.text;
  confirmation.value = {
    title: 'Delete this message?',
    body: `${excerpt ? `“${excerpt}” ` : ''}is removed for the visitor too, with its files. This cannot be undone.`,
    confirm: 'Delete message',
    danger: true,
    onConfirm: () => void s.remove(message.id),
  };
}
