/** How the console names operator statuses, and what each does to routing (the server decides). */
import type { OperatorStatus } from '../src/protocol';

export const STATUS_LABEL: Record<OperatorStatus, string> = {
  available: 'Available',
  busy: 'Busy (no new chats)',
  break: 'Break',
  away: 'Away',
  dnd: 'Do not disturb',
  off: 'Off work',
  offline: 'Offline',
};
