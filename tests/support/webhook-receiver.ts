/**
 * A site's webhook endpoint as the tests need it: a real HTTP server on 127.0.0.1 that
 * records every delivery it takes, and refuses (503) while `down` or for its first
 * `failFirst` requests, recording what it refused.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LEAD_MIN_FILL_MS, newId, type LeadPayload } from '../../src/protocol';

export interface Delivery {
  deliveryId: string;
  signature: string;
  body: string;
  json: { type: string; site: string; lead: { id: string; message?: string; name?: string } };
}

export async function startWebhookReceiver(options: { failFirst?: number; down?: boolean } = {}) {
  const taken: Delivery[] = [];
  /** Deliveries refused, by id. */
  const refused = new Set<string>();
  const state = { down: options.down ?? false, requests: 0 };
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      state.requests++;
      const deliveryId = String(req.headers['confab-delivery']);
      if (state.down || state.requests <= (options.failFirst ?? 0)) {
        refused.add(deliveryId);
        return void res.writeHead(503).end();
      }
      taken.push({ deliveryId, signature: String(req.headers['confab-signature']), body, json: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    taken,
    state,
    /** The ids of the requests (leads) delivered, in the order they arrived. */
    leadIds: () => taken.map((d) => d.json.lead.id),
    refused: () => refused.size,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A request form submission as the widget sends it, filled at a person's pace. */
export function leadPayload(fields: Partial<LeadPayload['fields']> = {}, overrides: Partial<LeadPayload> = {}) {
  return {
    clientId: newId(),
    fields: { name: 'Ann', phone: '+7 701 123 45 67', message: 'Call me back', consent: true, ...fields },
    context: { url: 'https://shop.example/' },
    honeypot: '',
    elapsedMs: LEAD_MIN_FILL_MS + 1000,
    ...overrides,
  } satisfies LeadPayload;
}
