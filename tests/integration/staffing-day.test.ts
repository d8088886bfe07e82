/**
 * A day on the site in compressed time (the issue's done-when): two operators, Anna and
 * Max, staff the site while a few hundred scripted visitors arrive in waves, wait in line,
 * chat, sometimes leave before anyone answers, are passed from Anna to Max with a comment,
 * and are seen off; for a while both operators are busy with the chats they have; at the
 * end of the day both go off work and the last visitors leave requests instead. Real
 * socket.io clients against the real server and store (both engines).
 *
 * At the end it checks that nobody lost track of a chat and that every visitor was told
 * the truth:
 * - every chat was answered and ended, and both consoles hold every chat as the store does;
 * - every message is stored once, numbered without gaps, and reached each console and each
 *   visitor who stayed exactly once;
 * - each waiting visitor's place in line only ever went down, and every expected wait it
 *   was told is the documented formula (median pick-up × place ÷ operators available,
 *   server/src/expectations.ts) for one median the store's own pick-ups give at that time,
 *   and none while nobody available could take a chat;
 * - a visitor arriving while both were busy heard "busy", and after hours "nobody".
 *
 * `STAFFING_VISITORS` changes the size of the day (default 200), e.g. as a benchmark;
 * `STAFFING_DEBUG=1` prints the line and the desks every two seconds.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  newId,
  type Availability,
  type ChatMessage,
  type ConversationSummary,
  type QueueState,
} from '../../src/protocol';
import { median, responseTimes, WINDOW_MS } from '../../server/src/expectations';
import {
  connectOperator,
  connectVisitor,
  onConsoleMessages,
  onSummaries,
  onVisitorsLeft,
  startHarness,
  type Harness,
  type OperatorClient,
} from '../support/server';

const VISITORS = Number(process.env.STAFFING_VISITORS ?? 200);
/** The arrivals are spread over this long; the day's busy spell sits in its middle. */
const DAY_MS = 14_000;
/** How many chats one operator answers at once; more wait in line. */
const DESK = 4;
const LATE_VISITORS = 6;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (low: number, high: number) => low + Math.random() * (high - low);

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ server: { visitorMessageLimit: null } });
});
afterAll(() => harness.cleanup());

interface Told {
  at: number;
  state: QueueState;
}

interface VisitorRun {
  conversationId?: string;
  left: boolean;
  sentClientIds: string[];
  received: ChatMessage[];
  queue: Told[];
  availability?: Availability;
  leadId?: string;
}

/** One operator's console: what it knows of the site's chats, and what it does with them. */
function console_(
  socket: OperatorClient,
  me: string,
  hello: { conversations: ConversationSummary[]; online: { visitorId: string }[] },
) {
  const chats = new Map(hello.conversations.map((c) => [c.id, c]));
  const online = new Set(hello.online.map((v) => v.visitorId));
  const received: ChatMessage[] = [];
  const sentIds: string[] = [];
  onSummaries(socket, (c) => chats.set(c.id, c));
  onConsoleMessages(socket, (m) => received.push(m));
  socket.on('visitor:online', (v) => online.add(v.visitorId));
  onVisitorsLeft(socket, (id) => online.delete(id));
  /** Chats this operator answered: when, the answer's number, and whether the visitor is expected to write back. */
  const answered = new Map<string, { at: number; seq: number; reply: boolean }>();
  const send = async (conversationId: string, text: string) => {
    const ack = await socket.timeout(8000).emitWithAck('message:send', { conversationId, clientId: newId(), text });
    if (ack.ok) sentIds.push(ack.message.id);
    return ack;
  };
  return { me, socket, chats, online, received, sentIds, answered, send };
}
type Console = ReturnType<typeof console_>;

it(`${VISITORS} visitors in a day: no chat lost, no message lost or doubled, every expectation true`, async () => {
  const url = harness.server.url;
  const [annaLink, maxLink] = await Promise.all([connectOperator(url, 'anna'), connectOperator(url, 'max')]);
  const anna = console_(annaLink.socket, 'anna', annaLink.hello);
  const max = console_(maxLink.socket, 'max', maxLink.hello);
  const consoles = [anna, max];
  const statusLog: { at: number; available: number }[] = [{ at: Date.now(), available: 2 }];
  let working = true;
  let busySpell = false;
  let transfers = 0;

  /** An operator's day: take the oldest waiting chat while the desk has room, answer, sometimes pass on, end. */
  const staff = async (c: Console, colleague: Console) => {
    const mine = () => [...c.chats.values()].filter((s) => s.status === 'open' && s.operatorId === c.me);
    let seenOff = 0;
    while (working) {
      // End a chat once the visitor wrote back, or right away when they left or were passed on with nothing to add.
      for (const chat of mine()) {
        const answer = c.answered.get(chat.id);
        if (!answer) continue;
        const since = Date.now() - answer.at;
        const wroteBack = chat.lastMessage?.author === 'visitor' && chat.lastSeq > answer.seq;
        const gone = !c.online.has(chat.visitorId) && since > 300;
        if (!(answer.reply ? wroteBack || gone : since > 250)) continue;
        c.answered.delete(chat.id);
        // Anna passes some chats on to Max, with a comment for him, instead of ending them.
        if (c.me === 'anna' && wroteBack && !busySpell && ++seenOff % 4 === 0 && transfers < 20) {
          const passed = await c.socket.timeout(8000).emitWithAck('conversation:transfer', {
            conversationId: chat.id,
            toOperatorId: colleague.me,
            comment: 'Wants a bulk price',
          });
          if (passed.ok) {
            transfers += 1;
            continue;
          }
        }
        const ended = await c.socket.timeout(8000).emitWithAck('conversation:close', { conversationId: chat.id });
        expect(ended.ok).toBe(true);
      }
      // A chat passed on to me gets a word from me too; the visitor has said what they wanted.
      for (const chat of mine()) {
        if (c.answered.has(chat.id) || chat.lastMessage?.author !== 'system') continue;
        const ack = await c.send(chat.id, 'Max here: I can do a bulk price.');
        if (ack.ok) c.answered.set(chat.id, { at: Date.now(), seq: ack.message.seq, reply: false });
      }
      if (!busySpell && mine().length < DESK) {
        // Not one this desk answered already: under load its summary naming this operator can
        // come after the next look, and a second answer would leave the visitor's reply behind it.
        const waiting = [...c.chats.values()]
          .filter((s) => s.status === 'open' && s.operatorId === null && s.lastSeq > 0 && !c.answered.has(s.id))
          .sort((a, b) => a.createdAt - b.createdAt)[0];
        if (waiting) {
          // Picking up is answering; a colleague may have been quicker (the assignment lock).
          const ack = await c.send(waiting.id, 'Hello! Let me look.');
          if (ack.ok) c.answered.set(waiting.id, { at: Date.now(), seq: ack.message.seq, reply: true });
        }
      }
      await sleep(random(60, 140));
    }
  };

  const visit = async (index: number): Promise<VisitorRun> => {
    const run: VisitorRun = { left: false, sentClientIds: [], received: [], queue: [] };
    visiting.add(run);
    const { socket, availability } = await connectVisitor(url);
    run.availability = await availability;
    socket.on('queue', (state) => run.queue.push({ at: Date.now(), state }));
    socket.on('message:new', (m) => run.received.push(m));
    const say = async (text: string) => {
      const clientId = newId();
      const ack = await socket.timeout(8000).emitWithAck('message:send', { clientId, text });
      expect(ack.ok).toBe(true);
      if (ack.ok) {
        run.sentClientIds.push(clientId);
        run.conversationId = ack.message.conversationId;
      }
    };
    const ended = new Promise<void>((resolve) => socket.on('conversation:closed', () => resolve()));
    // Listening before writing: the answer may come before the ack is read.
    const answered = new Promise<void>((resolve) =>
      socket.on('message:new', (m) => m.author === 'operator' && resolve()),
    );
    await say(`Visitor ${index}: do you have this in blue?`);
    // One in seven does not wait for an answer.
    if (index % 7 === 3) {
      await sleep(random(100, 400));
      run.left = true;
      socket.disconnect();
      return run;
    }
    await answered;
    await say('Great, thank you!');
    await ended;
    socket.disconnect();
    return run;
  };

  /** Every visit under way or done, for the report of a stuck one. */
  const visiting = new Set<VisitorRun>();
  /** Fails after `ms`, naming each open chat with the store's, the consoles' and the visitor's view of it. */
  const stuck = async (ms: number): Promise<never> => {
    await sleep(ms);
    const store = harness.server.store;
    const lines: string[] = [];
    for (const [id, seen] of anna.chats) {
      if (seen.status !== 'open') continue;
      const row = await store.getConversation(id);
      const views = consoles.map((c) => {
        const s = c.chats.get(id);
        return `${c.me}: ${s?.status} op=${s?.operatorId} seq=${s?.lastSeq} last=${s?.lastMessage?.author} desk=${c.answered.has(id)}`;
      });
      const stored = (await store.lastMessages(id, 20)).map((m) => `${m.seq} ${m.author}: ${m.text}`);
      const visitor = [...visiting].find((run) => run.conversationId === id);
      const heard = visitor?.received.filter((m) => m.conversationId === id).map((m) => `${m.seq} ${m.author}`);
      lines.push(
        `${id} store: ${row?.status} op=${row?.operatorId} seq=${row?.lastSeq}; ${views.join('; ')}; ` +
          `online for anna: ${anna.online.has(seen.visitorId)}\n  stored: ${stored.join(' | ')}\n  ` +
          `visitor: ${visitor ? `left=${visitor.left}, heard ${heard?.join(', ') || 'nothing'}` : 'not found'}`,
      );
    }
    throw new Error(`visitors still waiting after ${ms} ms:\n${lines.join('\n')}`);
  };
  const desks = [staff(anna, max), staff(max, anna)];
  const runs: Promise<VisitorRun>[] = [];
  const started = Date.now();
  let busyAvailability: Availability | undefined;
  let spellDone = false;
  for (let i = 0; i < VISITORS; i++) {
    // Arrivals in waves: quicker mid-morning and after lunch.
    const wave = 1 + Math.sin((i / VISITORS) * Math.PI * 2) * 0.6;
    await sleep((DAY_MS / VISITORS) * wave);
    runs.push(visit(i));
    // Mid-day, with chats waiting in line:
    const waiting = [...anna.chats.values()].some((c) => c.status === 'open' && c.operatorId === null);
    if (!spellDone && i >= VISITORS / 2 && waiting) {
      spellDone = true;
      // Both are busy with the chats they have for a moment: new ones wait, and are told why.
      busySpell = true;
      await Promise.all(consoles.map((c) => c.socket.timeout(5000).emitWithAck('status:set', { status: 'busy' })));
      statusLog.push({ at: Date.now(), available: 0 });
      const newcomer = await connectVisitor(url);
      busyAvailability = await newcomer.availability;
      newcomer.socket.disconnect();
      await sleep(800);
      await Promise.all(consoles.map((c) => c.socket.timeout(5000).emitWithAck('status:set', { status: 'available' })));
      statusLog.push({ at: Date.now(), available: 2 });
      busySpell = false;
    }
  }
  const progress = setInterval(() => {
    if (process.env.STAFFING_DEBUG)
      console.log(
        `t=${Date.now() - started} arrived=${runs.length} open=${[...anna.chats.values()].filter((c) => c.status === 'open').length} waiting=${[...anna.chats.values()].filter((c) => c.status === 'open' && c.operatorId === null).length} annaDesk=${anna.answered.size} maxDesk=${max.answered.size}`,
      );
  }, 2000);
  const visits = await Promise.race([Promise.all(runs), stuck(60_000)]);
  clearInterval(progress);
  // The day's last chats are answered and ended, and the desks close.
  await expect
    .poll(() => [...anna.chats.values()].filter((c) => c.status === 'open').length, { timeout: 20_000 })
    .toBe(0);
  working = false;
  await Promise.all(desks);
  const dayMs = Date.now() - started;

  // After hours: both go off work; the last visitors are told so and leave requests.
  await Promise.all(consoles.map((c) => c.socket.timeout(5000).emitWithAck('status:set', { status: 'off' })));
  const leadsHeard: string[] = [];
  anna.socket.on('lead:new', (lead) => leadsHeard.push(lead.id));
  const late: VisitorRun[] = [];
  for (let i = 0; i < LATE_VISITORS; i++) {
    const { socket, availability } = await connectVisitor(url);
    const run: VisitorRun = { left: true, sentClientIds: [], received: [], queue: [] };
    run.availability = await availability;
    const ack = await socket.timeout(8000).emitWithAck('lead:submit', {
      clientId: newId(),
      fields: { name: `Late ${i}`, phone: '+7 701 123 45 67', message: 'Call me tomorrow', consent: true },
      elapsedMs: 5000,
    });
    if (ack.ok) run.leadId = ack.leadId;
    late.push(run);
    socket.disconnect();
  }

  // ——— Nobody lost track of a chat ———
  const store = harness.server.store;
  const conversations = new Map<string, VisitorRun>();
  for (const run of visits) {
    expect(run.conversationId).toBeDefined();
    conversations.set(run.conversationId!, run);
  }
  expect(conversations.size).toBe(VISITORS);
  for (const [id, run] of conversations) {
    const row = (await store.getConversation(id))!;
    // Answered and ended: nothing stuck open, nothing held by someone gone.
    expect(row.status, id).toBe('closed');
    const messages = await store.lastMessages(id, 1000);
    expect(messages.some((m) => m.author === 'operator')).toBe(true);
    // Stored once each, numbered 1..n without gaps.
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
    const visitorIds = messages.filter((m) => m.author === 'visitor').map((m) => m.clientId);
    expect(visitorIds.sort()).toEqual([...run.sentClientIds].sort());
    // A visitor who stayed heard every operator and system line once (their own come back as acks).
    if (!run.left) {
      const heard = run.received.map((m) => m.id);
      expect(new Set(heard).size).toBe(heard.length);
      expect(heard.sort()).toEqual(
        messages
          .filter((m) => m.author !== 'visitor')
          .map((m) => m.id)
          .sort(),
      );
    }
    // Both consoles hold the chat as the store does.
    for (const c of consoles) {
      const seen = c.chats.get(id);
      expect(seen?.status, `${c.me} sees ${id}`).toBe('closed');
      expect(seen?.operatorId).toBe(row.operatorId);
    }
  }
  // Each console heard every message of the day once, apart from its own (the acks had them).
  const allIds = (await Promise.all([...conversations.keys()].map((id) => store.lastMessages(id, 1000))))
    .flat()
    .map((m) => m.id);
  for (const c of consoles) {
    const heard = c.received.map((m) => m.id);
    expect(new Set(heard).size, `${c.me} heard a message twice`).toBe(heard.length);
    expect([...heard, ...c.sentIds].sort()).toEqual([...allIds].sort());
  }
  expect(transfers).toBeGreaterThan(0);

  // ——— Every expectation was true ———
  const samples = await store.responseSamples('shop', Date.now() - WINDOW_MS, 100_000);
  /** The median pick-up the store's timings gave after each operator message (with five or more). */
  const mediansOverTime = samples
    .filter((s) => s.author === 'operator')
    .map((s) => s.createdAt)
    .sort((a, b) => a - b)
    .flatMap((at) => {
      const { pickups } = responseTimes(samples.filter((s) => s.createdAt <= at));
      return pickups.length >= 5 ? [{ at, median: median(pickups)! }] : [];
    });
  const availableAround = (at: number) => {
    // The counts either side of the nearest change: a refresh in flight may have read either.
    const index = statusLog.filter((s) => s.at <= at).length - 1;
    return new Set([index - 1, index, index + 1].flatMap((i) => (statusLog[i] ? [statusLog[i]!.available] : [])));
  };
  /** The medians that fit every promise so far: the server reads one and keeps it for a minute. */
  let common: Set<number> | undefined;
  let promises = 0;
  let busyTold = 0;
  let told = 0;
  for (const run of visits) {
    const mine = run.queue.filter((t) => t.state.conversationId === run.conversationId);
    told += mine.length;
    // The place in line only ever goes down.
    for (let i = 1; i < mine.length; i++) {
      expect(mine[i]!.state.position).toBeLessThanOrEqual(mine[i - 1]!.state.position);
    }
    for (const { at, state } of mine) {
      const available = availableAround(at);
      if (state.busy) {
        busyTold += 1;
        // Busy: only said while nobody was available, and with no promise.
        expect(available.has(0)).toBe(true);
        expect(state.expectedWaitMs).toBeNull();
        continue;
      }
      if (state.expectedWaitMs === null) continue;
      promises += 1;
      expect(available.has(0) && available.size === 1).toBe(false);
      // Some median of the store's pick-ups up to then, with the count available, gives exactly this.
      const candidates = mediansOverTime.filter((m) => m.at <= at).map((m) => m.median);
      const fits = candidates.filter((m) =>
        [...available].some((a) => a > 0 && Math.round((m * state.position) / a) === state.expectedWaitMs),
      );
      expect(fits.length, `expected wait ${state.expectedWaitMs} ms at place ${state.position}`).toBeGreaterThan(0);
      common = new Set(fits.filter((m) => !common || common.has(m)));
    }
  }
  expect(told).toBeGreaterThan(0);
  expect(promises).toBeGreaterThan(0);
  // One median explains every promise of the day (the server read it once there were enough pick-ups).
  expect(common?.size).toBeGreaterThan(0);
  // Waiting visitors heard why nobody took their chat during the busy spell.
  expect(busyTold).toBeGreaterThan(0);

  expect(busyAvailability).toEqual({ online: false, reason: 'busy' });
  for (const run of late) {
    expect(run.availability).toEqual({ online: false, reason: 'nobody' });
    expect(run.leadId).toBeDefined();
  }
  await expect.poll(() => leadsHeard.length).toBe(LATE_VISITORS);
  const leads = await store.listLeads('shop');
  expect(late.every((run) => leads.some((l) => l.id === run.leadId))).toBe(true);

  console.log(
    `staffing day: ${VISITORS} visitors in ${dayMs} ms, ${transfers} passed on, ${visits.filter((v) => v.left).length} left early, ` +
      `${told} queue updates, ${promises} expected waits checked (median pick-up ${[...(common ?? [])].join('/')} ms), ` +
      `${busyTold} told everyone was busy, ${LATE_VISITORS} requests after hours`,
  );
  for (const c of consoles) c.socket.disconnect();
}, 90_000);
