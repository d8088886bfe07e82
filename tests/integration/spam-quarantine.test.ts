/**
 * Requests are never silently lost: each request judged as spam is kept, quarantined with
 * its reason, neither delivered nor listed; "Not spam" restores it and the webhook fires
 * once; what one IP address can put in quarantine per hour is capped and counted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Lead, LeadPayload, SpamReason } from '../../src/protocol';
import { SPAM_CAP_PER_IP_HOUR } from '../../server/src/lead-handler';
import type { SiteConfig } from '../../server/src/sites';
import {
  connectOperator,
  connectVisitor,
  nextEvent,
  socketTracker,
  startHarness,
  testSites,
  type Harness,
  type VisitorClient,
} from '../support/server';
import { leadPayload, startWebhookReceiver } from '../support/webhook-receiver';

let harness: Harness;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const sockets = socketTracker();
const url = () => harness.server.url;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const [shop, other] = testSites();
  const sites: SiteConfig[] = [{ ...shop!, webhookUrl: receiver.url }, other!];
  harness = await startHarness({ sites, webhookPollMs: 30 });
});
afterEach(() => sockets.closeAll());
afterAll(async () => {
  await harness.cleanup();
  await receiver.close();
});

async function visitor(): Promise<VisitorClient> {
  const { socket } = await connectVisitor(url());
  return sockets.track(socket);
}

async function submit(socket: VisitorClient, payload: LeadPayload): Promise<string> {
  const ack = await socket.timeout(3000).emitWithAck('lead:submit', payload);
  if (!ack.ok) throw new Error(`refused: ${ack.error.message}`);
  return ack.leadId;
}

const spamOf = async () => harness.server.store.listLeads('shop', { spam: true, limit: 1000 });
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function metricValue(name: string): Promise<number> {
  const text = await (await fetch(`${url()}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

// The tests share one server and one client address, and so its limits: they run in order.
// Each sends several requests and waits for webhooks: 5 s was too short on a loaded machine.
describe('requests judged as spam', { timeout: 20_000 }, () => {
  const ids = new Map<SpamReason, string>();

  it('are each kept with their reason, thanked, neither listed nor delivered', async () => {
    const bot = await visitor();
    ids.set('honeypot', await submit(bot, lead('honeypot', { honeypot: 'http://spam.example' })));
    ids.set('too_fast', await submit(bot, lead('too fast', { elapsedMs: 400 })));

    // Three at once per visitor, the fourth is over the visitor's limit.
    const eager = await visitor();
    const real: string[] = [];
    for (let i = 0; i < 3; i++) real.push(await submit(eager, lead(`eager ${i}`)));
    ids.set('visitor_limit', await submit(eager, lead('eager 3')));

    // Ten per address at once: seven are left after the three above, the eighth is over.
    for (let i = 0; i < 7; i++) real.push(await submit(await visitor(), lead(`neighbour ${i}`)));
    ids.set('ip_limit', await submit(await visitor(), lead('one neighbour too many')));

    const spam = await spamOf();
    expect(Object.fromEntries(spam.map((l) => [l.message, l.spam]))).toEqual({
      honeypot: 'honeypot',
      'too fast': 'too_fast',
      'eager 3': 'visitor_limit',
      'one neighbour too many': 'ip_limit',
    });
    expect(spam.map((l) => l.id).sort()).toEqual([...ids.values()].sort());

    const listed = (await harness.server.store.listLeads('shop', { limit: 1000 })).map((l) => l.id);
    expect(listed.sort()).toEqual([...real].sort());
    await expect.poll(() => receiver.leadIds().length, { timeout: 3000 }).toBe(real.length);
    await settle();
    expect(receiver.leadIds().sort()).toEqual([...real].sort());
    expect(await metricValue('confab_requests_quarantined_total')).toBe(4);
  });

  it('show in the console under Spam; "Not spam" restores one and fires the webhook once', async () => {
    const anna = sockets.track((await connectOperator(url(), 'anna')).socket);
    const hello = await connectOperator(url(), 'max');
    const max = sockets.track(hello.socket);
    expect(hello.hello.leads.some((l) => l.spam)).toBe(false);

    const listed = await anna.timeout(2000).emitWithAck('lead:spam', {});
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.leads.map((l: Lead) => l.spam).sort()).toEqual(['honeypot', 'ip_limit', 'too_fast', 'visitor_limit']);

    const leadId = ids.get('ip_limit')!;
    const before = receiver.leadIds().length;
    const announced = nextEvent<Lead>(max, 'lead:new');
    const restored = await anna.timeout(2000).emitWithAck('lead:not-spam', { leadId });
    expect(restored).toMatchObject({
      ok: true,
      lead: { id: leadId, message: 'one neighbour too many', status: 'new' },
    });
    expect(restored.ok && restored.lead.spam).toBeFalsy();
    expect((await announced).id).toBe(leadId);

    // Pressed again (or by a second operator): no second delivery.
    expect(await max.timeout(2000).emitWithAck('lead:not-spam', { leadId })).toMatchObject({
      ok: true,
      lead: { id: leadId },
    });
    await expect.poll(() => receiver.leadIds().slice(before), { timeout: 3000 }).toEqual([leadId]);
    await settle();
    expect(receiver.leadIds().slice(before)).toEqual([leadId]);

    expect((await harness.server.store.listLeads('shop', { limit: 1000 })).map((l) => l.id)).toContain(leadId);
    expect((await spamOf()).map((l) => l.id)).not.toContain(leadId);

    // Another site's operator can neither list nor restore them.
    const olga = sockets.track((await connectOperator(url(), 'olga')).socket);
    expect(await olga.timeout(2000).emitWithAck('lead:spam', {})).toEqual({ ok: true, leads: [] });
    expect(await olga.timeout(2000).emitWithAck('lead:not-spam', { leadId: ids.get('honeypot')! })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('are stored up to the hourly cap per address, then counted and not stored', async () => {
    const bot = await visitor();
    // Four were quarantined from this address by the first test.
    const room = SPAM_CAP_PER_IP_HOUR - 4;
    for (let i = 0; i < room + 3; i++) {
      // Over the cap the bot is still thanked: it learns nothing.
      expect(await submit(bot, lead(`flood ${i}`, { honeypot: 'x' }))).toEqual(expect.any(String));
    }
    const flood = (await spamOf()).filter((l) => l.message?.startsWith('flood '));
    expect(flood).toHaveLength(room);
    expect(await metricValue('confab_requests_over_spam_cap_total')).toBe(3);
    expect(await metricValue('confab_requests_quarantined_total')).toBe(4 + room);
  });
});

/** A request with this message, filled at a person's pace unless `overrides` say otherwise. */
function lead(message: string, overrides: Partial<LeadPayload> = {}): LeadPayload {
  return leadPayload({ message }, overrides);
}
