/**
 * PostgreSQL restarted under two nodes (child processes on real Redis and PostgreSQL)
 * while visitors on both send: the nodes stay up, say they are not ready while the
 * store is away and ready again after, and refuse what they cannot store with a
 * retryable error; a client that resends with the same clientId (as the widget's outbox
 * does) finds every message stored once, in order, and the operator is told of it (again
 * on a resend, which the console merges by id).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { VISITOR_NAMESPACE, newId, type ChatMessage, type VisitorSession } from '../../src/protocol';
import { ensureServerBuild, startNode, writeSitesFile, type ServerNode } from '../support/nodes';
import { postgresSkipReason, startPostgres, type PostgresCluster } from '../support/postgres';
import { redisSkipReason, startRedis, type RedisServer } from '../support/redis';
import {
  connectOperator,
  connectVisitor,
  onConsoleMessages,
  socketTracker,
  testSites,
  type VisitorClient,
} from '../support/server';
import { until } from '../support/until';

const skip = redisSkipReason() ?? postgresSkipReason();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether the node says it is ready. No answer in time (a loaded machine) counts as not
 * ready; a node that exited fails the test with its output.
 */
async function ready(node: ServerNode): Promise<boolean> {
  try {
    const res = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch (error) {
    // The exit is noticed a moment after the connection is refused.
    await sleep(200);
    if (node.exited) throw new Error(`the node at ${node.url} exited (${String(error)}):\n${node.output()}`);
    return false;
  }
}

describe.skipIf(skip)('PostgreSQL restarted under two nodes', () => {
  let redis: RedisServer;
  let postgres: PostgresCluster;
  let dir: string;
  let a: ServerNode;
  let b: ServerNode;
  const sockets = socketTracker();

  beforeAll(async () => {
    ensureServerBuild();
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    dir = mkdtempSync(join(tmpdir(), 'confab-pg-restart-'));
    const env = {
      DATABASE_URL: await postgres.createDatabase(),
      REDIS_URL: redis.url,
      SITES_FILE: writeSitesFile(dir, testSites()),
      DATA_DIR: dir,
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

  it('no node crashes, /readyz follows the store, and every acknowledged message is stored and delivered once, in order', async () => {
    expect(await ready(a)).toBe(true);
    expect(await ready(b)).toBe(true);
    const operator = sockets.track((await connectOperator(b.url, 'anna')).socket);
    // Every copy the operator is told of, by conversation: a resend is told again.
    const live = new Map<string, string[]>();
    onConsoleMessages(operator, (message) => {
      if (message.author !== 'visitor') return;
      live.set(message.conversationId, [...(live.get(message.conversationId) ?? []), message.id]);
    });
    /** How many times each message (by its text) was sent before it was acknowledged. */
    const sends = new Map<string, number>();

    // Visitors on both nodes, each sending one message after another, resending a
    // message with the same clientId until it is acknowledged, as the widget's outbox does.
    const visitors = await Promise.all([a, b, a, b, a, b, a, b].map((node) => connectVisitor(node.url)));
    visitors.forEach((v) => sockets.track(v.socket));
    const acked = visitors.map(() => [] as ChatMessage[]);
    const refusals: string[] = [];
    let unanswered = 0;
    let stop = false;
    const traffic = visitors.map(async ({ socket }, v) => {
      for (let i = 0; !stop; i++) {
        const clientId = newId();
        const text = `v${v} #${i}`;
        for (;;) {
          sends.set(text, (sends.get(text) ?? 0) + 1);
          const ack = await socket
            .timeout(3_000)
            .emitWithAck('message:send', { clientId, text })
            .catch(() => undefined);
          if (ack?.ok) {
            acked[v]!.push(ack.message);
            break;
          }
          if (ack) refusals.push(ack.error.code);
          else unanswered++;
          await sleep(200);
        }
        await sleep(50);
      }
    });
    const total = () => acked.reduce((n, list) => n + list.length, 0);
    await until(() => total() >= 40, 15_000, 'messages acknowledged before the restart');

    await postgres.kill();
    await until(async () => !(await ready(a)) && !(await ready(b)), 10_000, 'both nodes not ready');
    // A visitor arriving meanwhile: connected, but without a session until the store is back.
    let lateSession: VisitorSession | undefined;
    const late: VisitorClient = sockets.track(
      io(a.url + VISITOR_NAMESPACE, {
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 200,
        reconnectionDelayMax: 1_000,
        auth: { site: 'shop', visitorId: newId() },
      }),
    );
    late.on('session', (session) => (lateSession = session));
    await until(() => refusals.length + unanswered >= visitors.length, 15_000, 'sends refused while the store is away');
    // Away long enough for every pooled connection and every periodic job to meet the outage.
    await sleep(4_000);
    expect(await ready(a)).toBe(false);
    expect(await ready(b)).toBe(false);
    // The metrics are scraped most when something is wrong: they still answer.
    const metrics = await fetch(`${a.url}/metrics`, { signal: AbortSignal.timeout(10_000) });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('confab_connected_visitors');

    await postgres.start();
    await until(async () => (await ready(a)) && (await ready(b)), 20_000, 'both nodes ready again');
    const atReturn = total();
    await until(() => total() >= atReturn + 8, 20_000, 'messages acknowledged after the restart');
    stop = true;
    await Promise.all(traffic);
    await until(() => lateSession !== undefined, 10_000, 'the visitor who came during the outage has a session');
    expect(a.exited || b.exited).toBe(false);

    // Refused only with a code the widget retries (the outbox keeps the message).
    expect(refusals.length).toBeGreaterThan(0);
    expect(new Set(refusals)).toEqual(new Set(['internal']));

    for (const [v, messages] of acked.entries()) {
      // Acknowledged in sending order, each once.
      expect(messages.map((m) => m.text)).toEqual(messages.map((_, i) => `v${v} #${i}`));
      const conversationId = messages[0]!.conversationId;
      expect(messages.every((m) => m.conversationId === conversationId)).toBe(true);
      // Stored once each, in that order.
      const history = await operator.timeout(10_000).emitWithAck('conversation:open', { conversationId });
      expect(history.ok).toBe(true);
      if (!history.ok) return;
      const stored = (history.messages as ChatMessage[]).filter((m) => m.author === 'visitor');
      expect(stored.map((m) => m.id)).toEqual(messages.map((m) => m.id));
    }
    // Told to the operator, each first in sending order (a visitor's messages all come
    // from one node); shown once each, as the console merges by id.
    const missing = () => acked.flat().filter((m) => !live.get(m.conversationId)?.includes(m.id));
    await until(
      () => missing().length === 0,
      10_000,
      () =>
        `every acknowledged message at the operator; never arrived: ${missing()
          .map((m) => `${m.id} "${m.text}" (sent ${sends.get(m.text)} times)`)
          .join(', ')}`,
    );
    for (const messages of acked) {
      expect([...new Set(live.get(messages[0]!.conversationId))]).toEqual(messages.map((m) => m.id));
    }
    // Told twice only when sent twice: a resend is told again, a message sent once is told once.
    const toldTwice = acked.flat().filter((m) => live.get(m.conversationId)!.filter((id) => id === m.id).length > 1);
    expect(toldTwice.filter((m) => sends.get(m.text) === 1).map((m) => m.text)).toEqual([]);
    sockets.closeAll();
  }, 120_000);
});
