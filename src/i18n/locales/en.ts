/** English: the default locale, bundled with the widget; every other locale mirrors its keys. */
const en = {
  'launcher.open': 'Open chat',
  'launcher.close': 'Close chat',
  'launcher.unread': { one: 'Open chat, {count} unread message', other: 'Open chat, {count} unread messages' },
  'panel.label': 'Chat with {site}',
  'panel.close': 'Close chat',
  'header.fallbackName': 'Support',
  'status.connecting': 'Connecting…',
  'status.offline': 'No connection. Your messages will be sent when it is back.',
  'status.retry': 'Reconnect now',
  'log.label': 'Messages',
  'log.empty': 'Ask us anything.',
  'log.newConversation': 'New conversation',
  'message.you': 'You',
  'message.sending': 'Sending…',
  'message.waiting': 'Waiting for connection…',
  'message.sent': 'Sent',
  'message.retry': 'Retry',
  'composer.label': 'Your message',
  'composer.unsent': 'Your unsent message',
  'composer.placeholder': 'Write a message…',
  'composer.send': 'Send',
  'composer.tooLong': {
    one: '{count} character over the limit',
    other: '{count} characters over the limit',
  },
  'typing.operator': '{name} is typing…',
  'typing.someone': 'An operator is typing…',
  'chat.ended': 'The chat has ended. Write a message to start a new one.',
  'message.edited': 'edited',
  'message.deleted': 'Message deleted',
  'message.reply': 'Reply',
  'message.read': 'Read',
  'composer.replying': 'Replying to {name}',
  'composer.cancelReply': 'Cancel reply',
  'rating.thanks': 'Thank you for your rating!',
  'blocked.text': 'The operator ended the chat.',
  'error.load': 'The chat could not start.',
  'error.part': 'This could not be loaded. Check your connection.',
} satisfies Record<string, string | PluralForms>;

/** Forms keyed by `Intl.PluralRules` categories; `other` is always required. */
export interface PluralForms {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

/**
 * English for views that load on demand (the request form, the rating): it travels
 * in their chunks, see en-views.ts. Every other locale carries all keys in one file.
 */
export type CoreKey = keyof typeof en;
export type MessageKey =
  | CoreKey
  | keyof typeof import('./en-views').default
  | keyof typeof import('./en-attach').default
  | keyof typeof import('./en-attention').default
  | keyof typeof import('./en-tools').default;
export type Dictionary = Record<MessageKey, string | PluralForms>;

export default en as Record<CoreKey, string | PluralForms>;
