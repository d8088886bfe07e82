/**
 * Single-page-app navigation: `history.pushState` / `replaceState` (wrapped so that a
 * host's own wrappers keep working, in whichever order they were installed), `popstate`
 * and `hashchange`. One call per real URL change, after the app has settled.
 */
import { cleanUrl } from '../../protocol';

type HistoryMethod = 'pushState' | 'replaceState';

export function watchNavigation(onChange: (url: string) => void, settleMs = 300): () => void {
  let last = cleanUrl(location.href);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let active = true;

  const check = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const url = cleanUrl(location.href);
      if (active && url && url !== last) {
        last = url;
        onChange(url);
      }
    }, settleMs);
  };

  const wrap = (name: HistoryMethod) => {
    const inner = history[name];
    const wrapper = function (this: History, ...args: Parameters<History[HistoryMethod]>) {
      const result = inner.apply(this, args);
      if (active) check();
      return result;
    };
    history[name] = wrapper;
    // Unwrap only if nobody wrapped us since; otherwise stay in the chain, inert.
    return () => {
      if (history[name] === wrapper) history[name] = inner;
    };
  };
  const unwrap = [wrap('pushState'), wrap('replaceState')];
  addEventListener('popstate', check);
  addEventListener('hashchange', check);

  return () => {
    active = false;
    clearTimeout(timer);
    unwrap.forEach((restore) => restore());
    removeEventListener('popstate', check);
    removeEventListener('hashchange', check);
  };
}
