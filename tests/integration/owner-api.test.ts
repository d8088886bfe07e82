/**
 * The owner API behind the site token: one visitor's data exported and erased while
 * another visitor is untouched, a wrong token refused, and webhook deliveries listed with
 * their status and last error.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LEAD_MIN_FILL_MS, newId, type LeadPayload } from '../../src/protocol';
import type { SiteConfig } from '../../server/src/sites';
import type { VisitorExport, WebhookDelivery } from '../../server/src/store';
import {
  connectOperator,
  connectVisitor,
  socketTracker,
  startHarness,
  testSites,
  visitorSend,
  type Harness,
} from '../support/server';

const API_TOKEN = 'owner-token-0123456789';

let harness: Harness;
const sockets = socketTracker();
const url = () => harness.server.url;

beforeAll(async () => {
  const [shop, other] = testSites();
  const sites: SiteConfig[] = [
    {
      ...shop!,
      // Nothing listens on port 9: every delivery fails, fast.
      webhookUrl: 'http://127.0.0.1:9/nobody-listens',
      apiTokenSha256: createHash('sha256').update(API_TOKEN).digest('hex'),
    },
    other!,
  ];
  harness = await startHarness({ sites, webhookRetryDelaysMs: [20, 20], webhookPollMs: 30 });
  const { socket } = await connectOperator(url());
  sockets.track(socket);
});
afterEach(() => sockets.closeAll());
afterAll(() => harness.cleanup());

function post(path: string, body: unknown, token: string | null = API_TOKEN) {
  return fetch(`${url()}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

function lead(message: string): LeadPayload {
  return {
    clientId: newId(),
    fields: { name: 'Ann', phone: '+7 701 123 45 67', message, consent: true },
    context: { url: 'https://shop.example/' },
    honeypot: '',
    elapsedMs: LEAD_MIN_FILL_MS + 1000,
  };
}

/** A visitor with a chat message and a request stored. */
async function visitorWithData(text: string) {
  const { socket, visitorId } = await connectVisitor(url());
  sockets.track(socket);
  expect((await visitorSend(socket, text)).ok).toBe(true);
  expect((await socket.timeout(3000).emitWithAck('lead:submit', lead(`request: ${text}`))).ok).toBe(true);
  socket.close();
  return visitorId;
}

describe('owner API', () => {
  it('exports one visitor and erases it, leaving another visitor untouched', async () => {
    const ann = await visitorWithData('hello from ann');
    const bob = await visitorWithData('hello from bob');

    const exported = await post('/api/sites/shop/visitors/export', { visitorId: ann });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('cache-control')).toBe('no-store');
    const data = (await exported.json()) as VisitorExport;
    expect(data.visitor.id).toBe(ann);
    expect(data.conversations.flatMap((c) => c.messages.map((m) => m.text))).toContain('hello from ann');
    expect(data.leads.map((l) => l.message)).toEqual(['request: hello from ann']);
    expect(JSON.stringify(data)).not.toContain('bob');

    const erased = await post('/api/sites/shop/visitors/erase', { visitorId: ann });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toEqual({ erased: true });
    expect(await harness.server.store.exportVisitor('shop', ann)).toBeUndefined();
    expect((await post('/api/sites/shop/visitors/export', { visitorId: ann })).status).toBe(404);
    expect((await post('/api/sites/shop/visitors/erase', { visitorId: ann })).status).toBe(404);
    const deliveries = await harness.server.store.listWebhooks('shop', { limit: 1000 });
    expect(deliveries.some((d) => d.body.includes(ann))).toBe(false);

    const kept = (await (await post('/api/sites/shop/visitors/export', { visitorId: bob })).json()) as VisitorExport;
    expect(kept.visitor.id).toBe(bob);
    expect(kept.conversations.flatMap((c) => c.messages.map((m) => m.text))).toContain('hello from bob');
    expect(kept.leads).toHaveLength(1);
  });

  it('refuses a missing or wrong token, another site, and a malformed visitor id', async () => {
    const ann = await visitorWithData('token check');
    for (const [path, token] of [
      ['/api/sites/shop/visitors/export', null],
      ['/api/sites/shop/visitors/export', 'wrong-token'],
      ['/api/sites/shop/visitors/erase', 'wrong-token'],
      ['/api/sites/other/visitors/erase', API_TOKEN],
      ['/api/sites/nope/visitors/export', API_TOKEN],
    ] as const) {
      const res = await post(path, { visitorId: ann }, token);
      expect(res.status, `${path} with ${token}`).toBe(401);
    }
    expect(
      (await fetch(`${url()}/api/sites/shop/webhooks`, { headers: { Authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    expect((await post('/api/sites/shop/visitors/erase', { visitorId: 'x' })).status).toBe(400);
    expect((await post('/api/sites/shop/visitors/erase', {})).status).toBe(400);
    // Refused attempts changed nothing.
    expect((await harness.server.store.exportVisitor('shop', ann))?.visitor.id).toBe(ann);
  });

  it('lists webhook deliveries with their status and last error', async () => {
    await visitorWithData('a request whose webhook fails');
    const list = async (query = '') => {
      const res = await fetch(`${url()}/api/sites/shop/webhooks${query}`, {
        headers: { Authorization: `Bearer ${API_TOKEN}` },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { deliveries: Omit<WebhookDelivery, 'body' | 'site'>[] }).deliveries;
    };
    await expect.poll(async () => (await list('?status=failed')).length, { timeout: 5000 }).toBeGreaterThan(0);
    const failed = await list('?status=failed&limit=10');
    for (const delivery of failed) {
      expect(delivery.status).toBe('failed');
      expect(delivery.type).toBe('lead.created');
      expect(delivery.lastError).toMatch(/\S/);
      expect(delivery.attempts).toBeGreaterThanOrEqual(3);
      // Request bodies hold visitors' data: the list leaves them out.
      expect(delivery).not.toHaveProperty('body');
    }
    expect(
      (
        await fetch(`${url()}/api/sites/shop/webhooks?status=bogus`, {
          headers: { Authorization: `Bearer ${API_TOKEN}` },
        })
      ).status,
    ).toBe(400);
  });
});
