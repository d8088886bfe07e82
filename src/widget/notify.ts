/**
 * System notifications of replies (the `Notification` API) for a visitor on another tab
 * who asked for them. Off unless the site or the page turns them on.
 *
 * Permission is asked only from the visitor's own click in the widget (`askPermission`
 * runs in that click's handler), never on page load and never because a reply came: an
 * unasked prompt is rude, and browsers quietly block it anyway.
 */

/**
 * Whether this browser can show a page's notifications. Phones cannot from a page (Android
 * Chrome only from a service worker, Safari only for home-screen apps), so none is offered there.
 */
export function canNotify(): boolean {
  return typeof Notification === 'function' && !matchMedia('(pointer: coarse)').matches;
}

/** Asks the browser for permission; call it only from the visitor's own action. */
export function askPermission(): Promise<NotificationPermission> {
  return Notification.requestPermission();
}

export interface Reply {
  /** The operator's name: the notification's title. */
  title: string;
  /** The reply's text, as text. */
  body: string;
  /** One notification per reply, however many tabs show it. */
  tag: string;
  /** The panel opens in the tab the notification came from. */
  open(): void;
}

/** Shows a reply as a notification, if the visitor allowed it and is on another tab. */
export function notifyReply({ title, body, tag, open }: Reply): void {
  if (!canNotify() || Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return;
  let notification: Notification;
  try {
    notification = new Notification(title, { body, tag });
  } catch {
    // Where only a service worker may show one, there is simply no notification.
    return;
  }
  notification.onclick = () => {
    window.focus();
    notification.close();
    open();
  };
}
