import type { ComponentChildren } from 'preact';
import { useErrorBoundary } from 'preact/hooks';
import { t } from '../../i18n';

let reported = false;

/**
 * A render error stays inside the widget: the panel shows a retry in place of the
 * broken view, the error is reported once in the console, and the host page (its own
 * error handlers included) never sees it.
 */
export function ErrorBoundary({ children }: { children?: ComponentChildren }) {
  const [error, retry] = useErrorBoundary((caught: unknown) => {
    if (!reported) console.error('Confab: the chat panel failed to render', caught);
    reported = true;
  });
  if (!error) return children;
  return (
    <div class="panel" role="alert">
      <p class="notice">
        {t('error.load')}{' '}
        <button type="button" class="link" onClick={retry}>
          {t('message.retry')}
        </button>
      </p>
    </div>
  );
}
