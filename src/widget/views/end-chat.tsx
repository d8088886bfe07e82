/**
 * The bar above an open chat: "End chat" with a confirmation, so a stray click does not
 * end the conversation, and "Save chat" (transcript.tsx). A chunk of its own, loaded as
 * the chat view first renders (usually while the panel is still closed). Focus follows
 * the question: to its safe answer when asked (end-confirm.tsx; so Enter never ends a
 * chat by accident), back to "End chat" when the visitor keeps chatting.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import enViews from '../../i18n/locales/en-views';
import { addEnglish, t } from '../../i18n';
import type { WidgetModel } from '../widget';
import { EndConfirm } from './end-confirm';
import { TranscriptTools } from './transcript';

addEnglish(enViews);

export function EndChat({ widget }: { widget: WidgetModel }) {
  const [asking, setAsking] = useState(false);
  const [saving, setSaving] = useState(false);
  const endButton = useRef<HTMLButtonElement>(null);
  const answered = useRef(false);
  useLayoutEffect(() => {
    if (answered.current && !asking) endButton.current?.focus();
  }, [asking]);
  const ask = (next: boolean) => {
    answered.current = true;
    setAsking(next);
  };
  const conversationId = widget.conversation.conversationId.value;
  if (widget.conversation.status.value !== 'open' || widget.view.view.value !== 'chat' || !conversationId) return null;
  if (asking) return <EndConfirm widget={widget} keep={() => ask(false)} ended={() => setAsking(false)} />;
  return (
    <>
      <div class="end-bar">
        <button type="button" class="link" key="end" ref={endButton} onClick={() => ask(true)}>
          {t('end.button')}
        </button>
        <button type="button" class="link" key="save" aria-expanded={saving} onClick={() => setSaving(!saving)}>
          {t('transcript.save')}
        </button>
      </div>
      {saving && <TranscriptTools widget={widget} conversationId={conversationId} />}
    </>
  );
}
