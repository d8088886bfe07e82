/**
 * The confirmation of "End chat" (end-chat.tsx), with its strings: focus starts on the
 * safe answer, and Escape keeps chatting.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import enViews from '../../i18n/locales/en-views';
import { addEnglish, t } from '../../i18n';
import type { WidgetModel } from '../widget';

addEnglish(enViews);

export function EndConfirm({ widget, keep, ended }: { widget: WidgetModel; keep: () => void; ended: () => void }) {
  const safe = useRef<HTMLButtonElement>(null);
  // Before the browser paints or takes the next key: Enter or Escape right after asking must find the safe answer.
  useLayoutEffect(() => safe.current?.focus(), []);
  return (
    <div
      class="end-bar confirm"
      role="alertdialog"
      aria-label={t('end.confirm')}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation(); // the panel closes on Escape; here it only withdraws the question
        keep();
      }}
    >
      <span>{t('end.confirm')}</span>
      <button type="button" class="link danger" key="yes" onClick={() => void widget.ending.endChat().then(ended)}>
        {t('end.yes')}
      </button>
      <button type="button" class="link" key="no" ref={safe} onClick={keep}>
        {t('end.no')}
      </button>
    </div>
  );
}
