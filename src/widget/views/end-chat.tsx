import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import type { WidgetModel } from '../widget';
import { lazyView } from './lazy';

/** The question itself is a chunk of its own, fetched on the first click (few visitors end a chat themselves). */
const EndConfirm = lazyView(() => import('./end-confirm').then((m) => m.EndConfirm));

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
  return <EndConfirm widget={widget} done={() => setAsking(false)} />;
}
