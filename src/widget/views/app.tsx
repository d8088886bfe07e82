import type { Ref } from 'preact';
import { isRtl, locale, t } from '../../i18n';
import type { WidgetState } from '../state';
import { Composer } from './composer';
import { ConnectionBanner } from './connection-banner';
import { Header } from './header';
import { EndChat } from './end-chat';
import { lazyView } from './lazy';
import { MessageList } from './message-list';

const LeadForm = lazyView(() => import('./lead-form').then((m) => m.LeadForm));
const Thanks = lazyView(() => import('./lead-form').then((m) => m.Thanks));
const RatingView = lazyView(() => import('./rating').then((m) => m.RatingView));
const Teaser = lazyView(() => import('./teaser').then((m) => m.Teaser));

export interface AppProps {
  state: WidgetState;
  onOpen: () => void;
  onClose: () => void;
  inputRef: Ref<HTMLTextAreaElement>;
}

/** The chat panel and the teaser; the launcher belongs to the loader and stays outside. */
export function App({ state, onOpen, onClose, inputRef }: AppProps) {
  const code = locale.value.code;
  const operator = state.conversation.operator.value;
  const typing = state.conversation.operatorTyping.value;
  const siteName = state.conversation.site.value?.name ?? t('header.fallbackName');
  const view = state.view.value;
  return (
    <>
    {state.teaser.value && !state.open.value && <Teaser state={state} onOpen={onOpen} />}
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
      <EndChat state={state} />
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
      ) : view === 'rating' ? (
        <RatingView state={state} />
      ) : view === 'blocked' ? (
        <MessageList state={state} />
      ) : (
        <Thanks state={state} />
      )}
    </div>
    </>
  );
}
