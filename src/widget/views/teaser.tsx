import { t } from '../../i18n';
import { TEASER_CSS } from '../../themes/teaser-css';
import type { WidgetState } from '../state';
import { CloseIcon } from './icons';
import { addStyles } from './styles';

addStyles(TEASER_CSS);

/** An operator's message beside the closed launcher (seed 003: the operator writes first). */
export function Teaser({ state, onOpen }: { state: WidgetState; onOpen: () => void }) {
  const message = state.teaser.value;
  if (!message || state.open.value) return null;
  return (
    <div class="teaser" role="status">
      <button type="button" class="teaser-body" onClick={onOpen}>
        <strong>{message.operator?.name ?? t('header.fallbackName')}</strong>
        <span>{message.text}</span>
      </button>
      <button type="button" class="icon-button" aria-label={t('teaser.dismiss')} onClick={() => (state.teaser.value = null)}>
        <CloseIcon />
      </button>
    </div>
  );
}
