import enViews from '../../i18n/locales/en-views';
import { addEnglish, t } from '../../i18n';
import { TEASER_CSS } from '../../themes/teaser-css';
import type { WidgetModel } from '../widget';
import { CloseIcon } from './icons';
import { addStyles } from './styles';

addStyles(TEASER_CSS);
addEnglish(enViews);

/** An operator's message beside the closed launcher (seed 003: the operator writes first). */
export function Teaser({ widget: { panel } }: { widget: WidgetModel }) {
  const message = panel.teaser.value;
  if (!message || panel.isOpen.value) return null;
  return (
    <div class="teaser" role="status">
      <button type="button" class="teaser-body" onClick={panel.open}>
        <strong>{message.operator?.name ?? t('header.fallbackName')}</strong>
        <span dir="auto">{message.text}</span>
      </button>
      <button type="button" class="icon-button" aria-label={t('teaser.dismiss')} onClick={panel.dismissTeaser}>
        <CloseIcon />
      </button>
    </div>
  );
}
