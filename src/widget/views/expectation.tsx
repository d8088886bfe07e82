/**
 * What a visitor whose chat nobody has taken yet may expect, under the header's name: the
 * place in line and the expected wait while the chat waits (the server's `queue`, live),
 * otherwise the site's typical reply time — each only when the server had enough real
 * pick-ups and replies to say (see server/src/expectations.ts). A chunk of its own.
 */
import enViews from '../../i18n/locales/en-views';
import { addEnglish, t } from '../../i18n';
import type { WidgetModel } from '../widget';
import { addStyles } from './styles';

addEnglish(enViews);
// The header's subtitle is one line, cut with an ellipsis (an operator's title); what the
// visitor may expect wraps instead: its end ("no one is online right now…") is the point.
addStyles('.who .expect{white-space:normal}');

const minutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));

export function Expectation({ widget }: { widget: WidgetModel }) {
  const { queue, status, conversationId, site } = widget.conversation;
  const line = queue.value;
  const wait = line?.expectedWaitMs;
  // Nobody can answer (everyone left, or closed): no reply time is promised, above the
  // request form or in a chat that waits; the chat is told why nobody takes it.
  const nobody = widget.availability.value?.online === false;
  const typical = nobody ? undefined : site.value?.typicalReplyMs;
  const text =
    line && status.value === 'open' && line.conversationId === conversationId.value
      ? t('queue.place', { count: line.position }) +
        // Everyone busy with other chats: said so, and no wait promised (nobody can say when one frees up).
        (line.busy
          ? ` · ${t('queue.busy')}`
          : nobody
            ? ` · ${t('queue.nobody')}`
            : wait === null || wait === undefined
              ? ''
              : ` · ${t('queue.wait', { minutes: minutes(wait) })}`)
      : typical
        ? t('reply.typical', { minutes: minutes(typical) })
        : '';
  return (
    <span class="expect" dir="auto" role="status">
      {text}
    </span>
  );
}
