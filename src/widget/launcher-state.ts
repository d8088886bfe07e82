/**
 * Keeps the loader's launcher in step with the widget: its accessible name, its
 * expanded state, a close icon while open, and the unread badge while closed.
 */
import { effect, type ReadonlySignal } from '@preact/signals';
import { t } from '../i18n';
import type { Launcher } from '../loader/contract';
import { CHAT_ICON } from '../loader/launcher';
import { CLOSE_PATH } from './views/icons';

export function bindLauncher(
  { button, icon }: Launcher,
  open: ReadonlySignal<boolean>,
  unread: ReadonlySignal<number>,
) {
  const badge = document.createElement('span');
  badge.className = 'badge';
  button.append(badge);
  return effect(() => {
    const isOpen = open.value;
    const count = isOpen ? 0 : unread.value;
    button.setAttribute('aria-expanded', String(isOpen));
    // Open, the panel's own close button is the one tab stop for closing (two in a row
    // confused keyboard users); a click still closes, and focus comes back here.
    button.tabIndex = isOpen ? -1 : 0;
    button.setAttribute(
      'aria-label',
      isOpen ? t('launcher.close') : count ? t('launcher.unread', { count }) : t('launcher.open'),
    );
    icon.setAttribute('d', isOpen ? CLOSE_PATH : CHAT_ICON);
    badge.hidden = count < 1;
    badge.textContent = count > 99 ? '99+' : String(count);
  });
}
