/** English strings of the attachment chunks (picking, recording, showing files); registered by them. */
import type { PluralForms } from './en';

const enAttach = {
  'attach.remove': 'Remove {name}',
  'attach.chosen': 'Files to send',
  'attach.error.type': 'This type of file cannot be sent. Allowed: {types}.',
  'attach.error.size': 'This file is too large. The limit is {size}.',
  'attach.error.count': { one: 'At most {count} file per message.', other: 'At most {count} files per message.' },
  'attach.error.empty': 'This file is empty.',
  'attach.refusedFile': '{name}: {reason}',
  'attach.refused.too_large': 'Too large to send.',
  'attach.refused.type_not_allowed': 'This type of file is not allowed.',
  'attach.refused.quota': 'You have sent as many files as you can for now.',
  'attach.uploading': 'Uploading {name}',
  'attach.cancel': 'Cancel',
  'attach.download': 'Download',
  'attach.open': 'Open image {name}',
  'attach.close': 'Close image',
  'attach.voice': 'Voice message',
  'voice.record': 'Record',
  'voice.stop': 'Stop recording',
  'voice.recording': 'Recording',
  'voice.limit': 'Up to {limit}',
  'voice.delete': 'Delete recording',
  'voice.send': 'Send recording',
  'voice.asking': 'Allow the microphone to record.',
  'voice.denied': 'The microphone is blocked. Allow it in the browser’s site settings to record.',
  'voice.unsupported': 'This browser cannot record audio.',
  'voice.failed': 'The recording failed. Try again.',
} satisfies Record<string, string | PluralForms>;

export default enAttach;
