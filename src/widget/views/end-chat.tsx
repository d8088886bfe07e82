import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n';
import type { WidgetModel } from '../widget';
import { lazyView } from './lazy';

/** The question itself is a chunk of its own, fetched on the first click (few visitors end a chat themselves). */
const EndConfirm = lazyView(() => import('./end-confirm').then((m) => m.EndConfirm));

/**
 * "End chat" with a confirmation, so a stray click does not end the conversation. Focus
 * follows the question: to its safe answer when asked (end-confirm.tsx; so Enter never
 * ends a chat by accident), back to "End chat" when the visitor keeps chatting.
 */
export function EndChat({ widget }: { widget: WidgetModel }) {
  const [asking, setAsking] = useState(false);
  const endButton = useRef<HTMLButtonElement>(null);
  const answered = useRef(false);
  useLayoutEffect(() => {
    if (answered.current && !asking) endButton.current?.focus();
  }, [asking]);
  const ask = (next: boolean) => {
    answered.current = true;
    setAsking(next);
  };
  if (widget.conversation.status.value !== 'open' || widget.view.view.value !== 'chat') return null;
  if (!asking) {
    return (
      <div class="end-bar">
        <button type="button" class="link" key="end" ref={endButton} onClick={() => ask(true)}>
          {t('end.button')}
        </button>
      </div>
    );
  }
  return <EndConfirm widget={widget} keep={() => ask(false)} ended={() => setAsking(false)} />;
}
