/** The confirmation of "End chat" (end-chat.tsx), with its strings. */
import enViews from '../../i18n/locales/en-views';
import { addEnglish, t } from '../../i18n';
import type { WidgetModel } from '../widget';

addEnglish(enViews);

export function EndConfirm({ widget, done }: { widget: WidgetModel; done: () => void }) {
  return (
    <div class="end-bar confirm" role="alertdialog" aria-label={t('end.confirm')}>
      <span>{t('end.confirm')}</span>
      <button type="button" class="link danger" onClick={() => void widget.ending.endChat().then(done)}>
        {t('end.yes')}
      </button>
      {/* biome-ignore lint/a11y/noAutofocus: the confirmation takes focus on its safe answer, so Enter never ends a chat by accident */}
      <button type="button" class="link" autoFocus onClick={done}>
        {t('end.no')}
      </button>
    </div>
  );
}
