import { t } from '../../i18n';
import type { WidgetModel } from '../widget';
import { safeHref } from '../../protocol/rules';
import { CloseIcon } from './icons';
import { lazyView } from './lazy';

/** What the visitor may expect: its own chunk, loaded only once the server has something to say. */
const Expectation = lazyView(() => import('./expectation').then((m) => m.Expectation));

/**
 * The operator once one is assigned (with their title), otherwise the site's name and
 * what the visitor may expect (expectation.tsx). The site's greeting belongs to the empty
 * chat, not here: above "No one can answer right now" it would promise what the form
 * takes back.
 */
export function Header({ widget }: { widget: WidgetModel }) {
  const { operator: assigned, site: info, queue } = widget.conversation;
  const operator = assigned.value;
  const site = info.value;
  const avatar = operator?.avatar ? safeHref(operator.avatar) : null;
  const name = operator?.name ?? site?.name ?? t('header.fallbackName');
  const subtitle = operator?.title;
  return (
    <div class="header">
      {avatar && <img class="avatar" src={avatar} alt="" width={36} height={36} />}
      <div class="who">
        <strong dir="auto">{name}</strong>
        {subtitle && <span dir="auto">{subtitle}</span>}
        {!operator && (queue.value || site?.typicalReplyMs) && <Expectation widget={widget} />}
      </div>{' '}
      <button type="button" class="icon-button" aria-label={t('panel.close')} onClick={widget.panel.close}>
        <CloseIcon />
      </button>
    </div>
  );
}
