/**
 * Views that only some visitors need (the request form, the rating) live in their own
 * chunks, so the chat bundle stays inside its size budget. A lazy view starts loading
 * when it is first rendered (the panel renders its current view even while closed, so
 * the chunk is usually there before the visitor opens it) and offers a retry if the
 * network fails.
 */
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n';

export function lazyView<P extends object>(load: () => Promise<FunctionComponent<P>>) {
  let loaded: FunctionComponent<P> | undefined;
  let pending: Promise<void> | undefined;
  const fetchView = () =>
    (pending ??= load().then(
      (component) => {
        loaded = component;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    ));

  return function LazyView(props: P) {
    const [state, setState] = useState<'loading' | 'ready' | 'failed'>(loaded ? 'ready' : 'loading');
    useEffect(() => {
      if (state !== 'loading') return;
      fetchView().then(
        () => setState('ready'),
        () => setState('failed'),
      );
    }, [state]);
    if (loaded) {
      const View = loaded;
      return <View {...props} />;
    }
    if (state !== 'failed') return null;
    // The chat runs; only this part is missing, most often for a cut network: say so.
    return (
      <p class="notice" role="alert">
        {t('error.part')}{' '}
        <button type="button" class="link" onClick={() => setState('loading')}>
          {t('message.retry')}
        </button>
      </p>
    );
  };
}
