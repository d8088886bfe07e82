import type { Ref } from 'preact';
import { isRtl, locale, t } from '../../i18n';
import type { WidgetState } from '../state';
import { Composer } from './composer';
import { ConnectionBanner } from './connection-banner';
import { Header } from './header';
import { LeadForm, Thanks } from './lead-form';
import { MessageList } from './message-list';

export interface AppProps {
  state: WidgetState;
  onClose: () => void;
  inputRef: Ref<HTMLTextAreaElement>;
}

/** The chat panel; the launcher belongs to the loader and stays outside it. */
export function App({ state, onClose, inputRef }: AppProps) {
  const code = locale.value.code;
  const operator = state.conversation.operator.value;
  const typing = state.conversation.operatorTyping.value;
  const siteName = state.conversation.site.value?.name ?? t('header.fallbackName');
  const view = state.view.value;
  return (
    <div
      class="panel"
      role="dialog"
      aria-label={t('panel.label', { site: siteName })}
      hidden={!state.open.value}
      lang={code}
      dir={isRtl(code) ? 'rtl' : 'ltr'}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <Header state={state} onClose={onClose} />
      <ConnectionBanner state={state} />
      {view === 'chat' ? (
        <>
          <MessageList state={state} />
          <div class="typing" aria-hidden={!typing}>
            {typing && t('typing.operator', { name: operator?.name ?? t('header.fallbackName') })}
          </div>
          <Composer state={state} inputRef={inputRef} />
        </>
      ) : view === 'form' ? (
        <LeadForm state={state} />
      ) : (
        <Thanks state={state} />
      )}
    </div>
  );
}
