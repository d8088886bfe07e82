import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Availability } from '../../src/protocol';
import type { SiteConfig } from '../../server/src/sites';
import {
  connectOperator,
  connectVisitor,
  nextEvent,
  socketTracker,
  startHarness,
  testSites,
  type Harness,
} from '../support/server';

const ALWAYS = {
  timeZone: 'UTC',
  weekly: Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [['00:00', '24:00']]])),
};
const NEVER = { timeZone: 'UTC', weekly: {} };

function sites(): SiteConfig[] {
  const [shop, other] = testSites();
  return [
    {
      ...shop!,
      hours: ALWAYS as SiteConfig['hours'],
      routing: [{ pathPrefix: '/sales', group: 'sales' }],
      operators: [
        { ...shop!.operators[0]!, groups: ['support'] },
        { ...shop!.operators[1]!, groups: ['sales'] },
      ],
    },
    { ...other!, hours: NEVER as SiteConfig['hours'] },
  ];
}

let harness: Harness;
const sockets = socketTracker();
const url = () => harness.server.url;
const page = (path: string) => ({ url: `https://shop.example${path}` });

beforeAll(async () => {
  harness = await startHarness({ sites: sites(), presenceGraceMs: 150 });
});
afterEach(async () => {
  sockets.closeAll();
  // Let the grace periods of this test's operators run out before the next test.
  await new Promise((resolve) => setTimeout(resolve, 250));
});
afterAll(() => harness.cleanup());

/** Connects a visitor and returns its first availability and a way to await the next. */
async function visitorOn(path: string, site = 'shop') {
  const { socket, availability } = await connectVisitor(url(), { site, page: page(path) });
  sockets.track(socket);
  const first = await availability;
  return { socket, first, next: () => nextEvent<Availability>(socket, 'availability', 2000) };
}

describe('availability', () => {
  it('follows operator presence and status, live', async () => {
    const visitor = await visitorOn('/');
    expect(visitor.first).toEqual({ online: false, reason: 'nobody' });

    const cameOnline = visitor.next();
    const anna = sockets.track((await connectOperator(url(), 'anna')).socket);
    expect(await cameOnline).toEqual({ online: true });

    const away = visitor.next();
    expect(await anna.timeout(2000).emitWithAck('status:set', { status: 'away' })).toEqual({
      ok: true,
      status: 'away',
    });
    expect(await away).toEqual({ online: false, reason: 'nobody' });

    const back = visitor.next();
    await anna.timeout(2000).emitWithAck('status:set', { status: 'available' });
    expect(await back).toEqual({ online: true });
  });

  it('keeps an operator present through a short disconnect, then counts them offline', async () => {
    const visitor = await visitorOn('/');
    const anna = (await connectOperator(url(), 'anna')).socket;
    expect(await visitor.next()).toEqual({ online: true });

    const gone = visitor.next();
    const start = Date.now();
    anna.disconnect();
    expect(await gone).toEqual({ online: false, reason: 'nobody' });
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);

    // A console that reconnects within the grace period is never seen as gone.
    const max = (await connectOperator(url(), 'max')).socket;
    const maxAgain = sockets.track((await connectOperator(url(), 'max')).socket);
    max.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const team = await new Promise<unknown>((resolve) => {
      maxAgain.once('team:updated', resolve);
      void maxAgain.timeout(2000).emitWithAck('status:set', { status: 'dnd' });
    });
    expect(team).toContainEqual(expect.objectContaining({ id: 'max', status: 'dnd' }));
  });

  it('routes by page URL: a group with nobody available is offline for its pages only', async () => {
    sockets.track((await connectOperator(url(), 'anna')).socket); // support only
    const home = await visitorOn('/');
    const sales = await visitorOn('/sales/quote');
    expect(home.first).toEqual({ online: true });
    expect(sales.first).toEqual({ online: false, reason: 'nobody' });

    // SPA navigation into the sales section changes the answer for that visitor.
    const moved = home.next();
    home.socket.emit('page', page('/sales'));
    expect(await moved).toEqual({ online: false, reason: 'nobody' });

    const maxJoins = sales.next();
    const max = sockets.track((await connectOperator(url(), 'max')).socket);
    // An operator's chosen status outlives their connection; make sure it is "available".
    await max.timeout(2000).emitWithAck('status:set', { status: 'available' });
    expect(await maxJoins).toEqual({ online: true });
  });

  it('is offline outside business hours whatever the statuses say', async () => {
    sockets.track((await connectOperator(url(), 'olga')).socket);
    const visitor = await visitorOn('/', 'other');
    expect(visitor.first).toEqual({ online: false, reason: 'hours' });
  });

  it('rejects a status that does not exist', async () => {
    const anna = sockets.track((await connectOperator(url(), 'anna')).socket);
    expect(await anna.timeout(2000).emitWithAck('status:set', { status: 'sleeping' as never })).toMatchObject({
      ok: false,
      error: { code: 'invalid', field: 'status' },
    });
  });
});
