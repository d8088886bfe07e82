/**
 * Wires the transport to the models: every server event maps to model actions, in one
 * table, so what the server can make the widget do is readable at a glance.
 */
import type { Availability, ChatMessage, ServerToVisitor } from '../protocol';
import type { Emitter } from './events';
import type { ChatModel } from './models/chat';
import type { ConversationModel } from './models/conversation';
import type { RequestModel } from './models/request';
import type { Transport } from './transport';

export interface ConnectionTargets {
  conversation: ConversationModel;
  chat: ChatModel;
  request: RequestModel;
  emitter: Emitter;
  setAvailability(availability: Availability): void;
  /** A new operator message arrived live (for the teaser). */
  operatorMessage(message: ChatMessage): void;
}

export function bindServerEvents(transport: Transport, targets: ConnectionTargets): () => void {
  const { conversation, chat, request, emitter } = targets;
  const handlers: ServerToVisitor = {
    session(session) {
      chat.reconcile(session.messages.filter((m) => m.author === 'visitor').map((m) => m.clientId));
      chat.heard(session);
      conversation.applySession(session);
      request.setFormConfig(session.site.leadForm);
      chat.flush();
      request.flush();
    },
    'message:new'(message) {
      if (message.author === 'visitor') chat.reconcile([message.clientId]);
      // A message told twice is shown, announced and rung once.
      if (!conversation.receive(message)) return;
      if (message.author === 'operator') targets.operatorMessage(message);
      if (message.author !== 'system') {
        emitter.emit('message', { author: message.author, text: message.text, conversationId: message.conversationId });
      }
    },
    'message:updated': (message) => conversation.update(message),
    read: ({ conversationId, seq }) => conversation.operatorRead(conversationId, seq),
    rating: (rating) => conversation.setRating(rating.state === 'pending' || rating.state === 'draft' ? rating : null),
    typing: ({ typing }) => conversation.setOperatorTyping(typing),
    'operator:assigned': (operator) => conversation.setOperator(operator),
    'conversation:closed': ({ conversationId, reason }) => conversation.closed(conversationId, reason),
    availability: (availability) => targets.setAvailability(availability),
    queue: (state) => conversation.setQueue(state),
    unblocked: conversation.unblock,
  };
  const unsubscribe = (Object.keys(handlers) as (keyof ServerToVisitor)[]).map((event) =>
    transport.on(event, handlers[event]),
  );
  return () => unsubscribe.forEach((off) => off());
}
