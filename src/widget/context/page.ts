/** The page the visitor is on, normalised and bounded by the protocol's rules. */
import { CONTEXT_LIMITS, cleanText, cleanUrl, utmFromUrl, type PageContext } from '../../protocol';

export function currentPage(): PageContext | undefined {
  const url = cleanUrl(location.href);
  if (!url) return undefined;
  const title = cleanText(document.title, CONTEXT_LIMITS.title);
  const referrer = cleanUrl(document.referrer, CONTEXT_LIMITS.referrer);
  const utm = utmFromUrl(url);
  return { url, ...(title && { title }), ...(referrer && { referrer }), ...(utm && { utm }) };
}
