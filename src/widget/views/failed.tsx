/**
 * A message that was not sent: why (the server's refusal in the visitor's words, or "not
 * sent" when no answer came while connected) and a retry. Its own chunk, loaded when such
 * a row shows: most visits never see one, and the open chat stays within its budget.
 */
import enViews from '../../i18n/locales/en-views';
import { addEnglish, t, type MessageKey } from '../../i18n';
import type { MessageDraft } from '../models/chat';
import type { OutboxItem } from '../outbox';
import type { WidgetModel } from '../widget';

addEnglish(enViews);

/** Refusals the visitor can read; anything else is "cannot be sent". */
const REFUSALS = ['invalid', 'too_long', 'rate_limited', 'closed', 'internal'];

export function Failed({ item, widget }: { item: OutboxItem<MessageDraft>; widget: WidgetModel }) {
  return (
    <>
      <span class="error">
        {item.refused
          ? t(`error.${REFUSALS.includes(item.refused) ? item.refused : 'invalid'}` as MessageKey)
          : t('message.failed')}
      </span>
      <button type="button" onClick={() => widget.chat.retry(item.clientId)}>
        {t('message.retry')}
      </button>
    </>
  );
}
