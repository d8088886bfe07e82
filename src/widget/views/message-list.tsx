import { Fragment, type VNode } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '../../protocol';
import { locale, t, type MessageKey } from '../../i18n';
import { afterNextFrame } from '../slices';
import type { TimelineEntry, WidgetModel } from '../widget';
import { clockTime } from './clock';
import { lazyView } from './lazy';
import { RichText } from './rich-text';

// Files, images and voice in the conversation: their own chunk, loaded when one shows.
const Files = lazyView(() => import('./attachments').then((m) => m.Files));

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

// Why a message was not sent, and its retry: its own chunk, as most visits never show one.
const Failed = lazyView(() => import('./failed').then((m) => m.Failed));

function Pending({ entry, widget }: { entry: Extract<TimelineEntry, { kind: 'outbox' }>; widget: WidgetModel }) {
  const { item } = entry;
  // Without a connection an entry waits, as the banner promises; failed is only what the
  // server refused or did not ack while connected.
  const state = item.refused ? 'failed' : widget.connection.value === 'online' ? item.state : 'waiting';
  return (
    <div class={`msg visitor ${state}`} data-state={state}>
      <div class="bubble" dir="auto">
        <RichText text={item.payload.text} />
        {item.payload.files && <Files item={item} widget={widget} />}
      </div>
      <div class="meta">
        {state !== 'failed' ? (
          <span>{t(state === 'pending' ? 'message.sending' : 'message.waiting')}</span>
        ) : (
          <Failed item={item} widget={widget} />
        )}
      </div>
    </div>
  );
}

interface MessageProps {
  message: ChatMessage;
  widget: WidgetModel;
  readMark: boolean;
}

function Message({ message, widget, readMark }: MessageProps) {
  const { conversation } = widget;
  if (message.author === 'system') {
    // The server's line in the visitor's language when the locale has it; its English text otherwise.
    const line = message.system;
    const key = `system.${line?.code}` as MessageKey;
    return <p class="notice">{line && locale.value.dictionary[key] ? t(key, line.params) : message.text}</p>;
  }
  const mine = message.author === 'visitor';
  const sent = new Date(message.createdAt);
  return (
    <div
      class={`msg ${message.author}${message.deleted ? ' deleted' : ''}`}
      data-state={mine ? 'sent' : undefined}
      data-id={message.id}
    >
      {!mine && message.operator && <span class="author">{message.operator.name}</span>}
      {mine && <span class="sr-only">{t('message.you')}</span>}
      <div class="bubble" dir="auto">
        {message.replyTo && !message.deleted && <Quote quote={message.replyTo} widget={widget} />}
        {message.deleted ? <em>{t('message.deleted')}</em> : <RichText text={message.text} />}
        {message.attachments && !message.deleted && <Files list={message.attachments} widget={widget} />}
      </div>
      <div class="meta">
        {/* The locale read here (as t() does): a new one renders the row again, however it was kept. */}
        <time dateTime={sent.toISOString()}>{clockTime(sent, locale.value.code)}</time>
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

/**
 * How many entries are in the opening frame: as many as the tallest log shows at the least
 * an entry takes (a one-line message with its time, ~56 px), and one more. The panel is at
 * most 600 px tall, or the whole viewport on a phone (themes/base-css.ts), and its header and
 * composer take at least 120 px of it (so two entries fewer). Laying rows out is most of an
 * open's time on a phone: the rest of the newest page renders above them after that frame (./older).
 */
export const openingEntries = () => (Math.min(innerHeight, innerWidth > 480 ? 600 : 1e4) / 56 - 1) | 0;
/** Within this many pixels of an edge, the window moves on. */
const EDGE_PX = 80;

/** Which entries render, shared with the chunk that moves the window (./older). */
export interface ListWindow {
  /** Entries after the window (counted from the newest), and entries in it. */
  skip: number;
  count: number;
  /** The newest entry's key when the window was set: a new one resets it. */
  newest?: string | undefined;
  /** An older page is being asked for. */
  loading?: boolean;
  /** Runs once after the next render: puts what the visitor was reading back in place. */
  after?: (() => void) | undefined;
  /** The row above the oldest entry: loading, or a retry. */
  top?: VNode | null;
}

/**
 * The conversation as a polite live region; stays scrolled to the newest message. Only a
 * window of entries renders (a returning visitor's history can be thousands long): the
 * newest page on open; at the edges of the window the `older` chunk slides it, and asks
 * the server for older pages once the held history is all shown.
 */
export function MessageList({ widget }: { widget: WidgetModel }) {
  const log = useRef<HTMLDivElement>(null);
  const [, rerender] = useState(0);
  // The row a message rendered as, given back while its read mark stays: Preact skips an element
  // it gets again, so a window move renders only the rows coming in, not all of them. The rest a
  // row shows (locale, status, operator) it reads from signals, which render it again themselves.
  const rows = useRef(new WeakMap<ChatMessage, VNode<MessageProps>>()).current;
  const win = useRef<ListWindow>({ skip: 0, count: openingEntries() }).current;
  const all = widget.chat.timeline.value;
  const newest = all.at(-1)?.key;
  if (win.newest !== newest) {
    // Something new at the end (a message, a send): the window goes back to the newest.
    win.newest = newest;
    win.skip = 0;
  }
  const end = all.length - win.skip;
  const start = Math.max(0, end - win.count);
  const entries = all.slice(start, end);
  const code = locale.value.code;
  const { status, conversationId, operatorReadSeq, blocked } = widget.conversation;
  const closed = status.value === 'closed';
  const site = widget.conversation.site.value;
  // The greeting in the widget's language where the site has one (m12), the site's own otherwise.
  const greeting = site?.greetings?.[code] ?? site?.greeting;
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

  // A part around the list that arrives after it (the end-chat bar, the composer's buttons,
  // a banner: chunks and the session land in later tasks when the panel opened early) makes
  // it shorter: a list that showed its newest message still does. Here, after layout and
  // before paint, so no frame shows it cut off; one scrolled up keeps its place.
  useLayoutEffect(() => {
    const element = log.current!;
    let height = element.clientHeight;
    const resized = new ResizeObserver(() => {
      if (element.scrollTop + height >= element.scrollHeight - 2) element.scrollTop = element.scrollHeight;
      height = element.clientHeight;
    });
    resized.observe(element);
    return () => resized.disconnect();
  }, []);

  const refresh = () => rerender((n) => n + 1);
  // The rest of the opening page, above what the visitor sees, after the opening frame (./older):
  // only when there is more than that frame shows, so a short conversation never fetches the chunk.
  const more = all.length > win.count;
  useEffect(
    () =>
      more ? afterNextFrame(() => void import('./older').then((m) => m.grow(log.current, win, refresh))) : undefined,
    [more],
  );

  useLayoutEffect(() => {
    const after = win.after;
    win.after = undefined;
    after?.();
  });

  const onScroll = () => {
    const element = log.current!;
    // Near the top, or anywhere below a window that left the newest behind.
    if (element.scrollTop <= EDGE_PX || win.skip)
      void import('./older').then((m) => m.scrolled(widget, element, win, refresh));
  };

  return (
    <div
      class="log"
      ref={log}
      role="log"
      aria-live="polite"
      aria-label={t('log.label')}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the scrolling log must be reachable by keyboard to scroll it (WCAG 2.1.1)
      tabIndex={0}
      onScroll={onScroll}
    >
      {start === 0 && win.top}
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
        let row: VNode<MessageProps> | undefined;
        if (entry.kind === 'message') {
          const { message } = entry;
          const readMark = message.conversationId === current && message.seq === readSeq;
          row = rows.get(message);
          if (row?.props.readMark !== readMark) {
            row = <Message message={message} widget={widget} readMark={readMark} />;
            rows.set(message, row);
          }
        }
        return (
          <Fragment key={entry.key}>
            {divider && <p class="divider">{t('log.newConversation')}</p>}
            {row ?? <Pending entry={entry as Extract<TimelineEntry, { kind: 'outbox' }>} widget={widget} />}
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
