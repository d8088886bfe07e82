/** Carries out the shortcuts of ./shortcuts.ts on the console's state. */
import type { OperatorSession, Tab } from './session';
import { actionFor, isTextField, type ShortcutAction } from './shortcuts';
import { askToClose, cannedOpen, confirmation, helpOpen } from './ui-state';

const TAB_OF: Partial<Record<ShortcutAction, Tab>> = {
  'tab-new': 'new',
  'tab-mine': 'mine',
  'tab-all': 'all',
  'tab-closed': 'closed',
  'tab-leads': 'leads',
  'tab-online': 'online',
};

/** Moves the selection one step in the list on screen (conversations or requests). */
function step(s: OperatorSession, by: 1 | -1) {
  if (s.tab.value === 'online') return;
  const leads = s.tab.value === 'leads';
  const ids = leads ? s.leadList.value.map((l) => l.id) : s.list.value.map((c) => c.id);
  if (ids.length === 0) return;
  const current = ids.indexOf((leads ? s.selectedLeadId.value : s.selectedId.value) ?? '');
  const next =
    ids[current === -1 ? (by === 1 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, current + by))]!;
  if (leads) s.selectedLeadId.value = next;
  else void s.select(next);
  // Keep the keyboard where the eye goes: the chosen row.
  queueMicrotask(() =>
    document.querySelector<HTMLElement>(`[data-${leads ? 'lead' : 'conversation'}="${CSS.escape(next)}"]`)?.focus(),
  );
}

export function run(s: OperatorSession, action: ShortcutAction) {
  switch (action) {
    case 'next':
      return step(s, 1);
    case 'previous':
      return step(s, -1);
    case 'composer':
      return document.querySelector<HTMLTextAreaElement>('textarea[name=reply]')?.focus();
    case 'search':
      return document.querySelector<HTMLInputElement>('#search')?.focus();
    case 'end':
      return askToClose(s, false);
    case 'spam':
      return askToClose(s, true);
    case 'help':
      helpOpen.value = true;
      return;
    case 'leave-field':
      return (document.activeElement as HTMLElement | null)?.blur();
    default: {
      const tab = TAB_OF[action];
      if (tab) s.tab.value = tab;
    }
  }
}

export function installShortcuts(current: () => OperatorSession | null) {
  document.addEventListener('keydown', (event) => {
    const s = current();
    // No shortcuts before login, nor behind an open dialog (it has its own keys).
    if (!s || event.defaultPrevented || confirmation.value || helpOpen.value || cannedOpen.value) return;
    const action = actionFor(event, isTextField(document.activeElement));
    if (!action) return;
    event.preventDefault();
    run(s, action);
  });
}
