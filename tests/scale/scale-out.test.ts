/**
 * Several server nodes behind one address, for real: Debian's redis-server and
 * PostgreSQL, each node a child process started from the built files (so a SIGKILL is a
 * real one), a TCP proxy as the one address. Skipped locally with the install command
 * when Redis or PostgreSQL is missing; failed under CI=true.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import {
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
import { postgresSkipReason, startPostgres, type PostgresCluster } from '../support/postgres';
import { startProxy } from '../support/proxy';
import { redisSkipReason, startRedis, type RedisServer } from '../support/redis';
import {
  connectOperator,
  connectVisitor,
  loginOperator,
  nextEvent,
  socketTracker,
  testSites,
  visitorSend,
  type OperatorClient,
  type VisitorClient,
} from '../support/server';

const skip = redisSkipReason() ?? postgresSkipReason();
const GRACE_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` holds, polling; fails with `what` after `ms`. */
async function until(check: () => boolean, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(20);
  }
}

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

    const toOperator = nextEvent<ChatMessage>(operator, 'message:new');
    const sent = await visitorSend(visitor, 'Hello from node A');
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    const conversationId = sent.message.conversationId;
    expect((await toOperator).text).toBe('Hello from node A');

    const toVisitor = nextEvent<ChatMessage>(visitor, 'message:new');
    const reply = await operator
      .timeout(5000)
      .emitWithAck('message:send', { conversationId, clientId: newId(), text: 'Hi from node B' });
    expect(reply.ok).toBe(true);
    expect((await toVisitor).text).toBe('Hi from node B');

    const typingAtOperator = nextEvent(operator, 'typing');
    visitor.emit('typing', { typing: true });
    expect(await typingAtOperator).toEqual({ conversationId, typing: true });
    const typingAtVisitor = nextEvent(visitor, 'typing');
    operator.emit('typing', { conversationId, typing: true });
    expect(await typingAtVisitor).toEqual({ typing: true });

    if (!reply.ok) return;
    const readAtVisitor = nextEvent(visitor, 'read');
    operator.emit('read', { conversationId, seq: sent.message.seq });
    expect(await readAtVisitor).toEqual({ conversationId, seq: sent.message.seq });
    const readAtOperator = nextEvent(operator, 'read');
    visitor.emit('read', { conversationId, seq: reply.message.seq });
    expect(await readAtOperator).toEqual({ conversationId, seq: reply.message.seq });

    const edited = nextEvent<ChatMessage>(visitor, 'message:updated');
    const ack = await operator
      .timeout(5000)
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
    await until(() => told.at(-1)?.online === true, 3_000, 'the visitor sees the operator available');
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
    await until(() => annaStatuses.at(-1) === 'available', 3_000, 'anna online');
    const before = annaStatuses.length;

    onA.disconnect();
    await sleep(GRACE_MS * 2.5);
    expect(annaStatuses.slice(before)).not.toContain('offline');

    const closedAt = Date.now();
    onB.disconnect();
    await until(() => annaStatuses.includes('offline'), GRACE_MS + 5_000, 'anna offline');
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
    operator.on('visitor:offline', (visitor: { visitorId: string }) => {
      if (visitor.visitorId === visitorId) events.push('offline');
    });
    // The first tab reaches node A, where no console is: the console on B hears of it.
    const first = await connectVisitor(a.url, { visitorId });
    await until(() => events.includes('online'), 5_000, 'the console on B sees the visitor who came to A');
    const second = await connectVisitor(b.url, { visitorId });
    await until(() => events.filter((e) => e === 'online').length === 2, 5_000, 'the second tab announced');

    first.socket.disconnect();
    // Nothing to wait for when nothing should happen: give node A time to have decided.
    await sleep(1_500);
    expect(events).not.toContain('offline');
    const { socket: watcher, hello } = await connectOperator(a.url, 'max');
    watcher.disconnect();
    expect(hello.online.map((v) => v.visitorId)).toContain(visitorId);

    second.socket.disconnect();
    await until(() => events.includes('offline'), 5_000, 'the visitor left once the last tab closed');
    await sleep(500);
    expect(events.filter((e) => e === 'offline')).toHaveLength(1);
    sockets.closeAll();
  });

  it('a node killed with a visitor only there: the console hears they left; one with a tab on another node stays', async () => {
    const victim = await startNode({ env });
    const operator = sockets.track((await connectOperator(b.url, 'anna')).socket);
    const offline: string[] = [];
    operator.on('visitor:offline', (visitor: { visitorId: string }) => offline.push(visitor.visitorId));
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
    await until(() => lastChange >= (reply.ok ? reply.message.changeSeq : 0), 5_000, 'reply seen');
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

  it('SIGKILL of the node holding 200 visitors while each sends: all reconnect to the survivor, every message stored once and delivered once, in order', async () => {
    const victim = await startNode({ env });
    // The one address: new connections go to the victim while it lives, then to B.
    const proxy = await startProxy([victim.port, b.port], 'failover');
    const operator = sockets.track((await connectOperator(b.url, 'anna')).socket);
    const received = new Map<string, ChatMessage[]>();
    operator.on('message:new', (message: ChatMessage) => {
      if (message.author !== 'visitor') return;
      received.set(message.conversationId, [...(received.get(message.conversationId) ?? []), message]);
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
    await Promise.all(visitors.map((s) => new Promise((resolve) => s.once('session', resolve))));

    let reconnects = 0;
    visitors.forEach((s) => s.io.on('reconnect', () => reconnects++));
    /** Sends until acknowledged, resending with the same clientId as the widget's outbox does. */
    const sendUntilStored = async (socket: VisitorClient, text: string) => {
      const clientId = newId();
      for (;;) {
        try {
          const ack = await socket.timeout(2_000).emitWithAck('message:send', { clientId, text });
          if (ack.ok) return ack.message;
        } catch {
          // no answer: the node died, or the connection is being remade
        }
        await sleep(100 + Math.random() * 200);
      }
    };
    const stored = new Map<VisitorClient, ChatMessage[]>();
    const sending = visitors.map(async (socket, v) => {
      for (let i = 0; i < MESSAGES; i++) {
        const message = await sendUntilStored(socket, `visitor ${v} message ${i}`);
        stored.set(socket, [...(stored.get(socket) ?? []), message]);
        await sleep(150 + Math.random() * 100);
      }
    });
    await sleep(400);
    await victim.kill();
    await Promise.all(sending);
    expect(reconnects).toBe(VISITORS);

    // Stored once: one conversation per visitor, MESSAGES messages in it, in sending order.
    const conversations = new Set<string>();
    await Promise.all(
      [...stored.values()].map(async (messages) => {
        expect(messages.map((m) => m.text)).toEqual(
          messages.map((_, i) => messages[0]!.text.replace(/\d+$/, String(i))),
        );
        expect(new Set(messages.map((m) => m.conversationId)).size).toBe(1);
        conversations.add(messages[0]!.conversationId);
        const history = await operator
          .timeout(10_000)
          .emitWithAck('conversation:open', { conversationId: messages[0]!.conversationId });
        expect(history.ok).toBe(true);
        const storedIds = history.ok
          ? (history.messages as ChatMessage[]).filter((m) => m.author === 'visitor').map((m) => m.id)
          : [];
        expect(storedIds).toEqual(messages.map((m) => m.id));
      }),
    );
    expect(conversations.size).toBe(VISITORS);

    // Delivered once, in order, to the operator on the survivor.
    await until(
      () => [...received.values()].reduce((n, list) => n + list.length, 0) >= VISITORS * MESSAGES,
      5_000,
      'every message at the operator',
    );
    await sleep(300);
    for (const messages of stored.values()) {
      const live = received.get(messages[0]!.conversationId) ?? [];
      expect(live.map((m) => m.id)).toEqual(messages.map((m) => m.id));
    }
    await proxy.close();
    sockets.closeAll();
    // 20-40 s alone; a full `npm test` on a shared 2-core machine has taken more than 60 s.
  }, 120_000);

  it('Redis away for 10 s under steady traffic: no node crashes, nothing is lost, delivery resumes within 5 s', async () => {
    const operator = sockets.track((await connectOperator(b.url, 'anna')).socket);
    const arrivals = new Map<string, number>();
    let duplicates = 0;
    operator.on('message:new', (message: ChatMessage) => {
      if (message.author !== 'visitor') return;
      if (arrivals.has(message.id)) duplicates++;
      arrivals.set(message.id, Date.now());
    });
    const visitors = await Promise.all(Array.from({ length: 4 }, () => connectVisitor(a.url)));
    visitors.forEach((v) => sockets.track(v.socket));

    const acked: ChatMessage[] = [];
    let failedAcks = 0;
    let stop = false;
    const traffic = visitors.map(async ({ socket }, v) => {
      for (let i = 0; !stop; i++) {
        const clientId = newId();
        // A failed ack is shown failed-with-retry by the widget: resend with the same clientId.
        for (;;) {
          const ack = await socket
            .timeout(3_000)
            .emitWithAck('message:send', { clientId, text: `v${v} #${i}` })
            .catch(() => undefined);
          if (ack?.ok) {
            acked.push(ack.message);
            break;
          }
          failedAcks++;
          await sleep(300);
        }
        await sleep(1_000);
      }
    });

    await sleep(2_000);
    await redis.stop();
    await sleep(10_000);
    expect(a.exited || b.exited).toBe(false);
    await redis.start();
    const back = Date.now();
    await sleep(1_500);
    stop = true;
    await Promise.all(traffic);

    await until(() => acked.every((m) => arrivals.has(m.id)), 5_000, 'every acknowledged message at the operator');
    const lastArrival = Math.max(...acked.map((m) => arrivals.get(m.id)!));
    expect(lastArrival - back).toBeLessThan(5_000);
    expect(duplicates).toBe(0);
    expect(acked.length).toBeGreaterThan(20);
    expect(a.exited || b.exited).toBe(false);
    void failedAcks;
    sockets.closeAll();
  }, 120_000);

  it('Redis restarted empty: operators keep their chosen status and presence, visitors stay on site', async () => {
    const annaOnA = sockets.track((await connectOperator(a.url, 'anna')).socket);
    const maxOnB = sockets.track((await connectOperator(b.url, 'max')).socket);
    const away = await annaOnA.timeout(5_000).emitWithAck('status:set', { status: 'away' });
    expect(away.ok).toBe(true);
    const teamSeen: Record<string, string>[] = [];
    const seenAt: number[] = [];
    maxOnB.on('team:updated', (team: TeamMember[]) => {
      teamSeen.push(Object.fromEntries(team.map((m) => [m.id, m.status])));
      seenAt.push(Date.now());
    });
    await until(() => teamSeen.at(-1)?.anna === 'away', 5_000, 'max sees anna away');

    // A visitor with a tab on each node, and the availability a visitor on B is told.
    const visitorId = newId();
    const tabOnA = sockets.track((await connectVisitor(a.url, { visitorId })).socket);
    const tabOnB = await connectVisitor(b.url, { visitorId });
    sockets.track(tabOnB.socket);
    const told: Availability[] = [await tabOnB.availability];
    tabOnB.socket.on('availability', (availability) => told.push(availability));
    expect(told.at(-1)?.online).toBe(true);
    const offline: string[] = [];
    maxOnB.on('visitor:offline', (visitor: { visitorId: string }) => offline.push(visitor.visitorId));

    const seenBefore = teamSeen.length;
    const toldBefore = told.length;
    await redis.stop();
    await redis.start();
    const restartedAt = Date.now();
    // Max changes his status before any node has given Redis back what it held.
    const dnd = await maxOnB.timeout(5_000).emitWithAck('status:set', { status: 'dnd' });
    expect(dnd.ok).toBe(true);
    // Nothing to await when nothing should change: three heartbeats (2 s each) have run.
    await sleep(6_500);
    expect(a.exited || b.exited).toBe(false);
    // Nobody is shown a status they did not choose once the first heartbeat (2 s) has given
    // the empty Redis back what the nodes hold; before it, a console can briefly read one
    // as offline (the window docs/architecture.md describes).
    const unchosen = (team: Record<string, string>) =>
      team.anna !== 'away' || !['available', 'dnd'].includes(team.max!);
    const afterHeartbeat = (_: unknown, i: number) => seenAt[seenBefore + i]! > restartedAt + 3_000;
    expect(teamSeen.slice(seenBefore).filter(afterHeartbeat).filter(unchosen)).toEqual([]);
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
    await until(() => offline.includes(visitorId), 5_000, 'the visitor gone with the last tab');

    // The leader is back too: the last console of anna closing takes her offline after the grace period.
    annaOnA.disconnect();
    await until(() => teamSeen.at(-1)?.anna === 'offline', GRACE_MS + 10_000, 'anna offline after her last console');
    sockets.closeAll();
  }, 60_000);
});
