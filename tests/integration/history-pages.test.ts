/**
 * History in pages: a session starts with the newest page of the visitor's recent
 * conversations, `history:page` reads further back, across conversations, only the
 * visitor's own, within its limits; catch-up by change number keeps working beside it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, newId, type ChatMessage, type HistoryPageAck, type HistoryPagePayload } from '../../src/protocol';
import { HISTORY_LIMITS } from '../../server/src/history';
import { connectVisitor, socketTracker, startHarness, type Harness, type VisitorClient } from '../support/server';

let harness: Harness;
const sockets = socketTracker();
const track = sockets.track;

beforeAll(async () => {
  harness = await startHarness();
});
afterEach(() => sockets.closeAll());
afterAll(() => harness.cleanup());

const url = () => harness.server.url;

/** Writes `count` messages straight into the store, alternating visitor and operator. */
async function fill(conversationId: string, owner: string, count: number, label: string) {
  const { store } = harness.server;
  const stored = [];
  for (let i = 1; i <= count; i++) {
    const operator = i % 2 === 0;
    const { message } = await store.appendMessage({
      conversationId,
      sender: operator ? 'o:anna' : owner,
      clientId: newId(),
      author: operator ? 'operator' : 'visitor',
      operatorId: operator ? 'anna' : null,
      text: `${label}${i}`,
    });
    stored.push(message);
  }
  return stored;
}

/** A visitor with an ended conversation of 30 messages and an open one of 120. */
async function returningVisitor() {
  const { visitorId, socket } = await connectVisitor(url());
  socket.disconnect();
  const owner = `v:${visitorId}`;
  const { store } = harness.server;
  const earlier = (await store.openConversation('shop', owner, visitorId)).conversation;
  await fill(earlier.id, owner, 30, 'a');
  await store.closeConversation(earlier.id, 'visitor');
  const current = (await store.openConversation('shop', owner, visitorId)).conversation;
  const messages = await fill(current.id, owner, 120, 'b');
  return { visitorId, earlier, current, messages };
}

const page = (socket: VisitorClient, payload: HistoryPagePayload): Promise<HistoryPageAck> =>
  socket.timeout(5000).emitWithAck('history:page', payload);

const texts = (messages: ChatMessage[]) => messages.map((m) => m.text);
const range = (label: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${label}${from + i}`);

describe('history in pages', { timeout: 60_000 }, () => {
  it('starts with the newest page and reads back through the conversations, oldest first in each page', async () => {
    const { visitorId, earlier, current } = await returningVisitor();
    const { socket, session } = await connectVisitor(url(), { visitorId });
    track(socket);
    expect(session.conversationId).toBe(current.id);
    expect(texts(session.messages)).toEqual(range('b', 71, 120));
    expect(session.hasOlder).toBe(true);

    const second = await page(socket, { conversationId: current.id, beforeSeq: 71 });
    expect(second.ok && texts(second.messages)).toEqual(range('b', 21, 70));
    expect(second.ok && second.hasMore).toBe(true);

    // The last page runs from the current conversation's start into the earlier one.
    const third = await page(socket, { conversationId: current.id, beforeSeq: 21, limit: 100 });
    expect(third.ok && texts(third.messages)).toEqual([...range('a', 1, 30), ...range('b', 1, 20)]);
    expect(third.ok && third.messages.slice(0, 30).every((m) => m.conversationId === earlier.id)).toBe(true);
    expect(third.ok && third.hasMore).toBe(false);

    // A page ending exactly at a conversation's start says the earlier one has more.
    const exact = await page(socket, { conversationId: current.id, beforeSeq: 21, limit: 20 });
    expect(exact.ok && texts(exact.messages)).toEqual(range('b', 1, 20));
    expect(exact.ok && exact.hasMore).toBe(true);
    const rest = await page(socket, { conversationId: earlier.id, beforeSeq: 1 });
    expect(rest).toEqual({ ok: true, messages: [], hasMore: false });
    const earlierPage = await page(socket, { conversationId: earlier.id, beforeSeq: 11, limit: 5 });
    expect(earlierPage.ok && texts(earlierPage.messages)).toEqual(range('a', 6, 10));
    expect(earlierPage.ok && earlierPage.hasMore).toBe(true);
  });

  it('sends a short history whole, saying there is nothing older', async () => {
    const { visitorId, socket: first } = await connectVisitor(url());
    first.disconnect();
    const owner = `v:${visitorId}`;
    const { conversation } = await harness.server.store.openConversation('shop', owner, visitorId);
    await fill(conversation.id, owner, 7, 'm');
    const { socket, session } = await connectVisitor(url(), { visitorId });
    track(socket);
    expect(texts(session.messages)).toEqual(range('m', 1, 7));
    expect(session.hasOlder).toBe(false);
    // A new visitor: an empty page.
    const fresh = await connectVisitor(url());
    track(fresh.socket);
    expect(fresh.session.messages).toEqual([]);
    expect(fresh.session.hasOlder).toBe(false);
  });

  it('refuses pages out of bounds, and another visitor’s conversation', async () => {
    const { visitorId, current } = await returningVisitor();
    const { socket } = await connectVisitor(url(), { visitorId });
    track(socket);
    for (const bad of [
      { conversationId: current.id, beforeSeq: 50, limit: HISTORY_LIMITS.pageMax + 1 },
      { conversationId: current.id, beforeSeq: 50, limit: 0 },
      { conversationId: current.id, beforeSeq: 1.5 },
      { conversationId: current.id, beforeSeq: 0 },
      { conversationId: current.id, beforeSeq: 2 ** 31 },
      { conversationId: 'not an id', beforeSeq: 5 },
      { conversationId: current.id } as HistoryPagePayload,
    ]) {
      expect(await page(socket, bad), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    }
    const most = await page(socket, { conversationId: current.id, beforeSeq: 121, limit: HISTORY_LIMITS.pageMax });
    expect(most.ok && most.messages).toHaveLength(HISTORY_LIMITS.pageMax);

    const stranger = await connectVisitor(url());
    track(stranger.socket);
    expect(await page(stranger.socket, { conversationId: current.id, beforeSeq: 121 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await page(stranger.socket, { conversationId: newId(), beforeSeq: 121 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('limits how often a visitor asks', async () => {
    const { visitorId, current } = await returningVisitor();
    const { socket } = await connectVisitor(url(), { visitorId });
    track(socket);
    const answers = await Promise.all(
      Array.from({ length: HISTORY_LIMITS.burst + 3 }, () =>
        page(socket, { conversationId: current.id, beforeSeq: 10, limit: 1 }),
      ),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(HISTORY_LIMITS.burst);
    expect(answers.filter((a) => !a.ok && a.error.code === 'rate_limited')).toHaveLength(3);
  });

  it('shows edits and deletes of older messages in the page that reads them', async () => {
    const { visitorId, current, messages } = await returningVisitor();
    const { store } = harness.server;
    await store.editMessage(messages[4]!.id, 'b5, edited');
    await store.deleteMessage(messages[5]!.id);
    const { socket } = await connectVisitor(url(), { visitorId });
    track(socket);
    const older = await page(socket, { conversationId: current.id, beforeSeq: 8, limit: 4 });
    expect(older.ok && older.messages.map((m) => [m.seq, m.text, m.deleted ?? false])).toEqual([
      [4, 'b4', false],
      [5, 'b5, edited', false],
      [6, '', true],
      [7, 'b7', false],
    ]);
  });
  it('counts the operator messages the visitor has not read before the page, by the read marks it keeps', async () => {
    const { visitorId, earlier, current } = await returningVisitor();
    const first = await connectVisitor(url(), { visitorId });
    track(first.socket);
    const inPage = first.session.messages.filter((m) => m.author === 'operator').length;
    expect(inPage).toBe(25);
    // Nothing read yet: the earlier chat's 15 and the 35 of b1–b70 are unread, 75 with the page's own.
    expect(first.session.olderUnread).toBe(50);

    // Read up to b100 on another device: of what lies before the page, only the earlier chat is left.
    await harness.server.store.markRead(current.id, 'visitor', 100);
    const second = await connectVisitor(url(), { visitorId });
    track(second.socket);
    expect(second.session.olderUnread).toBe(15);

    await harness.server.store.markRead(earlier.id, 'visitor', 30);
    const third = await connectVisitor(url(), { visitorId });
    track(third.socket);
    expect(third.session.olderUnread).toBe(0);
  });

  it('counts nothing older for a history that fits in the page', async () => {
    const { visitorId, socket } = await connectVisitor(url());
    socket.disconnect();
    const owner = `v:${visitorId}`;
    const { conversation } = await harness.server.store.openConversation('shop', owner, visitorId);
    await fill(conversation.id, owner, 20, 'c');
    const again = await connectVisitor(url(), { visitorId });
    track(again.socket);
    expect(again.session.messages.filter((m) => m.author === 'operator')).toHaveLength(10);
    expect(again.session.olderUnread).toBe(0);
  });
});

describe('catching up by change number beside pages', { timeout: 120_000 }, () => {
  it('replays only the changes after the client’s number, edits of older messages too', async () => {
    const { visitorId, current, messages } = await returningVisitor();
    const first = await connectVisitor(url(), { visitorId });
    const held = Math.max(...first.session.messages.map((m) => m.changeSeq));
    first.socket.disconnect();

    // While the visitor was away: an old message edited, one new message.
    await harness.server.store.editMessage(messages[2]!.id, 'b3, edited');
    const [added] = await fill(current.id, `v:${visitorId}`, 1, 'late');
    const { socket, session } = await connectVisitor(url(), {
      visitorId,
      conversationId: current.id,
      lastChange: held,
    });
    track(socket);
    expect(session.hasOlder).toBeUndefined();
    expect(session.messages.map((m) => [m.seq, m.text])).toEqual([
      [3, 'b3, edited'],
      [added!.seq, 'late1'],
    ]);
  });

  it('starts over from the newest page after a gap longer than one replay', async () => {
    const { visitorId, current } = await returningVisitor();
    await fill(current.id, `v:${visitorId}`, LIMITS.historyReplay, 'gap');
    const { socket, session } = await connectVisitor(url(), { visitorId, conversationId: current.id, lastChange: 1 });
    track(socket);
    expect(session.hasOlder).toBe(true);
    expect(texts(session.messages)).toEqual(range('gap', LIMITS.historyReplay - 49, LIMITS.historyReplay));
  });
});
