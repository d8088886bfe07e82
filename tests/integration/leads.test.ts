import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Lead, LeadPayload } from '../../src/protocol';
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

const API_TOKEN = 'crm-token-123';
const SOFA_FROM_GOOGLE = { url: 'https://shop.example/sofa?utm_source=google', utm: { utm_source: 'google' } };

let harness: Harness;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const sockets = socketTracker();
const url = () => harness.server.url;

beforeAll(async () => {
  receiver = await startWebhookReceiver({ failFirst: 2 });
  const [shop, other] = testSites();
  const sites: SiteConfig[] = [
    {
      ...shop!,
      webhookUrl: receiver.url,
      apiTokenSha256: createHash('sha256').update(API_TOKEN).digest('hex'),
      leadForm: { fields: { name: 'optional', phone: 'optional', email: 'optional', message: 'required' } },
    },
    other!,
  ];
  harness = await startHarness({ sites, webhookRetryDelaysMs: [50, 50, 50] });
});
afterEach(() => sockets.closeAll());
afterAll(async () => {
  await harness.cleanup();
  await receiver.close();
});

const submit = (socket: VisitorClient, payload: LeadPayload) =>
  socket.timeout(3000).emitWithAck('lead:submit', payload);

async function visitor() {
  const connected = await connectVisitor(url());
  sockets.track(connected.socket);
  return connected;
}

describe('requests from the offline form', () => {
  it('are stored once when sent twice, with their context, and reach the operators once', async () => {
    const operator = sockets.track((await connectOperator(url())).socket);
    const received: Lead[] = [];
    operator.on('lead:new', (l) => received.push(l));
    const { socket, visitorId } = await visitor();
    const payload = leadPayload({}, { context: SOFA_FROM_GOOGLE });

    const first = await submit(socket, payload);
    const second = await submit(socket, payload);

    expect(first.ok && second.ok).toBe(true);
    expect(first.ok && second.ok && second.leadId === first.leadId).toBe(true);
    const stored = (await harness.server.store.listLeads('shop')).filter((l) => l.visitorId === visitorId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      name: 'Ann',
      phone: '+7 701 123 45 67',
      message: 'Call me back',
      status: 'new',
      context: { url: 'https://shop.example/sofa?utm_source=google', utm: { utm_source: 'google' } },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.map((l) => l.id)).toEqual([stored[0]!.id]);
  });

  it('are validated again on the server, with errors per field', async () => {
    const { socket } = await visitor();
    expect(await submit(socket, leadPayload({ phone: '', email: 'not-an-email', message: '' }))).toMatchObject({
      ok: false,
      error: { code: 'invalid', fields: { email: 'email', message: 'required' } },
    });
    expect(await submit(socket, leadPayload({ phone: '', message: 'hi' }))).toMatchObject({
      ok: false,
      error: { fields: { phone: 'contact', email: 'contact' } },
    });
    expect(await submit(socket, leadPayload({ consent: false }))).toMatchObject({
      ok: false,
      error: { fields: { consent: 'consent' } },
    });
    expect(await socket.timeout(3000).emitWithAck('lead:submit', 'junk' as never)).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    // Arrays are objects to `typeof`; the shared isRecord rule refuses them as a payload or as fields.
    expect(await socket.timeout(3000).emitWithAck('lead:submit', [] as never)).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    expect(await submit(socket, { ...leadPayload(), fields: ['Ann'] as never })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'fields must be an object' },
    });
  });

  it.each([
    ['a filled honeypot', { honeypot: 'http://spam.example' }, 'honeypot'],
    ['a form sent too fast', { elapsedMs: 400 }, 'too_fast'],
    ['no fill time at all', { elapsedMs: undefined as unknown as number }, 'too_fast'],
  ])('thank a bot like a person and keep it quarantined, out of the list: %s', async (_, overrides, reason) => {
    const { socket, visitorId } = await visitor();
    const ack = await submit(socket, leadPayload({}, overrides));
    expect(ack).toMatchObject({ ok: true, leadId: expect.any(String) });
    expect((await harness.server.store.listLeads('shop')).filter((l) => l.visitorId === visitorId)).toEqual([]);
    const quarantined = (await harness.server.store.listLeads('shop', { spam: true })).filter(
      (l) => l.visitorId === visitorId,
    );
    expect(quarantined.map((l) => [l.id, l.spam])).toEqual([[ack.ok && ack.leadId, reason]]);
  });

  it('list at most three requests from one visitor in a burst, thanking for all, quarantining the rest', async () => {
    const { socket, visitorId } = await visitor();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await submit(socket, leadPayload({ message: `request ${i}` })));
    expect(answers.every((a) => a.ok)).toBe(true);
    const stored = (await harness.server.store.listLeads('shop')).filter((l) => l.visitorId === visitorId);
    expect(stored.map((l) => l.message).sort()).toEqual(['request 0', 'request 1', 'request 2']);
    const quarantined = (await harness.server.store.listLeads('shop', { spam: true })).filter(
      (l) => l.visitorId === visitorId,
    );
    expect(quarantined.map((l) => [l.message, l.spam]).sort()).toEqual([
      ['request 3', 'visitor_limit'],
      ['request 4', 'visitor_limit'],
    ]);
  });

  it('are posted to the site webhook, retried until the receiver takes them', async () => {
    const { socket } = await visitor();
    const before = receiver.taken.length;
    const payload = leadPayload({ name: 'Webhook Test' });
    const ack = await submit(socket, payload);
    expect(ack.ok).toBe(true);
    await expect
      .poll(() => receiver.taken.slice(before).map((d) => d.json), { timeout: 3000 })
      .toContainEqual(
        expect.objectContaining({
          type: 'lead.created',
          site: 'shop',
          lead: expect.objectContaining({ name: 'Webhook Test' }),
        }),
      );
    expect(receiver.state.requests).toBeGreaterThanOrEqual(3); // two failures, then success
  });

  it('move through new → in work → done in the console, and every operator sees it', async () => {
    const { socket } = await visitor();
    const ack = await submit(socket, leadPayload({ name: 'Status Test' }));
    if (!ack.ok) throw new Error('not stored');
    const anna = sockets.track((await connectOperator(url(), 'anna')).socket);
    const max = sockets.track((await connectOperator(url(), 'max')).socket);
    const seen = nextEvent<Lead>(max, 'lead:updated');

    const result = await anna.timeout(2000).emitWithAck('lead:update', { leadId: ack.leadId, status: 'in_work' });
    expect(result).toMatchObject({ ok: true, lead: { id: ack.leadId, status: 'in_work', operatorId: 'anna' } });
    expect(await seen).toMatchObject({ id: ack.leadId, status: 'in_work' });

    const olga = sockets.track((await connectOperator(url(), 'olga')).socket);
    expect(await olga.timeout(2000).emitWithAck('lead:update', { leadId: ack.leadId, status: 'done' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('GET /api/sites/:site/leads', () => {
  const get = (path: string, token?: string) =>
    fetch(`${url()}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it('refuses without the site token, alike for unknown sites', async () => {
    expect((await get('/api/sites/shop/leads')).status).toBe(401);
    expect((await get('/api/sites/shop/leads', 'wrong')).status).toBe(401);
    expect((await get('/api/sites/other/leads', API_TOKEN)).status).toBe(401);
    expect((await get('/api/sites/nope/leads', API_TOKEN)).status).toBe(401);
  });

  it('lists the site’s requests, newest first, filtered by status', async () => {
    const { socket } = await visitor();
    await submit(socket, leadPayload({ name: 'API Test' }));
    const res = await get('/api/sites/shop/leads?status=new&limit=500', API_TOKEN);
    expect(res.status).toBe(200);
    const { leads } = (await res.json()) as { leads: Lead[] };
    expect(leads[0]).toMatchObject({ name: 'API Test', status: 'new' });
    expect(leads.every((l) => l.status === 'new')).toBe(true);
    expect((await get('/api/sites/shop/leads?status=bogus', API_TOKEN)).status).toBe(400);
    expect((await get('/api/sites/shop/leads?limit=0', API_TOKEN)).status).toBe(400);
  });
});
