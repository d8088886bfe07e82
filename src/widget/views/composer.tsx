import { LIMITS } from '../../protocol';
import { t } from '../../i18n';
import type { WidgetModel } from '../widget';
import { CloseIcon, SendIcon } from './icons';

/** Enter sends, Shift+Enter breaks the line; the draft survives reloads. */
export function Composer({
  widget: { chat },
  inputRef,
}: {
  widget: WidgetModel;
  inputRef: preact.Ref<HTMLTextAreaElement>;
}) {
  const text = chat.draft.value;
  const over = text.trim().length - LIMITS.messageText;
  const canSend = text.trim().length > 0 && over <= 0;
  const replying = chat.replyingTo.value;
  return (
    <>
      {replying && (
        <div class="replying">
          <span>
            {t('composer.replying', { name: replying.operator?.name ?? t('header.fallbackName') })}:{' '}
            <em dir="auto">{replying.text.slice(0, 80)}</em>
          </span>
          <button type="button" class="icon-button" aria-label={t('composer.cancelReply')} onClick={chat.cancelReply}>
            <CloseIcon />
          </button>
        </div>
      )}
      {over > 0 && (
        <p class="hint" id="confab-hint" role="alert">
          {t('composer.tooLong', { count: over })}
        </p>
      )}
      <form
        class="composer"
        onSubmit={(event) => {
          event.preventDefault();
          chat.submit();
        }}
      >
        <textarea
          ref={inputRef}
          rows={Math.min(5, text.split('\n').length)}
          value={text}
          aria-label={t('composer.label')}
          aria-describedby={over > 0 ? 'confab-hint' : undefined}
          aria-invalid={over > 0}
          placeholder={t('composer.placeholder')}
          onInput={(event) => chat.type(event.currentTarget.value)}
          onBlur={chat.stopTyping}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              chat.submit();
            }
          }}
        />
        <button type="submit" class="send" aria-label={t('composer.send')} aria-disabled={!canSend}>
          <SendIcon />
        </button>
      </form>
    </>
  );
}
