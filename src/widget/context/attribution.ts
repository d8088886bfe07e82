/**
 * First and last touch. The first touch is the landing page, referrer and campaign of
 * the visitor's first visit, kept for good; the last touch is the latest visit that came
 * with a campaign (utm_*, click ids) or from another site. A visit that came by typing
 * the address or from the site itself changes neither. (The server validates touches
 * again; here URLs are normalised and parameters bounded.)
 */
import { cleanUrl, utmFromUrl, type Touch } from '../../protocol';
import type { Storage } from '../storage';

/** This page load as a touch. */
export function landingTouch(href: string, referrer: string, now: number): Touch | undefined {
  const landing = cleanUrl(href);
  if (!landing) return undefined;
  const from = cleanUrl(referrer);
  const utm = utmFromUrl(href);
  return { landing, ...(from ? { referrer: from } : {}), ...(utm ? { utm } : {}), at: now };
}

const fromElsewhere = (touch: Touch) =>
  Boolean(touch.utm) || (touch.referrer !== undefined && new URL(touch.referrer).host !== new URL(touch.landing).host);

const stored = (storage: Storage, key: string) => {
  const touch = storage.get<Touch>(key);
  return typeof touch?.landing === 'string' ? touch : undefined;
};

/** Records this visit's touch and returns both, as stored. */
export function recordTouches(storage: Storage, landing: Touch | undefined): { firstTouch?: Touch; lastTouch?: Touch } {
  let firstTouch = stored(storage, 'firstTouch');
  let lastTouch = stored(storage, 'lastTouch');
  if (landing && !firstTouch) {
    firstTouch = landing;
    storage.set('firstTouch', firstTouch);
  }
  if (landing && fromElsewhere(landing)) {
    lastTouch = landing;
    storage.set('lastTouch', lastTouch);
  }
  return { ...(firstTouch ? { firstTouch } : {}), ...(lastTouch ? { lastTouch } : {}) };
}
