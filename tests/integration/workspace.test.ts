/**
 * The operator workspace on the server (both engines): search across the whole history
 * with filters and a cursor, a visitor's history across devices (and never by e-mail),
 * unban, the waiting line with its expected wait, typical reply time, the next opening
 * of a closed site, and transcripts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newId,
  type Availability,
  type ConversationSummary,
  type QueueState,
  type SearchQuery,
} from '../../src/protocol';
import { responseTimes, median, WINDOW_MS } from '../../server/src/expectations';
import { isOpen } from '../../server/src/hours';
import { signIdentity } from '../../server/src/identity';
import type { SiteConfig } from '../../server/src/sites';
import {
  connectOperator,
  nextEvent,
  testSites,
  visitorSend,
  type OperatorClient,
  type VisitorClient,
} from '../support/server';
import { useTestServer } from '../support/test-server';

const SECRET = 'a-very-long-identity-secret-for-tests-0123456789';
const DAY_MS = 86_400_000;

/** Opens two days from now, 09:00–10:00 UTC only: closed at any moment the test runs. */
const opening = new Date(Date.now() + 2 * DAY_MS);
opening.setUTCHours(9, 0, 0, 0);
const weekday = (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[opening.getUTCDay()]!;

const [shop, other] = testSites();
const sites: SiteConfig[] = [
  { ...shop!, identitySecret: SECRET },
  other!,
  {
    ...other!,
    id: 'closed',
    name: 'Closed Shop',
    operators: [],
    hours: { timeZone: 'UTC', weekly: { [weekday]: [['09:00', '10:00']] } },
  },
];
const server = useTestServer({ sites }, { settleMs: 50 });
const { url, visitorWrites } = server;

const token = (userId: string, email?: string) =>
  signIdentity({ userId, ...(email ? { email } : {}), exp: Math.floor(Date.now() / 1000) + 600 }, SECRET);

const operatorSays = (operator: OperatorClient, conversationId: string, text: string) =>
  operator.timeout(5000).emitWithAck('message:send', { conversationId, clientId: newId(), text });

/** Malformed queries are sent on purpose too, so the payload is loosely typed here. */
const search = (operator: OperatorClient, query: Record<string, unknown>) =>
  operator.timeout(5000).emitWithAck('conversation:search', query as SearchQuery);

const ids = (res: Awaited<ReturnType<typeof search>>) =>
  res.ok ? res.conversations.map((c: ConversationSummary) => c.id).sort() : res;

describe('search across the history', () => {
  let anna: OperatorClient;
  let zoe: string;
  let bob: string;
  let carl: string;
  let foreign: string;
  let edited: string;

  beforeAll(async () => {
    anna = (await connectOperator(url())).socket;
    zoe = (await visitorWrites('My sofa arrived broken', { name: 'Zoë Quinn' })).conversationId;
    bob = (await visitorWrites('A question about sofa delivery')).conversationId;
    carl = (await visitorWrites('Send the invoice please')).conversationId;
    foreign = (await visitorWrites('sofa on the other site', { site: 'other', origin: 'https://other.example' }))
      .conversationId;
    const reply = await operatorSays(anna, bob, 'Your refund is approved');
    if (!reply.ok) throw new Error('reply failed');
    edited = reply.message.id;
    await anna.timeout(5000).emitWithAck('conversation:close', { conversationId: carl, spam: true });
  });
  afterAll(() => anna.disconnect());

  it('finds message text by whole words and word prefixes, on the operator’s site only', async () => {
    expect(ids(await search(anna, { text: 'sofa' }))).toEqual([zoe, bob].sort());
    expect(ids(await search(anna, { text: 'SOF' }))).toEqual([zoe, bob].sort());
    expect(ids(await search(anna, { text: 'sofa broken' }))).toEqual([zoe]);
    expect(ids(await search(anna, { text: 'sofa' }))).not.toContain(foreign);
  });

  it('shows with each hit the newest message that matched, not the last one', async () => {
    const found = await search(anna, { text: 'DELIV sofa' });
    if (!found.ok) throw new Error('search failed');
    const hit = found.conversations.find((c: ConversationSummary) => c.id === bob)!;
    // The operator's reply came last; the visitor's message is what holds the words.
    expect(hit.lastMessage?.text).toBe('Your refund is approved');
    expect(hit.match).toMatchObject({ author: 'visitor', text: 'A question about sofa delivery' });
    // Found by the visitor's name: no message matched, so none is named.
    const byName = await search(anna, { text: 'quinn' });
    expect(byName.ok && byName.conversations.map((c: ConversationSummary) => c.match)).toEqual([undefined]);
  });

  it('finds the visitor’s name, and follows edits of a message', async () => {
    expect(ids(await search(anna, { text: 'quinn' }))).toEqual([zoe]);
    expect(ids(await search(anna, { text: 'refund' }))).toEqual([bob]);
    const change = await anna
      .timeout(5000)
      .emitWithAck('message:edit', { messageId: edited, text: 'Your credit is approved' });
    expect(change.ok).toBe(true);
    expect(ids(await search(anna, { text: 'refund' }))).toEqual([]);
    expect(ids(await search(anna, { text: 'credit' }))).toEqual([bob]);
  });

  it('filters by status, operator and period', async () => {
    expect(ids(await search(anna, { text: 'sofa', operatorId: 'anna' }))).toEqual([bob]);
    expect(ids(await search(anna, { text: 'sofa', operatorId: 'none' }))).toEqual([zoe]);
    expect(ids(await search(anna, { status: 'spam' }))).toEqual([carl]);
    expect(ids(await search(anna, { text: 'invoice', status: 'open' }))).toEqual([]);
    expect(ids(await search(anna, { text: 'sofa', from: Date.now() + DAY_MS }))).toEqual([]);
    expect(ids(await search(anna, { text: 'sofa', to: Date.now() + DAY_MS }))).toEqual([zoe, bob].sort());
  });

  it('pages with a cursor, newest activity first, without repeats', async () => {
    const first = await search(anna, { limit: 2 });
    if (!first.ok) throw new Error('search failed');
    expect(first.conversations).toHaveLength(2);
    expect(first.next).toEqual(expect.any(String));
    const seen = first.conversations.map((c: ConversationSummary) => c.id);
    let next = first.next;
    while (next) {
      const page = await search(anna, { limit: 2, cursor: next });
      if (!page.ok) throw new Error('search failed');
      seen.push(...page.conversations.map((c: ConversationSummary) => c.id));
      next = page.next;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([zoe, bob, carl]));
    expect(seen).not.toContain(foreign);
  });

  it('refuses a malformed query', async () => {
    expect(await search(anna, { status: 'lost' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await search(anna, { limit: 1000 })).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });
});

describe('a visitor’s history', () => {
  it('joins a verified user’s devices, and never visitors who only share an e-mail', async () => {
    const laptop = await visitorWrites('From my laptop', { token: token('user-7', 'ann@example.com') });
    const { socket: anna } = await server.operator();
    await anna.timeout(5000).emitWithAck('conversation:close', { conversationId: laptop.conversationId });
    const phone = await visitorWrites('Now from my phone', { token: token('user-7') });
    expect(phone.conversationId).not.toBe(laptop.conversationId);

    const fromPhone = await anna.timeout(5000).emitWithAck('visitor:history', { visitorId: phone.visitorId });
    expect(fromPhone.ok && fromPhone.conversations.map((c: ConversationSummary) => c.id)).toEqual([
      phone.conversationId,
      laptop.conversationId,
    ]);

    // Two browsers with the same data-email hint: strangers to each other.
    const first = await visitorWrites('Hint one', { email: 'shared@example.com' });
    const second = await visitorWrites('Hint two', { email: 'shared@example.com' });
    const ofSecond = await anna.timeout(5000).emitWithAck('visitor:history', { visitorId: second.visitorId });
    expect(ofSecond.ok && ofSecond.conversations.map((c: ConversationSummary) => c.id)).toEqual([
      second.conversationId,
    ]);
    expect(ofSecond.ok && ofSecond.conversations.map((c: ConversationSummary) => c.id)).not.toContain(
      first.conversationId,
    );

    // Another site's operator learns nothing about this visitor.
    const { socket: olga } = await server.operator('olga');
    expect(await olga.timeout(5000).emitWithAck('visitor:history', { visitorId: phone.visitorId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('unban', () => {
  it('lets a visitor marked as spam chat again', async () => {
    const spammer = await visitorWrites('buy cheap stuff');
    const { socket: anna } = await server.operator();
    const { socket: max } = await server.operator('max');
    await anna.timeout(5000).emitWithAck('conversation:close', { conversationId: spammer.conversationId, spam: true });
    // A colleague's console stops offering the undo the moment it is done.
    const heard = nextEvent<{ conversationId: string }>(max, 'conversation:unbanned', 5000);
    // The visitor's open widget is told too, so it returns to the chat without a reload.
    const told = nextEvent<undefined>(spammer.socket, 'unblocked', 5000);
    expect(await visitorSend(spammer.socket, 'again')).toMatchObject({ ok: false, error: { code: 'blocked' } });

    const undone = await anna
      .timeout(5000)
      .emitWithAck('conversation:unban', { conversationId: spammer.conversationId });
    expect(undone).toMatchObject({ ok: true, conversation: { id: spammer.conversationId } });
    expect(await heard).toEqual({ conversationId: spammer.conversationId });
    await told;
    const again = await visitorSend(spammer.socket, 'sorry, a real question');
    expect(again.ok).toBe(true);
    expect(again.ok && again.message.conversationId).not.toBe(spammer.conversationId);

    const { socket: olga } = await server.operator('olga');
    expect(
      await olga.timeout(5000).emitWithAck('conversation:unban', { conversationId: spammer.conversationId }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('what a waiting visitor is told', () => {
  const other = { site: 'other', origin: 'https://other.example' };
  /**
   * Everything a visitor is told about the line, from before it writes: a refresh may tell
   * a state before the test asks for it (and tells only changes), so tests read the latest.
   */
  const toldTo = (socket: VisitorClient) => {
    const told: QueueState[] = [];
    socket.on('queue', (state) => told.push(state));
    return () => told.at(-1);
  };
  const poll = { timeout: 5000 };

  it('a place in line, then the expected wait once enough chats were picked up, live', async () => {
    const { socket: olga } = await server.operator('olga');
    // An empty line to start with: chats left open on this site by other tests are ended.
    const open = await olga.timeout(5000).emitWithAck('conversation:search', { status: 'open' });
    for (const c of open.ok ? open.conversations : []) {
      await olga.timeout(5000).emitWithAck('conversation:close', { conversationId: c.id });
    }
    // Too few pick-ups so far: a place in line, no promise.
    const earlyClient = await server.visitor(other);
    const earlyTold = toldTo(earlyClient.socket);
    const earlySent = await visitorSend(earlyClient.socket, 'first in line');
    if (!earlySent.ok) throw new Error(earlySent.error.message);
    const early = { ...earlyClient, conversationId: earlySent.message.conversationId };
    await expect
      .poll(earlyTold, poll)
      .toMatchObject({ conversationId: early.conversationId, position: 1, expectedWaitMs: null });

    // Five chats picked up, each after a real wait.
    for (const delay of [40, 60, 80, 100, 120]) {
      const visitor = await visitorWrites(`help after ${delay}`, other);
      await new Promise((resolve) => setTimeout(resolve, delay));
      expect((await operatorSays(olga, visitor.conversationId, 'here')).ok).toBe(true);
    }
    const { pickups } = responseTimes(
      await server.harness.server.store.responseSamples('other', Date.now() - WINDOW_MS, 20_000),
    );
    const medianPickup = median(pickups)!;
    expect(medianPickup).toBeGreaterThanOrEqual(80);

    // The early visitor is still first; a second one joins behind. One operator available.
    const second = await server.visitor(other);
    const secondTold = toldTo(second.socket);
    await visitorSend(second.socket, 'second in line');
    await expect.poll(secondTold, poll).toMatchObject({ position: 2, expectedWaitMs: Math.round(medianPickup * 2) });
    await expect.poll(earlyTold, poll).toMatchObject({ position: 1, expectedWaitMs: Math.round(medianPickup) });

    // The operator steps away: nobody available, so no promise.
    await olga.timeout(5000).emitWithAck('status:set', { status: 'away' });
    await expect
      .poll(secondTold, poll)
      .toEqual({ conversationId: expect.any(String), position: 2, expectedWaitMs: null });

    // Busy with other chats: the line hears that reason (still no promise), and a newcomer is
    // told "busy", not "nobody there".
    await olga.timeout(5000).emitWithAck('status:set', { status: 'busy' });
    await expect.poll(secondTold, poll).toEqual({
      conversationId: expect.any(String),
      position: 2,
      expectedWaitMs: null,
      busy: true,
    });
    const newcomer = await server.visitor(other);
    expect(await newcomer.availability).toEqual({ online: false, reason: 'busy' });

    // Back, and the first chat is taken: the second moves up.
    await olga.timeout(5000).emitWithAck('status:set', { status: 'available' });
    await operatorSays(olga, early.conversationId, 'your turn');
    await expect.poll(secondTold, poll).toMatchObject({ position: 1, expectedWaitMs: Math.round(medianPickup) });

    // A new visitor's session carries the typical reply time now that there are enough replies.
    const fresh = await server.visitor(other);
    expect(fresh.session.site.typicalReplyMs).toEqual(expect.any(Number));
    expect(fresh.session.site.typicalReplyMs).toBeGreaterThanOrEqual(0);
  }, 20_000); // a dozen round trips and real waits: more than the default on a loaded machine

  it('when a closed site opens next, from its business hours', async () => {
    const { availability } = await server.visitor({ site: 'closed', origin: 'https://other.example' });
    const told: Availability = await availability;
    expect(told).toEqual({ online: false, reason: 'hours', opensAt: opening.getTime() });
    expect(isOpen({ timeZone: 'UTC', weekly: { [weekday]: [['09:00', '10:00']] } }, new Date(told.opensAt!))).toBe(
      true,
    );
  });
});

describe('transcripts', () => {
  it('for the visitor and the site’s operators only, with every text escaped in HTML', async () => {
    const visitor = await visitorWrites('<script>alert(1)</script> & my order');
    const { socket: anna } = await server.operator();
    await operatorSays(anna, visitor.conversationId, 'Looking at it');

    const text = await visitor.socket.timeout(5000).emitWithAck('transcript:get', {
      conversationId: visitor.conversationId,
      format: 'text',
    });
    expect(text).toEqual(expect.objectContaining({ ok: true }));
    if (!text.ok) return;
    expect(text.transcript.mime).toBe('text/plain; charset=utf-8');
    expect(text.transcript.body).toContain('You:\n<script>alert(1)</script> & my order');
    expect(text.transcript.body).toContain('Anna:\nLooking at it');

    const html = await anna.timeout(5000).emitWithAck('transcript:get', {
      conversationId: visitor.conversationId,
      format: 'html',
    });
    expect(html.ok).toBe(true);
    if (!html.ok) return;
    expect(html.transcript.filename).toMatch(/^chat-\d{4}-\d{2}-\d{2}\.html$/);
    expect(html.transcript.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; my order');
    expect(html.transcript.body).not.toContain('<script>');
    expect(html.transcript.body).toContain("default-src 'none'");

    const stranger = await server.visitor();
    expect(
      await stranger.socket.timeout(5000).emitWithAck('transcript:get', {
        conversationId: visitor.conversationId,
        format: 'text',
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const { socket: olga } = await server.operator('olga');
    expect(
      await olga
        .timeout(5000)
        .emitWithAck('transcript:get', { conversationId: visitor.conversationId, format: 'text' }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
