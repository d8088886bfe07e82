import { t } from '../../i18n';
import type { WidgetModel } from '../widget';

/** Says so when the chat is not connected, and offers to try at once. */
export function ConnectionBanner({ widget }: { widget: WidgetModel }) {
  const connection = widget.connection.value;
  if (connection === 'online') return null;
  return (
    <div class="banner" role="status">
      <span>{connection === 'connecting' ? t('status.connecting') : t('status.offline')}</span>
      {connection === 'offline' && (
        <button type="button" onClick={widget.reconnectNow}>
          {t('status.retry')}
        </button>
      )}
    </div>
  );
}
