/**
 * The favicon badge's rule: the host's icon links are never edited, the badge is ours and
 * last, and the page's icon — the one it has now — is what shows once the visitor is back.
 * happy-dom has no canvas, so the drawing is a recorder here (it says what it drew over);
 * the browser test draws with Chromium's canvas.
 */
import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { badgeFavicon, stopFaviconBadge } from '../../../src/widget/favicon';

const drawn: { over: string; count: number }[] = [];
const draw = async (over: string, count: number) => {
  drawn.push({ over, count });
  return `data:image/png;base64,badge${count}`;
};
const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
};
const iconLinks = () =>
  [...document.head.querySelectorAll<HTMLLinkElement>('link[rel~=icon]')].map((l) => l.getAttribute('href'));
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  drawn.length = 0;
  document.head.innerHTML = '<link rel="icon" href="/shop.png"><link rel="apple-touch-icon" href="/touch.png">';
});
afterEach(() => {
  stopFaviconBadge();
  setVisibility('visible');
});

describe('favicon badge', () => {
  it('adds its own icon, last, over the page icon; follows the count; takes it away on return', async () => {
    const unread = signal(1);
    setVisibility('hidden');
    badgeFavicon(unread, undefined, draw);
    await settled();
    expect(iconLinks()).toEqual(['/shop.png', 'data:image/png;base64,badge1']);
    expect(drawn).toEqual([{ over: `${location.origin}/shop.png`, count: 1 }]);

    unread.value = 3;
    await settled();
    expect(iconLinks()).toEqual(['/shop.png', 'data:image/png;base64,badge3']);

    setVisibility('visible');
    expect(document.head.innerHTML).toBe(
      '<link rel="icon" href="/shop.png"><link rel="apple-touch-icon" href="/touch.png">',
    );
  });

  it('never clobbers an icon the page changed meanwhile: draws over it, and leaves it on return', async () => {
    const unread = signal(1);
    setVisibility('hidden');
    badgeFavicon(unread, undefined, draw);
    await settled();
    // The page changes its own icon, and adds another after ours.
    document.head.querySelector<HTMLLinkElement>('link[href="/shop.png"]')!.href = '/cart.png';
    const added = Object.assign(document.createElement('link'), { rel: 'icon', href: '/sale.png' });
    document.head.append(added);
    unread.value = 2;
    await settled();
    expect(drawn.at(-1)).toEqual({ over: `${location.origin}/sale.png`, count: 2 });
    // Ours is last again, so the count shows.
    expect(iconLinks()).toEqual(['/cart.png', '/sale.png', 'data:image/png;base64,badge2']);

    setVisibility('visible');
    expect(iconLinks()).toEqual(['/cart.png', '/sale.png']);
  });

  it('draws over the browser default where the page has no icon link, and leaves nothing behind', async () => {
    document.head.innerHTML = '';
    setVisibility('hidden');
    badgeFavicon(signal(1), undefined, draw);
    await settled();
    expect(drawn).toEqual([{ over: `${location.origin}/favicon.ico`, count: 1 }]);
    setVisibility('visible');
    expect(document.head.innerHTML).toBe('');
  });

  it('shows the page icon again while hidden once nothing is unread (read in another tab)', async () => {
    const unread = signal(2);
    setVisibility('hidden');
    badgeFavicon(unread, undefined, draw);
    await settled();
    unread.value = 0;
    await settled();
    expect(iconLinks()).toEqual(['/shop.png']);
  });

  it('does nothing in a visible tab, runs once, and ends with the widget', async () => {
    badgeFavicon(signal(1), undefined, draw);
    await settled();
    expect(iconLinks()).toEqual(['/shop.png']);

    const disposed = signal(false);
    setVisibility('hidden');
    badgeFavicon(signal(1), disposed, draw);
    badgeFavicon(signal(5), disposed, draw);
    await settled();
    expect(drawn.map((d) => d.count)).toEqual([1]);
    disposed.value = true;
    expect(iconLinks()).toEqual(['/shop.png']);
  });

  it('never lands a slow drawing after the visitor came back', async () => {
    let finish!: (href: string) => void;
    setVisibility('hidden');
    badgeFavicon(signal(1), undefined, () => new Promise((resolve) => (finish = resolve)));
    setVisibility('visible');
    finish('data:image/png;base64,late');
    await settled();
    expect(iconLinks()).toEqual(['/shop.png']);
  });
});
