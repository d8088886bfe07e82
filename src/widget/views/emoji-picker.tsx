/**
 * A compact emoji picker, its own chunk loaded when first opened: one grid of common
 * emoji; a choice goes into the draft at the caret, and focus returns to the text.
 */
import type { Ref } from 'preact';
import { t } from '../../i18n';
import { ATTACH_CSS } from '../../themes/attach-css';
import type { WidgetModel } from '../widget';
import { addStyles } from './styles';

addStyles(ATTACH_CSS);

export const EMOJI = [
  ...'😀😃😄😁😆😅😂🙂😉😊😇🥰😍😘😋😜🤔🤗🤩😎😐😕😟😢😭😡😱😴👍👎👌👏🙌🙏💪👋✌️🤝❤️💔🔥✨🎉✅❌❓⚠️⭐💡📎📦🚚💳☕',
].reduce<string[]>((list, char) => {
  // A variation selector belongs to the emoji before it.
  if (char === '\uFE0F' && list.length) list[list.length - 1] += char;
  else list.push(char);
  return list;
}, []);

export function EmojiPicker({ widget, inputRef }: { widget: WidgetModel; inputRef: Ref<HTMLTextAreaElement> }) {
  const insert = (emoji: string) => {
    const input = inputRef && typeof inputRef === 'object' ? inputRef.current : null;
    const draft = widget.chat.draft.peek();
    const at = input?.selectionStart ?? draft.length;
    const end = input?.selectionEnd ?? at;
    widget.chat.type(draft.slice(0, at) + emoji + draft.slice(end));
    if (input) {
      input.focus();
      requestAnimationFrame(() => input.setSelectionRange(at + emoji.length, at + emoji.length));
    }
  };
  return (
    <fieldset class="emoji">
      <legend class="sr-only">{t('composer.emoji')}</legend>
      {EMOJI.map((emoji) => (
        <button key={emoji} type="button" onClick={() => insert(emoji)}>
          {emoji}
        </button>
      ))}
    </fieldset>
  );
}
