import type { Ref } from 'preact';
import type { ReadonlySignal } from '@preact/signals';
import { isRtl, locale, t } from '../../i18n';
import { keepTabInPanel } from '../phone-layout';
import type { WidgetModel } from '../widget';
import { Composer, stageFiles } from './composer';
import { ConnectionBanner } from './connection-banner';
import { Header } from './header';
import { lazyView } from './lazy';
import { MessageList } from './message-list';

const LeadForm = lazyView(() => import('./lead-form').then((m) => m.LeadForm));
const Thanks = lazyView(() => import('./lead-form').then((m) => m.Thanks));
const RatingView = lazyView(() => import('./rating').then((m) => m.RatingView));
const Teaser = lazyView(() => import('./teaser').then((m) => m.Teaser));
// End chat and Save chat: a chunk, loaded as the chat view first renders (few visitors use them).
const EndChat = lazyView(() => import('./end-chat').then((m) => m.EndChat));
// Phones' keyboard and the offer of notifications: a chunk loaded when the panel opens.
const Attentive = lazyView(() => import('./attentive').then((m) => m.Attentive));

/**
 * The closed panel's parts, in the order mounting renders them (index.tsx), a task each
 * on a slow phone: 1 the header, 2 the composer and the end-chat bar. Before the first,
 * only the panel's frame (and the teaser).
 */
export const CLOSED_PARTS = 2;

export interface AppProps {
  widget: WidgetModel;
  inputRef: Ref<HTMLTextAreaElement>;
  /** How many of the closed panel's parts to render (all when left out, or open). */
  closedParts?: ReadonlySignal<number>;
}

/** Who is typing: the operator by name once one has spoken, otherwise "an operator". */
function Typing({ widget }: { widget: WidgetModel }) {
  const typing = widget.conversation.operatorTyping.value;
  const operator = widget.conversation.operator.value;
  return (
    <div class="typing" aria-hidden={!typing}>
      {typing && (operator ? t('typing.operator', { name: operator.name }) : t('typing.someone'))}
    </div>
  );
}

/** The chat panel and the teaser; the launcher belongs to the loader and stays outside. */
export function App({ widget, inputRef, closedParts }: AppProps) {
  const { panel } = widget;
  const code = locale.value.code;
  const siteName = widget.conversation.site.value?.name ?? t('header.fallbackName');
  const view = widget.view.view.value;
  const open = panel.isOpen.value;
  const parts = open ? CLOSED_PARTS : (closedParts?.value ?? CLOSED_PARTS);
  // Files dropped on the panel or pasted join the next message, where the site takes them.
  const attachable = view === 'chat' && !!widget.conversation.site.value?.uploads;
  return (
    <>
      {panel.teaser.value && !open && <Teaser widget={widget} />}
      <div
        class="panel"
        role="dialog"
        aria-label={t('panel.label', { site: siteName })}
        hidden={!open}
        lang={code}
        dir={isRtl(code) ? 'rtl' : 'ltr'}
        onKeyDown={(event) => {
          if (event.key === 'Escape') panel.close();
          keepTabInPanel(event);
        }}
        onDragOver={(event) => attachable && event.preventDefault()}
        onDrop={(event) => attachable && stageFiles(widget, event.dataTransfer?.files) && event.preventDefault()}
        onPaste={(event) => attachable && stageFiles(widget, event.clipboardData?.files) && event.preventDefault()}
      >
        {parts > 0 && <Header widget={widget} />}
        <ConnectionBanner widget={widget} />
        {parts > 1 && <EndChat widget={widget} />}
        {view === 'chat' ? (
          <>
            {/* Closed, nothing of the conversation is in the page: the launcher's unread
                count and the teaser read the models, and a long history costs no nodes. */}
            {open && <MessageList widget={widget} />}
            <Typing widget={widget} />
            {open && <Attentive widget={widget} />}
            {parts > 1 && <Composer widget={widget} inputRef={inputRef} />}
          </>
        ) : view === 'form' ? (
          <LeadForm widget={widget} />
        ) : view === 'rating' ? (
          <RatingView widget={widget} />
        ) : view === 'blocked' ? (
          open && (
            <>
              <MessageList widget={widget} />
              {/* The chat is over, not what the visitor wrote: a draft they had not sent stays, to copy. */}
              {widget.chat.draft.value.trim() && (
                <div class="composer">
                  <textarea readOnly dir="auto" aria-label={t('composer.unsent')} value={widget.chat.draft.value} />
                </div>
              )}
            </>
          )
        ) : (
          <Thanks widget={widget} />
        )}
      </div>
    </>
  );
}
