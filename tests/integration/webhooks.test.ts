/**
 * Webhooks through the outbox: a receiver that is down for a while, the server restarted
 * in between, and each event still delivered once, signed; a receiver that never comes
 * back makes the delivery fail after the last retry, visible to the owner.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../server/src/sites';
import { signWebhook } from '../../server/src/webhook';
import { connectVisitor, socketTracker, startHarness, testSites, type Harness } from '../support/server';
import { leadPayload, startWebhookReceiver } from '../support/webhook-receiver';

const SECRET = 'whsec-0123456789abcdef0123456789abcdef';

/** The README's verification, as a receiver would write it. */
function verify(secret: string, signature: string, body: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(signature.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

let harness: Harness;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const sockets = socketTracker();

beforeAll(async () => {
  receiver = await startWebhookReceiver({ down: true });
  const [shop, other] = testSites();
  const sites: SiteConfig[] = [
    { ...shop!, webhookUrl: receiver.url, webhookSecret: SECRET },
    { ...other!, webhookUrl: 'http://127.0.0.1:9/nobody-listens' },
  ];
  harness = await startHarness({
    sites,
    webhookRetryDelaysMs: [100, 100, 100, 100, 100, 100, 100, 100],
    webhookPollMs: 50,
  });
});
afterEach(() => sockets.closeAll());
afterAll(async () => {
  await harness.cleanup();
  await receiver.close();
});

async function submitLead(site: string, message: string) {
  const { socket } = await connectVisitor(
    harness.server.url,
    site === 'shop' ? {} : { site, origin: 'https://other.example' },
  );
  sockets.track(socket);
  const ack = await socket.timeout(3000).emitWithAck('lead:submit', leadPayload({ message }));
  expect(ack.ok).toBe(true);
}

describe('webhooks', () => {
  it('reach a receiver that was down across a server restart, each once, signed', async () => {
    await submitLead('shop', 'first while down');
    await submitLead('shop', 'second while down');
    await expect.poll(() => receiver.refused(), { timeout: 3000 }).toBeGreaterThanOrEqual(2);

    await harness.restart();
    receiver.state.down = false;

    await expect.poll(() => receiver.taken.length, { timeout: 5000 }).toBe(2);
    // Give any duplicate a chance to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.taken).toHaveLength(2);
    const messages = receiver.taken.map((r) => (JSON.parse(r.body) as { lead: { message: string } }).lead.message);
    expect(messages.sort()).toEqual(['first while down', 'second while down']);
    expect(new Set(receiver.taken.map((r) => r.deliveryId)).size).toBe(2);
    for (const r of receiver.taken) {
      expect(verify(SECRET, r.signature, r.body)).toBe(true);
      expect(verify('another-secret-0123456789abcdef0123', r.signature, r.body)).toBe(false);
      expect(verify(SECRET, r.signature, r.body.replace('Ann', 'Bob'))).toBe(false);
    }
    const deliveries = await harness.server.store.listWebhooks('shop');
    expect(deliveries.filter((d) => d.type === 'lead.created').map((d) => d.status)).toEqual([
      'delivered',
      'delivered',
    ]);
    expect(deliveries.every((d) => d.attempts >= 2)).toBe(true);
  });

  it('give up after the last retry and stay visible as failed, with the reason', async () => {
    await submitLead('other', 'nobody will take this');
    await expect
      .poll(async () => (await harness.server.store.listWebhooks('other')).map((d) => d.status), { timeout: 5000 })
      .toEqual(['failed']);
    const [failed] = await harness.server.store.listWebhooks('other');
    expect(failed).toMatchObject({ type: 'lead.created', attempts: 9, lastError: 'connection failed' });
    expect(await harness.server.store.webhookBacklog()).toBe(0);
  });

  it('signs as documented: t and an HMAC of "t.body"', () => {
    const at = Date.UTC(2026, 0, 1);
    expect(signWebhook('secret', '{"a":1}', at)).toBe(
      `t=${at / 1000},v1=${createHmac('sha256', 'secret')
        .update(`${at / 1000}.{"a":1}`)
        .digest('hex')}`,
    );
  });
});
