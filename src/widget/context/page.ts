/** The page the visitor is on, normalised and bounded by the protocol's cleaner. */
import { cleanContext, utmFromUrl, type PageContext } from '../../protocol';

export function currentPage(): PageContext | undefined {
  return (
    cleanContext({
      url: location.href,
      title: document.title,
      referrer: document.referrer || undefined,
      utm: utmFromUrl(location.href),
    }) ?? undefined
  );
}
