/**
 * A reply for a visitor who is on another tab: the page title shows the unread count,
 * alternating the operator's name with the page's own title, until the visitor comes
 * back. Its own chunk, loaded only when a reply reaches a hidden tab.
 *
 * The title belongs to the host page. Each tick first checks whether the page changed
 * it since we last wrote (a route change, its own counter): that title becomes the one
 * to show and to restore. On return the title is put back only if it is still ours.
 */
import { effect, type ReadonlySignal } from '@preact/signals';
import type { ChatMessage } from '../protocol';
import type { WidgetConfig } from '../loader/config';
import type { ConversationModel } from './models/conversation';

const ALTERNATE_MS = 1500;

let quiet: (() => void) | undefined;

/**
 * Gets attention for `message`, unless the site (`titleAlert: false`) or the page
 * (`titleAlert: 'off'`) turned it off; `disposed` ends it with the widget.
 */
export function attend(
  config: WidgetConfig,
  conversation: ConversationModel,
  message: ChatMessage,
  disposed: ReadonlySignal<boolean>,
): void {
  if (config.input.titleAlert === 'off' || conversation.site.peek()?.titleAlert === false) return;
  startAttention(conversation.unread, message.operator?.name ?? '', disposed);
}

/** The title alternation itself, if the tab is hidden and it is not already running. */
export function startAttention(
  unread: ReadonlySignal<number>,
  operatorName: string,
  until?: ReadonlySignal<boolean>,
): void {
  if (quiet || document.visibilityState !== 'hidden') return;
  let hostTitle = document.title;
  let written: string | undefined;
  let showName = false;

  const tick = () => {
    if (document.title !== written) hostTitle = document.title;
    const count = unread.peek();
    showName = !showName;
    written = count ? `(${count}) ${showName ? operatorName : hostTitle}` : hostTitle;
    document.title = written;
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') stopAttention();
  };
  const timer = setInterval(tick, ALTERNATE_MS);
  document.addEventListener('visibilitychange', onVisibility);
  let stopWatching: (() => void) | undefined;
  quiet = () => {
    clearInterval(timer);
    stopWatching?.();
    document.removeEventListener('visibilitychange', onVisibility);
    if (document.title === written) document.title = hostTitle;
  };
  tick();
  stopWatching = effect(() => {
    if (until?.value) stopAttention();
  });
}

/** The visitor is back, or the widget is gone: the title is the page's again. */
export function stopAttention(): void {
  const stop = quiet;
  quiet = undefined;
  stop?.();
}
