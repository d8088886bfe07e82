import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import type { WidgetModel } from '../widget';

/** "End chat" with a confirmation, so a stray click does not end the conversation. */
export function EndChat({ widget }: { widget: WidgetModel }) {
  const [asking, setAsking] = useState(false);
  if (widget.conversation.status.value !== 'open' || widget.view.view.value !== 'chat') return null;
  if (!asking) {
    return (
      <div class="end-bar">
        <button type="button" class="link" onClick={() => setAsking(true)}>
          {t('end.button')}
        </button>
      </div>
    );
  }
  return (
    <div class="end-bar confirm" role="alertdialog" aria-label={t('end.confirm')}>
      <span>{t('end.confirm')}</span>
      <button
        type="button"
        class="link danger"
        onClick={() => void widget.ending.endChat().then(() => setAsking(false))}
      >
        {t('end.yes')}
      </button>
      {/* biome-ignore lint/a11y/noAutofocus: the confirmation takes focus on its safe answer, so Enter never ends a chat by accident */}
      <button type="button" class="link" autoFocus onClick={() => setAsking(false)}>
        {t('end.no')}
      </button>
    </div>
  );
}
