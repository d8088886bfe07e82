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
  'log.empty': 'Ask us anything — we usually reply within a few minutes.',
  'log.earlier': 'Earlier conversation',
  'message.you': 'You',
  'message.sending': 'Sending…',
  'message.sent': 'Sent',
  'message.failed': 'Not sent.',
  'message.retry': 'Retry',
  'composer.label': 'Your message',
  'composer.placeholder': 'Write a message…',
  'composer.send': 'Send',
  'composer.tooLong': {
    one: '{count} character over the limit',
    other: '{count} characters over the limit',
  },
  'typing.operator': '{name} is typing…',
  'chat.ended': 'The chat has ended. Write a message to start a new one.',
  'form.title': 'Leave a request',
  'form.intro.nobody': 'No one can answer right now. Leave your contacts and we will get back to you.',
  'form.intro.hours': 'We are closed now. Leave your contacts and we will get back to you during working hours.',
  'form.name': 'Name',
  'form.phone': 'Phone',
  'form.email': 'E-mail',
  'form.message': 'Message',
  'form.optional': '(optional)',
  'form.contactHint': 'A phone number or an e-mail, so we can reach you.',
  'form.consent': 'I agree to the processing of my personal data',
  'form.privacy': 'Privacy policy',
  'form.submit': 'Leave a request',
  'form.errorSummary': 'Please correct the marked fields.',
  'form.error.required': 'Please fill this in.',
  'form.error.email': 'Enter an e-mail like name@example.com.',
  'form.error.phone': 'Enter a phone number: 7 to 15 digits; +, spaces, brackets and dashes are fine.',
  'form.error.tooLong': 'This is too long.',
  'form.error.contact': 'Leave a phone number or an e-mail so we can reach you.',
  'form.error.consent': 'We need your consent to contact you.',
  'offer.text': 'An operator is online now.',
  'offer.chat': 'Chat instead',
  'thanks.title': 'Thank you!',
  'thanks.text': 'We will contact you soon.',
  'thanks.pending': 'Your request is saved and will be sent as soon as the connection is back.',
  'error.invalid': 'This message cannot be sent.',
  'error.too_long': 'This message is too long.',
  'error.rate_limited': 'You are sending messages too quickly. Wait a moment.',
  'error.closed': 'This chat has ended.',
  'error.internal': 'Something went wrong on our side.',
  'error.load': 'The chat could not start.',
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

export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string | PluralForms>;

export default en as Dictionary;
