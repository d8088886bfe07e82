/** English strings of the lazily loaded views; registered by their chunks (see i18n/index.ts). */
import type { PluralForms } from './en';

const enViews = {
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
  'rating.title': 'How was the chat?',
  'rating.stars': 'Your rating',
  'rating.star': { one: '{count} star', other: '{count} stars' },
  'rating.comment': 'Anything to add? (optional)',
  'rating.commentLow': 'What went wrong? It helps us do better.',
  'rating.send': 'Send',
  'rating.skip': 'No, thanks',
} satisfies Record<string, string | PluralForms>;

export default enViews;
