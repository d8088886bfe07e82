import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../../src/i18n';
import type { ChatMessage } from '../../../src/protocol';
import { messageOf as message } from '../../support/fixtures';
import { mountWidget, type MountedWidget } from '../../support/widget';

let w: MountedWidget;

beforeEach(async () => {
  localStorage.clear();
  await setLocale('en');
});
afterEach(() => w?.unmount());

/** The server's read mark for conversation c1: the highest seq the widget said was read. */
const serverReadSeq = () => Math.max(0, ...w.transport.reads.filter(([id]) => id === 'c1').map(([, seq]) => seq));

/**
 * The newest page of `history` as the server sends it on a reload (50 messages), with its
 * count of the unread operator messages before the page (those after its read mark,
 * server/src/history.ts, unreadBeforePage) and the mark itself.
 */
function reloadWith(history: ChatMessage[]) {
  const page = history.slice(-50);
  const olderUnread = history.filter(
    (m) => m.author === 'operator' && m.seq > serverReadSeq() && m.seq < page[0]!.seq,
  ).length;
  w.connect({ messages: page, hasOlder: true, olderUnread, visitorReadSeq: serverReadSeq() });
}

const teaserShows = (text: string) => vi.waitFor(() => expect(w.$('.teaser')?.textContent).toContain(text));
const badge = () => w.launcher.querySelector('.badge')?.textContent;

/** Two operator messages, the second read in the teaser while offline: the server has heard of no read. */
async function teaserReadOffline(): Promise<ChatMessage[]> {
  const history = [message(1, 'operator', 'Hi, how can I help?')];
  w = mountWidget({}, { closed: true });
  w.connect({ messages: history });
  act(() => w.transport.emit('message:new', message(2, 'operator', 'Still there?')));
  history.push(message(2, 'operator', 'Still there?'));
  await teaserShows('Still there?');
  act(() => w.transport.setConnected(false));
  await act(() => (w.$('.teaser .icon-button') as HTMLButtonElement).click());
  expect(serverReadSeq()).toBe(0);
  return history;
}

describe('read marks', () => {
  it('counts as unread, after a teaser read and more than a page of new messages, only what came after it', async () => {
    const history = [message(1, 'visitor', 'Hello?'), message(2, 'operator', 'Hi, how can I help?')];
    w = mountWidget({}, { closed: true });
    w.connect({ messages: history });
    act(() => w.transport.emit('message:new', message(3, 'operator', 'Still there?')));
    history.push(message(3, 'operator', 'Still there?'));
    await teaserShows('Still there?');
    // Read in the teaser, without opening the chat.
    await act(() => (w.$('.teaser .icon-button') as HTMLButtonElement).click());
    expect(w.widget.conversation.unread.value).toBe(0);

    // 60 more from the operator while the visitor was away; a reload brings the newest 50.
    for (let seq = 4; seq < 64; seq++) history.push(message(seq, 'operator', `news ${seq}`));
    reloadWith(history);
    expect(w.widget.conversation.unread.value).toBe(60);
    expect(badge()).toBe('60');
  });

  it('tells the server of a teaser read made offline once the connection is back', async () => {
    const history = await teaserReadOffline();

    // Back online, the server replays what changed since (60 new messages): the read goes with it.
    for (let seq = 3; seq < 63; seq++) history.push(message(seq, 'operator', `news ${seq}`));
    w.connect({ messages: history.slice(2) });
    expect(serverReadSeq()).toBe(2);
    reloadWith(history);
    expect(w.widget.conversation.unread.value).toBe(60);
  });

  it('sends no receipt on a page view whose session holds the read already; a new read sends one', async () => {
    const history = [message(1, 'visitor', 'Hello?'), message(2, 'operator', 'Hi, how can I help?')];
    w = mountWidget();
    w.connect({ messages: history });
    expect(w.transport.reads).toEqual([['c1', 2]]);

    // The next page view: the server's session says it has that mark.
    w.unmount();
    w = mountWidget();
    w.connect({ messages: history, visitorReadSeq: 2 });
    expect(w.transport.reads).toEqual([]);
    act(() => w.transport.emit('message:new', message(3, 'operator', 'Anything else?')));
    expect(w.transport.reads).toEqual([['c1', 3]]);
  });

  it('keeps a teaser read made offline across a reload: the next page view tells the server', async () => {
    const history = await teaserReadOffline();

    w.unmount();
    w = mountWidget({}, { closed: true });
    w.connect({ messages: history, visitorReadSeq: 0 });
    expect(w.transport.reads).toEqual([['c1', 2]]);
    expect(w.widget.conversation.unread.value).toBe(0);
  });

  it('tells the server of a read made offline when the connection comes back with nothing new', async () => {
    await teaserReadOffline();

    act(() => w.transport.setConnected(true));
    expect(serverReadSeq()).toBe(2);
  });
});
