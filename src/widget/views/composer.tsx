import { signal } from '@preact/signals';
import { LIMITS } from '../../protocol';
import { t } from '../../i18n';
import type { WidgetModel } from '../widget';
import { CloseIcon, SendIcon } from './icons';
import { lazyView } from './lazy';

/** Picking, recording and previewing files, and the emoji picker: chunks loaded on first use. */
const Tools = lazyView(() => import('./attach-tools').then((m) => m.Tools));
/** The buttons that open those tools: a chunk of its own, so typing and sending load first. */
const ComposerTools = lazyView(() => import('./composer-tools').then((m) => m.ComposerTools));

/**
 * The tool open above the composer: 'voice', 'emoji', or 'files' once files were picked,
 * dropped or pasted ('' before any). One widget per page, so one value.
 */
export const tool = signal('');

/** Hands files to the attach chunk, which checks and keeps them; false when there are none. */
export function stageFiles(widget: WidgetModel, files: FileList | null | undefined): boolean {
  if (!files?.length) return false;
  const list = [...files];
  tool.value ||= 'files';
  void import('./attach-tools').then((m) => m.stageFiles(widget, list));
  return true;
}

/** Enter sends, Shift+Enter breaks the line; the draft survives reloads. */
export function Composer({ widget, inputRef }: { widget: WidgetModel; inputRef: preact.Ref<HTMLTextAreaElement> }) {
  const { chat } = widget;
  const text = chat.draft.value;
  const over = text.trim().length - LIMITS.messageText;
  const canSend = (text.trim().length > 0 || chat.files.value.length > 0) && over <= 0;
  const replying = chat.replyingTo.value;
  return (
    <>
      {(tool.value || chat.files.value[0]) && <Tools widget={widget} inputRef={inputRef} />}
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
        {/* The tools get a row of their own, so the text field keeps the panel's width. */}
        <div class="tools">
          <ComposerTools widget={widget} />
        </div>
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
