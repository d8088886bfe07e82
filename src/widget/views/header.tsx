import { t } from '../../i18n';
import type { WidgetModel } from '../widget';
import { safeHref } from './rich-text';
import { CloseIcon } from './icons';

/**
 * The operator once one is assigned (with their title), otherwise the site's name. The
 * site's greeting belongs to the empty chat, not here: above "No one can answer right
 * now" it would promise what the form takes back.
 */
export function Header({ widget }: { widget: WidgetModel }) {
  const operator = widget.conversation.operator.value;
  const site = widget.conversation.site.value;
  const avatar = operator?.avatar ? safeHref(operator.avatar) : null;
  const name = operator?.name ?? site?.name ?? t('header.fallbackName');
  const subtitle = operator?.title;
  return (
    <div class="header">
      {avatar && <img class="avatar" src={avatar} alt="" width={36} height={36} />}
      <div class="who">
        <strong dir="auto">{name}</strong>
        {subtitle && <span dir="auto">{subtitle}</span>}
      </div>
      <button type="button" class="icon-button" aria-label={t('panel.close')} onClick={widget.panel.close}>
        <CloseIcon />
      </button>
    </div>
  );
}
