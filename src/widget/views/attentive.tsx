/**
 * What the open panel does for a visitor whose attention moves elsewhere: on phones it
 * follows the visual viewport (viewport.ts), and where the site or the page turned
 * notifications on it offers "Notify me of replies" once the visitor has written — the
 * browser's permission prompt comes only from that click. A chunk of its own, loaded
 * when the panel opens.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import enAttention from '../../i18n/locales/en-attention';
import { addEnglish, t } from '../../i18n';
import { wanted } from '../attention-settings';
import { askPermission, canNotify } from '../notify';
import { PHONE_LAYOUT } from '../phone-layout';
import { followViewport } from '../viewport';
import type { WidgetModel } from '../widget';
import { addStyles } from './styles';

addEnglish(enAttention);
/**
 * Added as the panel's list is pinned to its newest message (below), not as the chunk
 * loads: the phone rules make the controls taller and the list shorter, and added on their
 * own they would be painted with the newest message cut off for a frame.
 */
const ATTENTIVE_CSS =
  '.attend{display:flex;justify-content:center}.attend .link{margin:0 0 6px}' +
  // Full-screen on a phone: clear of the notch and rounded corners too (with viewport-fit=cover).
  `@media ${PHONE_LAYOUT}{.panel{padding:${['top', 'right', 'bottom', 'left'].map((side) => `env(safe-area-inset-${side})`).join(' ')}}` +
  // and every control a 44 px target for a finger. Here, not in the base sheet: this chunk
  // comes with the open panel, so the phone rules cost the closed widget nothing. Reply and
  // Retry under a message grow their target, not the row.
  '.icon-button,.composer .send{width:44px;height:44px}.link{display:inline-flex;align-items:center;min-height:44px}' +
  '.meta button{padding:14px 8px;margin:-14px -8px}}';

/** Whether to offer notifications now: on for this page, possible here, not yet decided, and a reply is awaited. */
export function offerNotifications(widget: WidgetModel): boolean {
  // The signals are read first, always: each change to the chat looks again, also at a
  // setting `Confab('update', …)` changed (the page's settings are not a signal).
  const site = widget.conversation.site.value;
  const written = widget.chat.timeline.value.some(
    (entry) => entry.kind === 'outbox' || entry.message.author === 'visitor',
  );
  return (
    written &&
    wanted(widget.settings().notifications, site?.notifications) &&
    canNotify() &&
    Notification.permission === 'default'
  );
}

export function Attentive({ widget }: { widget: WidgetModel }) {
  const own = useRef<HTMLDivElement>(null);
  /** Asked once per page: a prompt the visitor dismissed is an answer too. */
  const [asked, setAsked] = useState(false);

  useEffect(() => {
    const panel = own.current?.closest<HTMLElement>('.panel');
    addStyles(ATTENTIVE_CSS);
    return panel ? followViewport(panel) : undefined;
  }, []);

  return (
    <div class="attend" ref={own}>
      {!asked && offerNotifications(widget) && (
        <button
          type="button"
          class="link"
          onClick={() => {
            setAsked(true);
            // In the click's own task: the browser allows the prompt only for the visitor's action.
            void askPermission();
          }}
        >
          {t('notify.offer')}
        </button>
      )}
    </div>
  );
}
