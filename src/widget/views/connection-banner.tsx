import { t } from '../../i18n';
import type { WidgetState } from '../state';

/** Says so when the chat is not connected, and offers to try at once. */
export function ConnectionBanner({ state }: { state: WidgetState }) {
  const connection = state.connection.value;
  if (connection === 'online') return null;
  return (
    <div class="banner" role="status">
      <span>{connection === 'connecting' ? t('status.connecting') : t('status.offline')}</span>
      {connection === 'offline' && (
        <button type="button" onClick={state.reconnectNow}>
          {t('status.retry')}
        </button>
      )}
    </div>
  );
}
