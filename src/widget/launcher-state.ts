/**
 * Keeps the loader's launcher in step with the widget: its accessible name, its
 * expanded state, a close icon while open, and the unread badge while closed.
 */
import { effect, type ReadonlySignal } from '@preact/signals';
import { t } from '../i18n';
import type { Launcher } from '../loader/contract';
import { CHAT_ICON } from '../loader/launcher';

const CLOSE_ICON = 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z';

export function bindLauncher(launcher: Launcher, open: ReadonlySignal<boolean>, unread: ReadonlySignal<number>) {
  const badge = document.createElement('span');
  badge.className = 'badge';
  launcher.button.append(badge);
  return effect(() => {
    const isOpen = open.value;
    const count = isOpen ? 0 : unread.value;
    launcher.button.setAttribute('aria-expanded', String(isOpen));
    launcher.button.setAttribute(
      'aria-label',
      isOpen ? t('launcher.close') : count ? t('launcher.unread', { count }) : t('launcher.open'),
    );
    launcher.icon.setAttribute('d', isOpen ? CLOSE_ICON : CHAT_ICON);
    badge.hidden = count < 1;
    badge.textContent = count > 99 ? '99+' : String(count);
  });
}
