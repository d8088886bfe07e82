import { t } from '../../i18n';
import type { WidgetState } from '../state';
import { safeHref } from './rich-text';
import { CloseIcon } from './icons';

/** The operator once one is assigned, otherwise the site's name and greeting. */
export function Header({ state, onClose }: { state: WidgetState; onClose: () => void }) {
  const operator = state.conversation.operator.value;
  const site = state.conversation.site.value;
  const avatar = operator?.avatar ? safeHref(operator.avatar) : null;
  const name = operator?.name ?? site?.name ?? t('header.fallbackName');
  const subtitle = operator ? operator.title : site?.greeting;
  return (
    <div class="header">
      {avatar && <img class="avatar" src={avatar} alt="" width={36} height={36} />}
      <div class="who">
        <strong>{name}</strong>
        {subtitle && <span>{subtitle}</span>}
      </div>
      <button type="button" class="icon-button" aria-label={t('panel.close')} onClick={onClose}>
        <CloseIcon />
      </button>
    </div>
  );
}
