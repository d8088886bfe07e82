import { useLayoutEffect, useRef } from 'preact/hooks';
import { locale, t, type MessageKey } from '../../i18n';
import type { WidgetState, TimelineEntry } from '../state';
import { RichText } from './rich-text';

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function formatTime(ms: number, code: string): string {
  let format = timeFormats.get(code);
  if (!format) timeFormats.set(code, (format = new Intl.DateTimeFormat(code, { hour: '2-digit', minute: '2-digit' })));
  return format.format(ms);
}

function Entry({ entry, state, code }: { entry: TimelineEntry; state: WidgetState; code: string }) {
  if (entry.kind === 'outbox') {
    const { item } = entry;
    return (
      <div class={`msg visitor ${item.state}`} data-state={item.state}>
        <div class="bubble">
          <RichText text={item.payload.text} />
        </div>
        <div class="meta">
          {item.state === 'pending' ? (
            <span>{t('message.sending')}</span>
          ) : (
            <>
              <span class="error">
                {item.refused ? t(`error.${item.refused}` as MessageKey) : t('message.failed')}
              </span>
              <button type="button" onClick={() => state.delivery.retry(item.clientId)}>
                {t('message.retry')}
              </button>
            </>
          )}
        </div>
      </div>
    );
  }
  const { message } = entry;
  if (message.author === 'system') {
    return <p class="notice">{message.text}</p>;
  }
  const mine = message.author === 'visitor';
  return (
    <div class={`msg ${message.author}`} data-state={mine ? 'sent' : undefined}>
      {!mine && message.operator && <span class="author">{message.operator.name}</span>}
      <span class="sr-only">{mine ? t('message.you') : ''}</span>
      <div class="bubble">
        <RichText text={message.text} />
      </div>
      <div class="meta">
        <time dateTime={new Date(message.createdAt).toISOString()}>{formatTime(message.createdAt, code)}</time>
        {mine && <span class="sr-only">{t('message.sent')}</span>}
      </div>
    </div>
  );
}

/** The conversation as a polite live region; stays scrolled to the newest message. */
export function MessageList({ state }: { state: WidgetState }) {
  const log = useRef<HTMLDivElement>(null);
  const entries = state.timeline.value;
  const code = locale.value.code;
  const closed = state.conversation.status.value === 'closed';

  useLayoutEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [entries.length, closed]);

  return (
    <div class="log" ref={log} role="log" aria-live="polite" aria-label={t('log.label')} tabIndex={0}>
      {entries.length === 0 && <p class="empty">{t('log.empty')}</p>}
      {entries.map((entry) => (
        <Entry key={entry.key} entry={entry} state={state} code={code} />
      ))}
      {closed && <p class="notice">{t('chat.ended')}</p>}
    </div>
  );
}
