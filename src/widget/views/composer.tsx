import { LIMITS } from '../../protocol';
import { t } from '../../i18n';
import type { WidgetState } from '../state';
import { CloseIcon, SendIcon } from './icons';

/** Enter sends, Shift+Enter breaks the line; the draft survives reloads. */
export function Composer({ state, inputRef }: { state: WidgetState; inputRef: preact.Ref<HTMLTextAreaElement> }) {
  const text = state.draft.value;
  const over = text.trim().length - LIMITS.messageText;
  const canSend = text.trim().length > 0 && over <= 0;

  const submit = () => {
    if (!canSend) return;
    state.send(text.trim());
    state.draft.value = '';
    state.typing.stop();
  };

  const replying = state.replyingTo.value;
  return (
    <>
      {replying && (
        <div class="replying">
          <span>
            {t('composer.replying', { name: replying.operator?.name ?? t('header.fallbackName') })}: <em>{replying.text.slice(0, 80)}</em>
          </span>
          <button type="button" class="icon-button" aria-label={t('composer.cancelReply')} onClick={() => (state.replyingTo.value = null)}>
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
          submit();
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
          onInput={(event) => {
            state.draft.value = event.currentTarget.value;
            state.typing.input();
          }}
          onBlur={state.typing.stop}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              submit();
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
