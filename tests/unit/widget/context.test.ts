import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { landingTouch, recordTouches, watchNavigation } from '../../../src/widget/context';
import { createStorage } from '../../../src/widget/storage';
import { cleanUrl } from '../../../src/protocol';

beforeEach(() => localStorage.clear());

describe('first and last touch', () => {
  const visit = (href: string, referrer: string, at: number) =>
    recordTouches(createStorage('demo'), landingTouch(href, referrer, at));

  it('keeps the first visit for good and moves the last touch only for campaigns and other sites', () => {
    const first = visit('https://shop.example/?utm_source=google&utm_campaign=winter', 'https://www.google.com/', 1);
    expect(first.firstTouch).toMatchObject({
      landing: 'https://shop.example/?utm_source=google&utm_campaign=winter',
      utm: { utm_source: 'google' },
      at: 1,
    });
    expect(first.lastTouch).toEqual(first.firstTouch);

    // Typed in, or from the site itself: nothing changes.
    expect(visit('https://shop.example/sofas', '', 2)).toEqual(first);
    expect(visit('https://shop.example/cart', 'https://shop.example/sofas', 3)).toEqual(first);

    // From another site: a new last touch; the first stays.
    const fromBlog = visit('https://shop.example/sale', 'https://blog.example/post', 4);
    expect(fromBlog.firstTouch).toEqual(first.firstTouch);
    expect(fromBlog.lastTouch).toMatchObject({
      landing: 'https://shop.example/sale',
      referrer: 'https://blog.example/post',
      at: 4,
    });

    // An ad click id counts as a campaign.
    expect(visit('https://shop.example/?yclid=123', '', 5).lastTouch).toMatchObject({ utm: { yclid: '123' }, at: 5 });
  });

  it('never records credentials, fragments or non-http referrers', () => {
    const touch = landingTouch('https://user:pw@shop.example/p?utm_source=x#top', 'android-app://com.google', 1)!;
    expect(touch).toEqual({ landing: 'https://shop.example/p?utm_source=x', utm: { utm_source: 'x' }, at: 1 });
  });

  it('keeps the route of a hash-routed app', () => {
    expect(cleanUrl('https://app.example/#/pricing')).toBe('https://app.example/#/pricing');
    expect(cleanUrl('https://app.example/page#section-2')).toBe('https://app.example/page');
  });
});

describe('SPA navigation', () => {
  const originals = { push: history.pushState, replace: history.replaceState };
  afterEach(() => {
    history.pushState = originals.push;
    history.replaceState = originals.replace;
    history.replaceState(null, '', '/');
    vi.useRealTimers();
  });

  it('reports one change per real URL change, after the app settles', () => {
    vi.useFakeTimers();
    const changes: string[] = [];
    const stop = watchNavigation((url) => changes.push(new URL(url).pathname + new URL(url).search), 300);
    history.pushState(null, '', '/a');
    history.pushState(null, '', '/b'); // a redirect within the same moment
    vi.advanceTimersByTime(300);
    history.replaceState(null, '', '/b'); // same URL: nothing new
    history.pushState(null, '', '/b#section'); // an in-page anchor: same page
    vi.advanceTimersByTime(300);
    history.pushState(null, '', '/c?q=1');
    vi.advanceTimersByTime(300);
    expect(changes).toEqual(['/b', '/c?q=1']);
    stop();
  });

  it('works alongside host wrappers installed before and after it, and leaves theirs in place', () => {
    vi.useFakeTimers();
    const hostCalls: string[] = [];
    const before = history.pushState;
    history.pushState = function (...args: Parameters<History['pushState']>) {
      hostCalls.push('before');
      return before.apply(this, args);
    };
    const changes: string[] = [];
    const stop = watchNavigation((url) => changes.push(new URL(url).pathname), 10);
    const ours = history.pushState;
    history.pushState = function (...args: Parameters<History['pushState']>) {
      hostCalls.push('after');
      return ours.apply(this, args);
    };
    history.pushState(null, '', '/x');
    vi.advanceTimersByTime(10);
    expect(hostCalls).toEqual(['after', 'before']);
    expect(changes).toEqual(['/x']);
    expect(location.pathname).toBe('/x');

    stop();
    history.pushState(null, '', '/y');
    vi.advanceTimersByTime(10);
    expect(changes).toEqual(['/x']); // inert after stop
    expect(hostCalls).toEqual(['after', 'before', 'after', 'before']); // host wrappers still run
  });

  it('hears back and forward (popstate)', () => {
    vi.useFakeTimers();
    const changes: string[] = [];
    const stop = watchNavigation((url) => changes.push(new URL(url).pathname), 10);
    history.replaceState(null, '', '/back');
    vi.advanceTimersByTime(10); // replaceState is heard too
    history.replaceState = originals.replace; // a router changing the URL without the wrapper
    originals.replace.call(history, null, '', '/forward');
    dispatchEvent(new PopStateEvent('popstate'));
    vi.advanceTimersByTime(10);
    expect(changes).toEqual(['/back', '/forward']);
    stop();
  });
});
