/**
 * An unread count on the page's favicon while a reply waits in a hidden tab. Its own
 * chunk, loaded only when the site or the page turned it on and a reply reached a
 * hidden tab.
 *
 * The favicon belongs to the host page, so its links are never edited: the badge is an
 * icon link of our own, appended last (browsers use the last one), drawn over the icon
 * the page shows at that moment. Removing it gives the page its icon back exactly, also
 * one the page changed while the visitor was away — the same rule as the title.
 */
import { effect, type ReadonlySignal } from '@preact/signals';

/** Draws `count` over the icon at `href` (left out when it cannot be read); resolves with an image URL. */
export type DrawBadge = (href: string, count: number) => Promise<string>;

const SIZE = 32;
/** The launcher badge's red, so the two read as one signal. */
const BADGE_RED = '#d92d20';
/** An icon that does not load in this time is left out of the badge. */
const ICON_WAIT_MS = 2000;

let stop: (() => void) | undefined;

/** The page's own icon right now: its last icon link, or the browser's default. */
function hostIcon(ours: HTMLLinkElement): string {
  const links = [...document.querySelectorAll<HTMLLinkElement>('link[rel~="icon" i]')].filter((l) => l !== ours);
  return links[links.length - 1]?.href || new URL('/favicon.ico', location.href).href;
}

/**
 * Shows the unread count on the favicon while the tab is hidden, until the visitor comes
 * back or `until` turns true (the widget is gone). Does nothing in a visible tab or when
 * it is already running.
 */
export function badgeFavicon(
  unread: ReadonlySignal<number>,
  until?: ReadonlySignal<boolean>,
  draw: DrawBadge = drawBadge,
): void {
  if (stop || document.visibilityState !== 'hidden') return;
  const link = document.createElement('link');
  link.rel = 'icon';
  link.dataset.confab = 'badge';
  /** Counts each redraw, so a slow drawing never lands after a newer one or after the end. */
  let drawing = 0;
  const show = async (count: number) => {
    const current = ++drawing;
    if (!count) return link.remove();
    const href = await draw(hostIcon(link), count);
    if (current !== drawing) return;
    link.href = href;
    // Appended again each time: last among the icon links, after any the page added meanwhile.
    document.head.append(link);
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') stopFaviconBadge();
  };
  let stopCount: (() => void) | undefined;
  let stopUntil: (() => void) | undefined;
  stop = () => {
    drawing++;
    stopCount?.();
    stopUntil?.();
    document.removeEventListener('visibilitychange', onVisibility);
    link.remove();
  };
  document.addEventListener('visibilitychange', onVisibility);
  stopCount = effect(() => void show(unread.value));
  stopUntil = effect(() => {
    if (until?.value) stopFaviconBadge();
  });
}

/** The visitor is back, or the widget is gone: the page's own icon shows again. */
export function stopFaviconBadge(): void {
  const end = stop;
  stop = undefined;
  end?.();
}

function loadIcon(href: string): Promise<HTMLImageElement | null> {
  return new Promise((resolve) => {
    const image = new Image();
    // Read without credentials; an icon from another origin without CORS fails to load and is left out.
    image.crossOrigin = 'anonymous';
    const timer = setTimeout(() => resolve(null), ICON_WAIT_MS);
    image.onload = () => {
      clearTimeout(timer);
      resolve(image);
    };
    image.onerror = () => {
      clearTimeout(timer);
      resolve(null);
    };
    image.src = href;
  });
}

/** The page's icon with a red count in its corner ("9+" above nine), as a PNG data URL. */
export async function drawBadge(href: string, count: number): Promise<string> {
  const icon = await loadIcon(href);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = SIZE;
  const context = canvas.getContext('2d');
  if (!context) return href;
  const paint = (withIcon: boolean) => {
    context.clearRect(0, 0, SIZE, SIZE);
    if (withIcon && icon) context.drawImage(icon, 0, 0, SIZE, SIZE);
    const radius = 11;
    context.fillStyle = BADGE_RED;
    context.beginPath();
    context.arc(SIZE - radius, radius, radius, 0, 2 * Math.PI);
    context.fill();
    context.fillStyle = '#fff';
    context.font = `bold ${count > 9 ? 12 : 16}px system-ui,sans-serif`;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.fillText(count > 9 ? '9+' : String(count), SIZE - radius, radius + 1);
    return canvas.toDataURL('image/png');
  };
  try {
    return paint(true);
  } catch {
    // A tainted canvas (an icon served without CORS after a redirect): the count alone.
    return paint(false);
  }
}
