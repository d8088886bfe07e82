/**
 * Moving through a long conversation, in its own chunk (most visits never leave the
 * newest page): renders the rest of the newest page after the opening frame, slides the
 * message list's window a page up or down, keeping what the visitor reads in place, and
 * asks the server for the page before the oldest message held, through the widget's
 * acked request port (the one every connection path carries).
 */
import enViews from '../../i18n/locales/en-views';
import { addEnglish, t } from '../../i18n';
import { afterNextFrame } from '../slices';
import type { WidgetModel } from '../widget';
import type { ListWindow } from './message-list';

addEnglish(enViews);

/** The page the list shows once open; at most two of them render. */
const WINDOW_PAGE = 50;
/**
 * How many entries each scroll to an edge adds (and takes away at the other end): few
 * enough that rendering and laying them out fits in one frame on a phone, so scrolling
 * through a long history never stalls: at 4× CPU a whole page at once took 80–120 ms, 20
 * entries 50–83 ms (their style, layout and paint grow with their number).
 */
const WINDOW_STEP = 10;
/** As in the message list: how near an edge the window moves. */
const EDGE_PX = 80;

const topOf = (element: Element) => element.getBoundingClientRect().top;

/**
 * Entries going in that are not new are not announced: the live region is off while
 * they do, and polite again for what arrives after. (Set on the element: the list's
 * own render keeps it polite.)
 */
const quiet = (log: HTMLElement, on: boolean) => log.setAttribute('aria-live', on ? 'off' : 'polite');

/** True once the page is in the model; throws when it could not be had. */
async function fetchOlder({ conversation, ask }: WidgetModel): Promise<boolean> {
  const oldest = conversation.messages.peek()[0]!;
  const page = await ask('history:page', { conversationId: oldest.conversationId, beforeSeq: oldest.seq });
  if (!page.ok) throw new Error(page.error.code);
  // Dropped if the history was replaced meanwhile (a new session, a reset).
  if (conversation.messages.peek()[0] !== oldest) return false;
  conversation.page(page.messages, page.hasMore);
  return true;
}

/** The list was scrolled near an edge of its window. */
export function scrolled(widget: WidgetModel, log: HTMLElement, win: ListWindow, rerender: () => void): void {
  if (win.after || win.loading) return;
  const length = widget.chat.timeline.peek().length;
  let last = length - win.skip;
  let first = Math.max(0, last - win.count);
  const up = log.scrollTop <= EDGE_PX;
  if (!up && log.scrollHeight - log.scrollTop - log.clientHeight > EDGE_PX) return;
  if (up && first === 0) {
    if (widget.conversation.hasOlder.peek()) void load(widget, log, win, rerender);
    return;
  }
  // At most two pages render: what comes in at one end leaves at the other.
  if (up) {
    first = Math.max(0, first - WINDOW_STEP);
    last = Math.min(last, first + 2 * WINDOW_PAGE);
  } else {
    last = Math.min(length, last + WINDOW_STEP);
    first = Math.max(first, last - 2 * WINDOW_PAGE);
  }
  win.skip = length - last;
  win.count = last - first;
  keepInPlace(log, win, !up);
  rerender();
}

/**
 * Entries are about to go in: the one at the top of the window (`atBottom`: at its bottom)
 * stays where it is on screen, and what goes in is not announced.
 */
function keepInPlace(log: HTMLElement, win: ListWindow, atBottom: boolean) {
  const rows = log.querySelectorAll('.msg[data-id]');
  const held = rows[atBottom ? rows.length - 1 : 0];
  const was = held && topOf(held);
  quiet(log, true);
  win.after = () => {
    if (held?.isConnected) log.scrollTop += topOf(held) - was!;
    // Polite again once no other move waits to render (the next step's would be announced).
    setTimeout(() => win.after || quiet(log, false));
  };
}

/**
 * After the opening frame, which holds only the newest few: the rest of the newest page
 * renders above them, a step a frame (all of it at once was a long task on a phone), the
 * visitor's view unmoved.
 */
export function grow(log: HTMLElement | null, win: ListWindow, rerender: () => void): void {
  if (!log?.isConnected || win.count >= WINDOW_PAGE) return;
  // A move still to render (the last step's, or a scroll's) goes first.
  if (!win.after) {
    win.count = Math.min(WINDOW_PAGE, win.count + WINDOW_STEP);
    keepInPlace(log, win, true);
    rerender();
  }
  afterNextFrame(() => grow(log, win, rerender));
}

async function load(widget: WidgetModel, log: HTMLElement, win: ListWindow, rerender: () => void) {
  win.loading = true;
  quiet(log, true);
  win.top = <p class="divider">{t('log.loadingOlder')}</p>;
  rerender();
  try {
    const added = await fetchOlder(widget);
    win.loading = false;
    win.top = null;
    if (added) return scrolled(widget, log, win, rerender);
  } catch {
    win.loading = false;
    win.top = (
      <p class="divider">
        {t('log.olderFailed')}{' '}
        <button type="button" onClick={() => void load(widget, log, win, rerender)}>
          {t('message.retry')}
        </button>
      </p>
    );
  }
  quiet(log, false);
  rerender();
}
