/**
 * Desktop notifications through the browser's Notification API. Permission is asked
 * only from the operator's click on the setting, never on load.
 */
export type DesktopPermission = NotificationPermission | 'unsupported';

export function desktopPermission(): DesktopPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Call from a click handler: browsers refuse (or penalise) permission prompts without one. */
export async function askDesktopPermission(): Promise<DesktopPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission !== 'default') return Notification.permission;
  return Notification.requestPermission();
}

/**
 * Shows one notification; `tag` replaces the previous one of the same conversation
 * instead of stacking. The body is plain text (notifications render no markup).
 */
export function showDesktop(title: string, body: string, tag: string, onClick: () => void): void {
  if (desktopPermission() !== 'granted') return;
  try {
    const note = new Notification(title, { body, tag });
    note.onclick = () => {
      window.focus();
      onClick();
      note.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker: the sound remains.
  }
}
