/**
 * Keyboard shortcuts: one table, read by the key handler, the "?" help dialog and the
 * README. Single keys act only when the focus is not in a text field (so typing is never
 * taken over); Alt+arrows work everywhere; Escape leaves a text field. Ctrl/Cmd
 * combinations are left to the browser.
 */
export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'composer'
  | 'end'
  | 'spam'
  | 'search'
  | 'help'
  | 'leave-field'
  | 'tab-new'
  | 'tab-mine'
  | 'tab-all'
  | 'tab-closed'
  | 'tab-leads'
  | 'tab-online';

export interface Shortcut {
  /** The keys as shown to people. */
  keys: string[];
  action: ShortcutAction;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['j', 'Alt+↓'], action: 'next', description: 'Next conversation or request in the list' },
  { keys: ['k', 'Alt+↑'], action: 'previous', description: 'Previous conversation or request in the list' },
  { keys: ['r'], action: 'composer', description: 'Write a reply (focus the message field)' },
  { keys: ['e'], action: 'end', description: 'End the open chat (asks first)' },
  { keys: ['s'], action: 'spam', description: 'Mark the open chat as spam (asks first)' },
  { keys: ['/'], action: 'search', description: 'Search and filter the list' },
  { keys: ['1'], action: 'tab-new', description: 'Tab: New' },
  { keys: ['2'], action: 'tab-mine', description: 'Tab: Mine' },
  { keys: ['3'], action: 'tab-all', description: 'Tab: All' },
  { keys: ['4'], action: 'tab-closed', description: 'Tab: Closed' },
  { keys: ['5'], action: 'tab-leads', description: 'Tab: Requests' },
  { keys: ['6'], action: 'tab-online', description: 'Tab: On site' },
  { keys: ['?'], action: 'help', description: 'Show these shortcuts' },
  { keys: ['Esc'], action: 'leave-field', description: 'Leave the text field (then single keys work)' },
];

const SINGLE_KEYS: Record<string, ShortcutAction> = {
  j: 'next',
  k: 'previous',
  r: 'composer',
  e: 'end',
  s: 'spam',
  '/': 'search',
  '?': 'help',
  '1': 'tab-new',
  '2': 'tab-mine',
  '3': 'tab-all',
  '4': 'tab-closed',
  '5': 'tab-leads',
  '6': 'tab-online',
};

export interface KeyPress {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  isComposing?: boolean;
}

/** What a key press means, given whether the focus is in a text field; null: not ours. */
export function actionFor(press: KeyPress, inTextField: boolean): ShortcutAction | null {
  if (press.ctrlKey || press.metaKey || press.isComposing) return null;
  if (press.altKey) return press.key === 'ArrowDown' ? 'next' : press.key === 'ArrowUp' ? 'previous' : null;
  if (inTextField) return press.key === 'Escape' ? 'leave-field' : null;
  return SINGLE_KEYS[press.key] ?? null;
}

/** Whether typing into `element` would insert text (so single-key shortcuts must stay off). */
export function isTextField(element: Element | null): boolean {
  if (!element) return false;
  if (element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) return true;
  if (element instanceof HTMLInputElement)
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(element.type);
  return element instanceof HTMLElement && element.isContentEditable;
}
