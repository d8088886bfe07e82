/**
 * Several server nodes behind one address, for real: Debian's redis-server and
 * PostgreSQL, each node a child process started from the built files (so a SIGKILL is a
 * real one), a TCP proxy as the one address. Skipped locally with the install command
 * when Redis or PostgreSQL is missing; failed under CI=true.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import {
  LIMITS,
  OPERATOR_NAMESPACE,
  VISITOR_NAMESPACE,
  newId,
  type Availability,
  type ChatMessage,
  type OnlineVisitor,
  type TeamMember,
  type VisitorSession,
} from '../../src/protocol';
import { ensureServerBuild, startNode, writeSitesFile, type ServerNode } from '../support/nodes';
import { databaseActivity, postgresSkipReason, startPostgres, type PostgresCluster } from '../support/postgres';
import { startProxy } from '../support/proxy';
import { redisSkipReason, startRedis, type RedisServer } from '../support/redis';
import { startTimeline } from '../support/timeline';
import { until } from '../support/until';
import {
  connectOperator,
  onConsoleMessages,
  connectVisitor,
  loginOperator,
  nextEvent,
  onVisitorsLeft,
  socketTracker,
  testSites,
  visitorSend,
  type OperatorClient,
  type VisitorClient,
} from '../support/server';

const skip = redisSkipReason() ?? postgresSkipReason();
const GRACE_MS = 1_000;
/** How long an event may take from one node to the other on a loaded CI machine (usually ms). */
const CROSS_NODE_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skip)('several nodes on Redis and PostgreSQL', () => {
  let redis: RedisServer;
  let postgres: PostgresCluster;
  let dir: string;
  let env: Record<string, string>;
  let a: ServerNode;
  let b: ServerNode;
  const sockets = socketTracker();

  beforeAll(async () => {
    ensureServerBuild();
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    dir = mkdtempSync(join(tmpdir(), 'confab-scale-'));
    env = {
      DATABASE_URL: await postgres.createDatabase(),
      REDIS_URL: redis.url,
      SITES_FILE: writeSitesFile(dir, testSites()),
      DATA_DIR: dir,
      PRESENCE_GRACE_MS: String(GRACE_MS),
    };
    // One after the other: the first one migrates the database.
    a = await startNode({ env });
    b = await startNode({ env });
  }, 60_000);

  // A failing test's log carries what the nodes printed and what the database was doing.
  beforeEach(({ onTestFailed }) =>
    onTestFailed(async () => {
      console.log(`--- node A's output:\n${a?.output().slice(-3_000)}`);
      console.log(`--- node B's output:\n${b?.output().slice(-3_000)}`);
      console.log(`--- the database's connections:\n${await databaseActivity(env.DATABASE_URL!)}`);
    }),
  );

  afterAll(async () => {
    sockets.closeAll();
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await Promise.allSettled([redis?.dispose(), postgres?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('a visitor on one node and an operator on the other chat both ways: messages, typing, read marks, edits', async () => {
    const operator = sockets.track((await connectOperator(b.url, 'anna')).socket);
    const { socket: visitor } = await connectVisitor(a.url);
    sockets.track(visitor);
    // Across nodes through Redis on a loaded machine: a deadline well past the usual
    // milliseconds, and a failure that says which side missed what.
    const atOperator = <T>(event: string) => nextEvent<T>(operator, event, CROSS_NODE_MS, 'the console on B');
    const atVisitor = <T>(event: string) => nextEvent<T>(visitor, event, CROSS_NODE_MS, 'the visitor on A');

    const toOperator = atOperator<ChatMessage>('message:new');
    const sent = await visitorSend(visitor, 'Hello from node A');
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    const conversationId = sent.message.conversationId;
    expect((await toOperator).text).toBe('Hello from node A');

    const toVisitor = atVisitor<ChatMessage>('message:new');
    const reply = await operator
      .timeout(CROSS_NODE_MS)
      .emitWithAck('message:send', { conversationId, clientId: newId(), text: 'Hi from node B' });
    expect(reply.ok).toBe(true);
    expect((await toVisitor).text).toBe('Hi from node B');

    const typingAtOperator = atOperator('typing');
    visitor.emit('typing', { typing: true });
    expect(await typingAtOperator).toEqual({ conversationId, typing: true });
    const typingAtVisitor = atVisitor('typing');
    operator.emit('typing', { conversationId, typing: true });
    expect(await typingAtVisitor).toEqual({ typing: true });

    if (!reply.ok) return;
    const readAtVisitor = atVisitor('read');
    operator.emit('read', { conversationId, seq: sent.message.seq });
    expect(await readAtVisitor).toEqual({ conversationId, seq: sent.message.seq });
    const readAtOperator = atOperator('read');
    visitor.emit('read', { conversationId, seq: reply.message.seq });
    expect(await readAtOperator).toEqual({ conversationId, seq: reply.message.seq });

    const edited = atVisitor<ChatMessage>('message:updated');
    const ack = await operator
      .timeout(CROSS_NODE_MS)
      .emitWithAck('message:edit', { messageId: reply.message.id, text: 'Hi from node B, edited' });
    expect(ack.ok).toBe(true);
    expect((await edited).text).toBe('Hi from node B, edited');
    sockets.closeAll();
  });

  it('a visitor on one node learns the operator went away when their last console, on another node, closes', async () => {
    const operator = (await connectOperator(b.url, 'max')).socket;
    const visitor = await connectVisitor(a.url);
    sockets.track(visitor.socket);
    // Node A may hear of the console on B a moment after the visitor's first availability.
    const told: Availability[] = [await visitor.availability];
    visitor.socket.on('availability', (availability) => told.push(availability));
    await until(() => told.at(-1)?.online === true, CROSS_NODE_MS, 'the visitor sees the operator available');
    const offline = nextEvent(visitor.socket, 'availability', GRACE_MS + 5_000);
    const closedAt = Date.now();
    operator.disconnect();
    expect(await offline).toEqual({ online: false, reason: 'nobody' });
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    sockets.closeAll();
  });

  it('an operator with consoles on both nodes stays online until both close, then goes offline once', async () => {
    const watcher = sockets.track((await connectOperator(a.url, 'max')).socket);
    const annaStatuses: string[] = [];
    watcher.on('team:updated', (team: TeamMember[]) => annaStatuses.push(team.find((m) => m.id === 'anna')!.status));
    const onA = (await connectOperator(a.url, 'anna')).socket;
    const onB = (await connectOperator(b.url, 'anna')).socket;
    await until(() => annaStatuses.at(-1) === 'available', CROSS_NODE_MS, 'anna online');
    const before = annaStatuses.length;

    onA.disconnect();
    await sleep(GRACE_MS * 2.5);
    expect(annaStatuses.slice(before)).not.toContain('offline');

    const closedAt = Date.now();
    onB.disconnect();
    await until(() => annaStatuses.includes('offline'), GRACE_MS + CROSS_NODE_MS, 'anna offline');
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    await sleep(GRACE_MS * 2);
    expect(annaStatuses.slice(before).filter((s) => s === 'offline')).toHaveLength(1);
    sockets.closeAll();
  });

  it('a visitor with tabs on both nodes stays on site for a console on either until the last tab closes, then leaves once', async () => {
    const operator = sockets.track((await connectOperator(b.url, 'anna')).socket);
    const events: string[] = [];
    const visitorId = newId();
    operator.on('visitor:online', (visitor: OnlineVisitor) => {
      if (visitor.visitorId === visitorId) events.push('online');
    });
    onVisitorsLeft(operator, (id) => id === visitorId && events.push('offline'));
    // The first tab reaches node A, where no console is: the console on B hears of it.
    const first = await connectVisitor(a.url, { visitorId });
    await until(() => events.includes('online'), CROSS_NODE_MS, 'the console on B sees the visitor who came to A');
    const second = await connectVisitor(b.url, { visitorId });
    await until(() => events.filter((e) => e === 'online').length === 2, CROSS_NODE_MS, 'the second tab announced');

    first.socket.disconnect();
    // Nothing to wait for when nothing should happen: give node A time to have decided.
    await sleep(1_500);
    expect(events).not.toContain('offline');
    const { socket: watcher, hello } = await connectOperator(a.url, 'max');
    watcher.disconnect();
    expect(hello.online.map((v) => v.visitorId)).toContain(visitorId);

    second.socket.disconnect();
    await until(() => events.includes('offline'), CROSS_NODE_MS, 'the visitor left once the last tab closed');
    await sleep(500);
    expect(events.filter((e) => e === 'offline')).toHaveLength(1);
    sockets.closeAll();
  });

  it('a node killed with a visitor only there: the console hears they left; one with a tab on another node stays', async () => {
    const victim = await startNode({ env });
    const operator = sockets.track((await connectOperator(b.url, 'anna')).socket);
    const offline: string[] = [];
    onVisitorsLeft(operator, (id) => offline.push(id));
    const onlyThere = await connectVisitor(victim.url);
    const alsoOnA = newId();
    await connectVisitor(victim.url, { visitorId: alsoOnA });
    const tabOnA = sockets.track((await connectVisitor(a.url, { visitorId: alsoOnA })).socket);
    await victim.kill();
    // Dead once its heartbeat is 8 s old; the leader's next round tells.
    await until(() => offline.includes(onlyThere.visitorId), 20_000, "the dead node's visitor gone");
    // Both were settled in the same round of the leader.
    expect(offline).not.toContain(alsoOnA);
    const { socket: watcher, hello } = await connectOperator(b.url, 'max');
    watcher.disconnect();
    expect(hello.online.map((v) => v.visitorId)).toContain(alsoOnA);
    expect(hello.online.map((v) => v.visitorId)).not.toContain(onlyThere.visitorId);
    tabOnA.disconnect();
    sockets.closeAll();
  }, 60_000);

  it('a node killed: its visitor and console reconnect to the survivor, the visitor catches up from its last change number', async () => {
    const victim = await startNode({ env });
    const proxy = await startProxy([victim.port, b.port], 'failover');
    const operator = sockets.track((await connectOperator(b.url, 'anna')).socket);
    // A console of max on the victim, through the one address, reconnecting as the console does.
    const hellos: { conversations: { id: string }[] }[] = [];
    const console_: OperatorClient = sockets.track(
      io(proxy.url + OPERATOR_NAMESPACE, {
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 500,
        randomizationFactor: 0.5,
        auth: { token: await loginOperator(b.url, 'max') },
      }),
    );
    console_.on('hello', (hello) => hellos.push(hello));
    // The visitor tells the server what it has on every (re)connection, as the widget does.
    const visitorId = newId();
    let conversationId: string | null = null;
    let lastChange = 0;
    const sessions: VisitorSession[] = [];
    const visitor: VisitorClient = sockets.track(
      io(proxy.url + VISITOR_NAMESPACE, {
        transports: ['websocket'],
        forceNew: true,
        // Long enough for the operator's message below to be stored while it is away.
        reconnectionDelay: 3_000,
        randomizationFactor: 0,
        auth: (give) => give({ site: 'shop', visitorId, conversationId, lastChange }),
      }),
    );
    const seen = (message: ChatMessage) => {
      conversationId = message.conversationId;
      lastChange = Math.max(lastChange, message.changeSeq);
    };
    visitor.on('session', (session) => {
      sessions.push(session);
      session.messages.forEach(seen);
    });
    const live: string[] = [];
    visitor.on('message:new', (message) => {
      live.push(message.text);
      seen(message);
    });
    await until(() => sessions.length === 1 && hellos.length === 1, 10_000, 'visitor and console on the victim');

    const first = await visitorSend(visitor, 'before the crash');
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    seen(first.message);
    const reply = await operator.timeout(5_000).emitWithAck('message:send', {
      conversationId: first.message.conversationId,
      clientId: newId(),
      text: 'seen live',
    });
    expect(reply.ok).toBe(true);
    await until(() => lastChange >= (reply.ok ? reply.message.changeSeq : 0), CROSS_NODE_MS, 'reply seen');
    const before = lastChange;

    await victim.kill();
    // Written while the visitor has no connection: it must come with the next session.
    const inGap = await operator.timeout(5_000).emitWithAck('message:send', {
      conversationId: first.message.conversationId,
      clientId: newId(),
      text: 'in the gap',
    });
    expect(inGap.ok).toBe(true);
    await until(() => sessions.length === 2 && hellos.length === 2, 15_000, 'visitor and console back on the survivor');
    // Only what changed after the visitor's last change number: the message of the gap, once.
    expect(sessions[1]!.messages.every((m) => m.changeSeq > before)).toBe(true);
    expect(sessions[1]!.messages.map((m) => m.text)).toEqual(['in the gap']);
    await sleep(300);
    expect(live).not.toContain('in the gap');
    expect(hellos[1]!.conversations.map((c) => c.id)).toContain(first.message.conversationId);
    await proxy.close();
    sockets.closeAll();
  }, 60_000);

  it('SIGKILL of the node holding 200 visitors while each sends: all reconnect to the survivor, every message stored once and shown at the operator once, in order', async ({
    onTestFailed,
  }) => {
    const victim = await startNode({ env });
    // The one address: new connections go to the victim while it lives, then to B.
    const proxy = await startProxy([victim.port, b.port], 'failover');
    const operator = sockets.track((await connectOperator(b.url, 'anna')).socket);
    const timeline = startTimeline();
    onTestFailed(() => console.log(`${timeline.print()}\n--- the victim's output:\n${victim.output().slice(-3_000)}`));
    // Every copy the operator is told of, when: a resend is told again, so a message may come
    // twice; the console merges by id and shows it once, which is what counts here.
    const arrivals = new Map<string, { message: ChatMessage; at: number }[]>();
    onConsoleMessages(operator, (message) => {
      if (message.author !== 'visitor') return;
      arrivals.set(message.id, [...(arrivals.get(message.id) ?? []), { message, at: timeline.now() }]);
    });

    const VISITORS = 200;
    const MESSAGES = 5;
    const visitors = Array.from({ length: VISITORS }, () => {
      const socket: VisitorClient = io(proxy.url + VISITOR_NAMESPACE, {
        transports: ['websocket'],
        forceNew: true,
        // Jittered backoff, as the widget's (src/widget/transport.ts), shortened for the test.
        reconnectionDelay: 200,
        reconnectionDelayMax: 2_000,
        randomizationFactor: 0.5,
        auth: { site: 'shop', visitorId: newId() },
      });
      return sockets.track(socket);
    });
    let greeted = 0;
    visitors.forEach((s) => s.once('session', () => greeted++));
    await until(
      () => greeted === VISITORS,
      60_000,
      () => `${greeted} of ${VISITORS} visitors greeted by the victim`,
    );
    timeline.mark(`${VISITORS} visitors on the victim`);

    // Which node each visitor is on: the victim until its one reconnection, then B.
    const reconnects = visitors.map(() => 0);
    visitors.forEach((s, v) => s.io.on('reconnect', () => reconnects[v]!++));
    const nodeOf = (v: number) => (reconnects[v] ? 'B' : 'victim');
    /** Every attempt of every message, for the report of one that went missing. */
    const attempts = new Map<string, string[]>();
    /**
     * Sends until acknowledged, resending with the same clientId after the widget's own
     * wait (a shorter one made a storm of resends the widget never makes: the survivor,
     * given 200 reconnections at once on a loaded machine, answered each after its
     * sender had given up and sent it again).
     */
    const sendUntilStored = async (v: number, text: string) => {
      const clientId = newId();
      const tried: string[] = [];
      attempts.set(text, tried);
      for (;;) {
        const node = nodeOf(v);
        const sentAt = timeline.now();
        try {
          const ack = await visitors[v]!.timeout(LIMITS.ackTimeoutMs).emitWithAck('message:send', { clientId, text });
          tried.push(`${sentAt} ms to ${node}: ${ack.ok ? `stored ${ack.message.id}` : `refused ${ack.error.code}`}`);
          if (ack.ok) return ack.message;
        } catch {
          // no answer: the node died, or the connection is being remade
          tried.push(`${sentAt} ms to ${node}: no answer`);
        }
        await sleep(100 + Math.random() * 200);
      }
    };
    const stored = visitors.map(() => [] as ChatMessage[]);
    let finished = 0;
    const sending = visitors.map(async (_, v) => {
      for (let i = 0; i < MESSAGES; i++) {
        stored[v]!.push(await sendUntilStored(v, `visitor ${v} message ${i}`));
        await sleep(150 + Math.random() * 100);
      }
      finished++;
    });
    await sleep(400);
    await victim.kill();
    timeline.mark('victim killed');
    const unfinished = () =>
      stored
        .flatMap((messages, v) => (messages.length < MESSAGES ? [v] : []))
        .map(
          (v) =>
            `visitor ${v} (${stored[v]!.length} stored, on ${nodeOf(v)}): ${attempts.get(`visitor ${v} message ${stored[v]!.length}`)?.join('; ')}`,
        );
    await until(
      () => finished === VISITORS,
      120_000,
      () =>
        `every visitor's messages acknowledged; ${VISITORS - finished} not:\n${unfinished().slice(0, 10).join('\n')}`,
    );
    await Promise.all(sending);
    timeline.mark('every message acknowledged');
    expect(reconnects.flatMap((n, v) => (n === 1 ? [] : [`visitor ${v}: ${n}`]))).toEqual([]);

    // Stored once: one conversation per visitor, MESSAGES messages in it, in sending order.
    for (const [v, messages] of stored.entries()) {
      expect(messages.map((m) => m.text)).toEqual(messages.map((_, i) => `visitor ${v} message ${i}`));
      expect(new Set(messages.map((m) => m.conversationId)).size).toBe(1);
    }
    expect(new Set(stored.map((messages) => messages[0]!.conversationId)).size).toBe(VISITORS);
    await Promise.all(
      stored.map(async (messages) => {
        const history = await operator
          .timeout(30_000)
          .emitWithAck('conversation:open', { conversationId: messages[0]!.conversationId });
        expect(history.ok).toBe(true);
        const storedIds = history.ok
          ? (history.messages as ChatMessage[]).filter((m) => m.author === 'visitor').map((m) => m.id)
          : [];
        expect(storedIds).toEqual(messages.map((m) => m.id));
      }),
    );
    timeline.mark('histories read');

    // At the operator on the survivor: every message, each shown once. Each was told
    // before it was acknowledged (by B directly, or by the victim through Redis), so
    // what is late here is on its way or lost; the report names them.
    const acked = stored.flat();
    const missing = () => acked.filter((m) => !arrivals.has(m.id));
    await until(
      () => missing().length === 0,
      20_000,
      () =>
        `every message at the operator; ${missing().length} of ${acked.length} never arrived:\n` +
        missing()
          .slice(0, 10)
          .map((m) => `${m.id} "${m.text}" seq ${m.seq}: ${attempts.get(m.text)?.join('; ')}`)
          .join('\n'),
    );
    timeline.mark('every message at the operator');
    // In order: stored in sending order (the histories above), and the console shows by
    // seq. Live, a copy the victim told through Redis can reach B after B's own next
    // one; such arrivals are counted for the log, not failed.
    let outOfOrder = 0;
    for (const messages of stored) {
      const firstArrivals = messages.map((m) => arrivals.get(m.id)![0]!.at);
      outOfOrder += firstArrivals.filter((at, i) => i > 0 && at < firstArrivals[i - 1]!).length;
    }
    // Told twice only when sent twice: a resend is told again, a message sent once is told once.
    const toldTwice = acked.filter((m) => arrivals.get(m.id)!.length > 1);
    expect(toldTwice.filter((m) => attempts.get(m.text)!.length === 1).map((m) => m.text)).toEqual([]);
    timeline.mark(`${acked.length} messages, ${toldTwice.length} told twice, ${outOfOrder} first told out of order`);
    console.log(timeline.print());
    await proxy.close();
    sockets.closeAll();
    // 20-40 s alone, 130 s at a load of 20 on two cores; the deadlines above add up to less
    // than this, so a slow step names itself.
  }, 270_000);

  it('Redis away for 10 s under steady traffic: no node crashes, nothing is lost, delivery resumes within 5 s', async ({
    onTestFailed,
  }) => {
    const operator = sockets.track((await connectOperator(b.url, 'anna')).socket);
    const timeline = startTimeline();
    onTestFailed(() => console.log(timeline.print()));
    /** When each copy of a message reached the operator (a resend is told again). */
    const arrivals = new Map<string, number[]>();
    onConsoleMessages(operator, (message) => {
      if (message.author !== 'visitor') return;
      arrivals.set(message.id, [...(arrivals.get(message.id) ?? []), Date.now()]);
    });
    const visitors = await Promise.all(Array.from({ length: 4 }, () => connectVisitor(a.url)));
    visitors.forEach((v) => sockets.track(v.socket));

    const acked: ChatMessage[] = [];
    /** Every attempt of every message, by its text, for the report of one that went missing. */
    const attempts = new Map<string, string[]>();
    let stop = false;
    const traffic = visitors.map(async ({ socket }, v) => {
      for (let i = 0; !stop; i++) {
        const clientId = newId();
        const text = `v${v} #${i}`;
        const tried: string[] = [];
        attempts.set(text, tried);
        // A failed ack is shown failed-with-retry by the widget: resend with the same clientId.
        for (;;) {
          const sentAt = timeline.now();
          const ack = await socket
            .timeout(3_000)
            .emitWithAck('message:send', { clientId, text })
            .catch(() => undefined);
          tried.push(
            `${sentAt} ms: ${ack ? (ack.ok ? `stored ${ack.message.id}` : `refused ${ack.error.code}`) : 'no answer'}`,
          );
          if (ack?.ok) {
            acked.push(ack.message);
            break;
          }
          await sleep(300);
        }
        await sleep(1_000);
      }
    });

    await sleep(2_000);
    await redis.stop();
    timeline.mark('Redis stopped');
    await sleep(10_000);
    expect(a.exited || b.exited).toBe(false);
    await redis.start();
    const back = Date.now();
    timeline.mark('Redis back');
    await sleep(1_500);
    stop = true;
    await until(
      () => acked.length === attempts.size,
      30_000,
      () =>
        `the last messages acknowledged: ${[...attempts]
          .filter(([text]) => !acked.some((m) => m.text === text))
          .map(([text, tried]) => `"${text}": ${tried.join('; ')}`)
          .join('\n')}`,
    );
    await Promise.all(traffic);
    timeline.mark(`${acked.length} messages acknowledged`);

    const missing = () => acked.filter((m) => !arrivals.has(m.id));
    await until(
      () => missing().length === 0,
      10_000,
      () =>
        `every acknowledged message at the operator; ${missing().length} of ${acked.length} never arrived:\n` +
        missing()
          .map((m) => `${m.id} "${m.text}": ${attempts.get(m.text)?.join('; ')}`)
          .join('\n'),
    );
    const firstArrivals = acked.map((m) => arrivals.get(m.id)![0]!);
    timeline.mark(`the last at the operator ${Math.max(...firstArrivals) - back} ms after Redis came back`);
    expect(Math.max(...firstArrivals) - back).toBeLessThan(5_000);
    // Told twice only when sent twice: the resend of a message whose ack was lost.
    const toldTwice = acked.filter((m) => arrivals.get(m.id)!.length > 1);
    expect(toldTwice.filter((m) => attempts.get(m.text)!.length === 1).map((m) => m.text)).toEqual([]);
    expect(acked.length).toBeGreaterThan(20);
    expect(a.exited || b.exited).toBe(false);
    sockets.closeAll();
  }, 120_000);

  it('Redis restarted empty: operators keep their chosen status and presence, visitors stay on site', async () => {
    const annaOnA = sockets.track((await connectOperator(a.url, 'anna')).socket);
    const maxOnB = sockets.track((await connectOperator(b.url, 'max')).socket);
    const away = await annaOnA.timeout(5_000).emitWithAck('status:set', { status: 'away' });
    expect(away.ok).toBe(true);
    const teamSeen: Record<string, string>[] = [];
    maxOnB.on('team:updated', (team: TeamMember[]) =>
      teamSeen.push(Object.fromEntries(team.map((m) => [m.id, m.status]))),
    );
    await until(() => teamSeen.at(-1)?.anna === 'away', CROSS_NODE_MS, 'max sees anna away');

    // A visitor with a tab on each node, and the availability a visitor on B is told.
    const visitorId = newId();
    const tabOnA = sockets.track((await connectVisitor(a.url, { visitorId })).socket);
    const tabOnB = await connectVisitor(b.url, { visitorId });
    sockets.track(tabOnB.socket);
    const told: Availability[] = [await tabOnB.availability];
    tabOnB.socket.on('availability', (availability) => told.push(availability));
    expect(told.at(-1)?.online).toBe(true);
    const offline: string[] = [];
    onVisitorsLeft(maxOnB, (id) => offline.push(id));

    const seenBefore = teamSeen.length;
    const toldBefore = told.length;
    await redis.stop();
    await redis.start();
    // Max changes his status before any node has given Redis back what it held.
    const dnd = await maxOnB.timeout(5_000).emitWithAck('status:set', { status: 'dnd' });
    expect(dnd.ok).toBe(true);
    // Nothing to await when nothing should change: three heartbeats (2 s each) have run.
    await sleep(6_500);
    expect(a.exited || b.exited).toBe(false);
    // Nobody is shown a status they did not choose, at any moment: an operator put back
    // by a node without their console waits for the node that has it (redis-presence.ts).
    const unchosen = (team: Record<string, string>) =>
      team.anna !== 'away' || !['available', 'dnd'].includes(team.max!);
    expect(teamSeen.slice(seenBefore).filter(unchosen)).toEqual([]);
    expect(teamSeen.at(-1)).toMatchObject({ anna: 'away', max: 'dnd' });
    // One change only, the one max's choice made: with anna away and max busy, nobody is available.
    expect(told.slice(toldBefore)).toEqual([{ online: false, reason: 'nobody' }]);
    // Redis has the statuses again: a console opened now is told them.
    const { socket: annaOnB, hello } = await connectOperator(b.url, 'anna');
    annaOnB.disconnect();
    expect(hello.status).toBe('away');
    expect(Object.fromEntries(hello.team.map((m) => [m.id, m.status]))).toMatchObject({ anna: 'away', max: 'dnd' });
    // The visitor's tabs were counted again: one closing does not take them off the site.
    tabOnA.disconnect();
    await sleep(1_500);
    expect(offline).not.toContain(visitorId);
    tabOnB.socket.disconnect();
    await until(() => offline.includes(visitorId), CROSS_NODE_MS, 'the visitor gone with the last tab');

    // The leader is back too: the last console of anna closing takes her offline after the grace period.
    annaOnA.disconnect();
    await until(() => teamSeen.at(-1)?.anna === 'offline', GRACE_MS + 10_000, 'anna offline after her last console');
    sockets.closeAll();
  }, 60_000);
});
