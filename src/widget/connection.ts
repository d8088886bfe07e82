/**
 * Wires the transport to the models: every server event maps to one model action,
 * in one table, so what the server can make the widget do is readable at a glance.
 */
import type { ServerToVisitor } from '../protocol';
import type { Delivery } from './delivery';
import type { Emitter } from './events';
import type { ConversationModel } from './models/conversation';
import type { Transport } from './transport';

export function bindServerEvents(
  transport: Transport,
  conversation: ConversationModel,
  delivery: Delivery,
  emitter: Emitter,
): () => void {
  const handlers: ServerToVisitor = {
    session(session) {
      delivery.reconcile(session.messages);
      conversation.applySession(session);
      void delivery.flush();
    },
    'message:new'(message) {
      delivery.reconcile([message]);
      conversation.receive(message);
      if (message.author !== 'system') {
        emitter.emit('message', { author: message.author, text: message.text, conversationId: message.conversationId });
      }
    },
    typing: ({ typing }) => conversation.setOperatorTyping(typing),
    'operator:assigned': (operator) => conversation.setOperator(operator),
    'conversation:closed': ({ conversationId }) => conversation.closed(conversationId),
  };
  const unsubscribe = (Object.keys(handlers) as (keyof ServerToVisitor)[]).map((event) =>
    transport.on(event, handlers[event]),
  );
  return () => unsubscribe.forEach((off) => off());
}
