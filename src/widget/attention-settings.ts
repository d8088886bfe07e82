/**
 * Whether an optional way of getting attention (notifications, the favicon badge) is on:
 * the page's "on" or "off" (its attribute or `Confab('update', …)`) wins, otherwise the
 * site's setting; off when neither says. Its own module, shared by the attention chunk
 * and the open panel's chunk.
 */
export const wanted = (page: string | undefined, site: boolean | undefined): boolean =>
  page === 'on' || (page !== 'off' && site === true);
