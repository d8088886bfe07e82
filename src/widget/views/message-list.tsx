import { Fragment } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '../../protocol';
import { locale, t, type MessageKey } from '../../i18n';
import type { TimelineEntry, WidgetModel } from '../widget';
import { lazyView } from './lazy';
import { RichText } from './rich-text';

// Files, images and voice in the conversation: their own chunk, loaded when one shows.
const Files = lazyView(() => import('./attachments').then((m) => m.Files));

/** "10:42" in the reader's locale. */
const formatTime = (ms: number, code: string): string =>
  new Date(ms).toLocaleTimeString(code, { hour: 'numeric', minute: '2-digit' });

/** The quoted message above a reply (seed 000). */
function Quote({ quote, widget }: { quote: NonNullable<ChatMessage['replyTo']>; widget: WidgetModel }) {
  const who =
    quote.author === 'visitor'
      ? t('message.you')
      : (widget.conversation.operator.value?.name ?? t('header.fallbackName'));
  return (
    <blockquote class="quote">
      {/* Its own direction: the bubble's `dir="auto"` then follows the reply, not the quoted author's name. */}
      <strong dir="auto">{who}</strong>
      <span dir="auto">{quote.deleted ? t('message.deleted') : quote.text}</span>
    </blockquote>
  );
}

/** Refusals the visitor can read; anything else is "cannot be sent". */
const REFUSALS = ['invalid', 'too_long', 'rate_limited', 'closed', 'internal'];

function Pending({ entry, widget }: { entry: Extract<TimelineEntry, { kind: 'outbox' }>; widget: WidgetModel }) {
  const { item } = entry;
  return (
    <div class={`msg visitor ${item.state}`} data-state={item.state}>
      <div class="bubble" dir="auto">
        <RichText text={item.payload.text} />
        {item.payload.files && <Files item={item} widget={widget} />}
      </div>
      <div class="meta">
        {item.state === 'pending' ? (
          <span>{t('message.sending')}</span>
        ) : (
          <>
            <span class="error">
              {item.refused
                ? t(`error.${REFUSALS.includes(item.refused) ? item.refused : 'invalid'}` as MessageKey)
                : t('message.failed')}
            </span>
            <button type="button" onClick={() => widget.chat.retry(item.clientId)}>
              {t('message.retry')}
            </button>
          </>
        )}
      </div>
    </div>
  );
}

function Message({
  message,
  widget,
  code,
  readMark,
}: {
  message: ChatMessage;
  widget: WidgetModel;
  code: string;
  readMark: boolean;
}) {
  const { conversation } = widget;
  if (message.author === 'system') return <p class="notice">{message.text}</p>;
  const mine = message.author === 'visitor';
  return (
    <div
      class={`msg ${message.author}${message.deleted ? ' deleted' : ''}`}
      data-state={mine ? 'sent' : undefined}
      data-id={message.id}
    >
      {!mine && message.operator && <span class="author">{message.operator.name}</span>}
      <span class="sr-only">{mine ? t('message.you') : ''}</span>
      <div class="bubble" dir="auto">
        {message.replyTo && !message.deleted && <Quote quote={message.replyTo} widget={widget} />}
        {message.deleted ? <em>{t('message.deleted')}</em> : <RichText text={message.text} />}
        {message.attachments && !message.deleted && <Files list={message.attachments} widget={widget} />}
      </div>
      <div class="meta">
        <time dateTime={new Date(message.createdAt).toISOString()}>{formatTime(message.createdAt, code)}</time>
        {message.editedAt && !message.deleted && <span class="edited">{t('message.edited')}</span>}
        {mine && <span class={readMark ? 'read' : 'sr-only'}>{readMark ? t('message.read') : t('message.sent')}</span>}
        {/* Only the open conversation's messages can be answered. */}
        {!mine &&
          !message.deleted &&
          conversation.status.value === 'open' &&
          message.conversationId === conversation.conversationId.value && (
            <button type="button" class="reply" onClick={() => widget.chat.reply(message)}>
              {t('message.reply')}
            </button>
          )}
      </div>
    </div>
  );
}

/** How many entries render at first, and how many each scroll to an edge adds. */
export const WINDOW_PAGE = 50;
/** The most entries in the DOM at once: the window slides, it does not grow. */
const WINDOW_MAX = 2 * WINDOW_PAGE;
/** Within this many pixels of an edge, the window moves on. */
const EDGE_PX = 80;

/** Where an entry is on screen, to put it back there after the entries around it changed. */
const topOf = (element: Element) => element.getBoundingClientRect().top;

/**
 * The conversation as a polite live region; stays scrolled to the newest message. Only a
 * window of entries renders (a returning visitor's history can be thousands long): the
 * newest page first; scrolling up renders earlier ones above, and asks the server for
 * older pages once the held history is all shown; scrolling down again renders the later
 * ones. Entries leave at the far end, and what the visitor was reading stays in place.
 */
export function MessageList({ widget }: { widget: WidgetModel }) {
  const log = useRef<HTMLDivElement>(null);
  const [, rerender] = useState(0);
  /** The window: how many entries after it (from the newest), how many in it. */
  const window = useRef({ skip: 0, count: WINDOW_PAGE });
  /** An entry on screen before the window moved, and where it was. */
  const anchor = useRef<{ id: string; top: number } | null>(null);
  /** Entries are going in that are not new: the live region stays quiet meanwhile. */
  const quiet = useRef(false);
  const all = widget.chat.timeline.value;
  const newest = all.at(-1)?.key;
  const seen = useRef(newest);
  if (seen.current !== newest) {
    // Something new at the end (a message, a send): back to the newest page.
    seen.current = newest;
    window.current = { skip: 0, count: WINDOW_PAGE };
  }
  const { skip, count } = window.current;
  const end = all.length - skip;
  const start = Math.max(0, end - count);
  const entries = all.slice(start, end);
  const code = locale.value.code;
  const { status, conversationId, operatorReadSeq, blocked, hasOlder } = widget.conversation;
  const older = widget.history.state.value;
  const closed = status.value === 'closed';
  const greeting = widget.conversation.site.value?.greeting;
  // "Read" shows once, on the newest of the visitor's messages the operator has seen.
  const current = conversationId.value;
  const readSeq = all.reduce(
    (max, e) =>
      e.kind === 'message' &&
      e.message.conversationId === current &&
      e.message.author === 'visitor' &&
      e.message.seq <= operatorReadSeq.value
        ? Math.max(max, e.message.seq)
        : max,
    0,
  );

  useLayoutEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [newest, closed]);

  // Entries went in or left around what the visitor was reading: it stays where it was.
  useLayoutEffect(() => {
    const element = log.current;
    const kept = anchor.current;
    if (!element || !kept) return;
    anchor.current = null;
    const now = element.querySelector(`[data-id="${kept.id}"]`);
    if (now) element.scrollTop += topOf(now) - kept.top;
    // Announcements resume for what arrives from now on.
    setTimeout(() => {
      quiet.current = false;
      rerender((n) => n + 1);
    });
  });

  /** Moves the window a page up (earlier) or down (later), keeping an entry on screen in place. */
  const move = (up: boolean) => {
    const element = log.current;
    const rendered = element?.querySelectorAll<HTMLElement>('.msg[data-id]');
    const held = rendered?.[up ? 0 : rendered.length - 1];
    if (!held || anchor.current) return;
    const length = widget.chat.timeline.peek().length;
    const { skip, count } = window.current;
    const last = length - skip;
    const first = Math.max(0, last - count);
    const [from, to] = up
      ? [Math.max(0, first - WINDOW_PAGE), Math.min(last, Math.max(0, first - WINDOW_PAGE) + WINDOW_MAX)]
      : [Math.max(first, Math.min(length, last + WINDOW_PAGE) - WINDOW_MAX), Math.min(length, last + WINDOW_PAGE)];
    if (from === first && to === last) return;
    anchor.current = { id: held.dataset.id!, top: topOf(held) };
    quiet.current = true;
    window.current = { skip: length - to, count: to - from };
    rerender((n) => n + 1);
  };

  /** The server's older page, then shown above once it is in. */
  const loadOlder = () => {
    quiet.current = true;
    void widget.history.loadOlder().then((added) => {
      if (added) move(true);
      else rerender((n) => n + 1);
    });
  };

  const onScroll = () => {
    const element = log.current;
    if (!element || anchor.current) return;
    if (element.scrollTop <= EDGE_PX) {
      if (start > 0) move(true);
      else if (hasOlder.peek() && older === 'idle') loadOlder();
    } else if (skip > 0 && element.scrollHeight - element.scrollTop - element.clientHeight <= EDGE_PX) move(false);
  };

  return (
    <div
      class="log"
      ref={log}
      role="log"
      aria-live={quiet.current || older === 'loading' ? 'off' : 'polite'}
      aria-busy={older === 'loading'}
      aria-label={t('log.label')}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the scrolling log must be reachable by keyboard to scroll it (WCAG 2.1.1)
      tabIndex={0}
      onScroll={onScroll}
    >
      {start === 0 && older !== 'idle' && (
        <p class="divider">
          {older === 'loading' ? (
            t('log.loadingOlder')
          ) : (
            <>
              {t('log.olderFailed')}{' '}
              <button type="button" onClick={loadOlder}>
                {t('message.retry')}
              </button>
            </>
          )}
        </p>
      )}
      {all.length === 0 &&
        (greeting ? (
          <div class="msg operator greeting">
            <div class="bubble" dir="auto">
              {greeting}
            </div>
          </div>
        ) : (
          <p class="empty">{t('log.empty')}</p>
        ))}
      {entries.map((entry, i) => {
        const previous = all[start + i - 1];
        const divider =
          entry.kind === 'message' &&
          previous?.kind === 'message' &&
          previous.message.conversationId !== entry.message.conversationId;
        return (
          <Fragment key={entry.key}>
            {divider && <p class="divider">{t('log.newConversation')}</p>}
            {entry.kind === 'outbox' ? (
              <Pending entry={entry} widget={widget} />
            ) : (
              <Message
                message={entry.message}
                widget={widget}
                code={code}
                readMark={entry.message.conversationId === current && entry.message.seq === readSeq}
              />
            )}
          </Fragment>
        );
      })}
      {closed && !blocked.value && (
        <p class="notice">{widget.ending.rated.value ? t('rating.thanks') : t('chat.ended')}</p>
      )}
      {blocked.value && <p class="notice ended">{t('blocked.text')}</p>}
    </div>
  );
}
