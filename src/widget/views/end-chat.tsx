import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n';
import type { WidgetModel } from '../widget';

/**
 * "End chat" with a confirmation, so a stray click does not end the conversation. Focus
 * follows the question: to its safe answer when asked (so Enter never ends a chat by
 * accident), back to "End chat" when the visitor keeps chatting. Escape keeps chatting.
 */
export function EndChat({ widget }: { widget: WidgetModel }) {
  const [asking, setAsking] = useState(false);
  const focusTarget = useRef<HTMLButtonElement>(null);
  const answered = useRef(false);
  useEffect(() => {
    if (answered.current) focusTarget.current?.focus();
  }, [asking]);
  const ask = (next: boolean) => {
    answered.current = true;
    setAsking(next);
  };
  if (widget.conversation.status.value !== 'open' || widget.view.view.value !== 'chat') return null;
  if (!asking) {
    return (
      <div class="end-bar">
        <button type="button" class="link" key="end" ref={focusTarget} onClick={() => ask(true)}>
          {t('end.button')}
        </button>
      </div>
    );
  }
  return (
    <div
      class="end-bar confirm"
      role="alertdialog"
      aria-label={t('end.confirm')}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation(); // the panel closes on Escape; here it only withdraws the question
        ask(false);
      }}
    >
      <span>{t('end.confirm')}</span>
      <button
        type="button"
        class="link danger"
        key="yes"
        onClick={() => void widget.ending.endChat().then(() => setAsking(false))}
      >
        {t('end.yes')}
      </button>
      <button type="button" class="link" key="no" ref={focusTarget} onClick={() => ask(false)}>
        {t('end.no')}
      </button>
    </div>
  );
}
