import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OnlineVisitor, VisitorAuth } from '../../src/protocol';
import {
  connectOperator,
  connectVisitor,
  nextEvent,
  socketTracker,
  startHarness,
  visitorLeft,
  visitorSend,
  type Harness,
} from '../support/server';

let harness: Harness;
const sockets = socketTracker();
const url = () => harness.server.url;
const page = (path: string, extra: object = {}) => ({ url: `https://shop.example${path}`, ...extra });
const context: Pick<VisitorAuth, 'firstTouch' | 'lastTouch' | 'env'> = {
  firstTouch: {
    landing: 'https://shop.example/?utm_source=google&utm_campaign=winter',
    utm: { utm_source: 'google', utm_campaign: 'winter' },
    at: 1,
  },
  lastTouch: { landing: 'https://shop.example/sale', referrer: 'https://blog.example/', at: 2 },
  env: {
    language: 'ru-RU',
    timeZone: 'Asia/Almaty',
    utcOffset: 300,
    screen: { width: 390, height: 844 },
    viewport: { width: 390, height: 700 },
    device: 'mobile',
  },
};

beforeAll(async () => {
  harness = await startHarness();
});
afterEach(() => sockets.closeAll());
afterAll(() => harness.cleanup());

const views = (visitorId: string) => harness.server.store.pageViews('shop', visitorId);
const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 50 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('visitor context', () => {
  it('creates the visitor on the first visit, before any message, with touches, environment and region', async () => {
    const { socket, visitorId } = await connectVisitor(url(), { page: page('/'), ...context });
    sockets.track(socket);
    expect(await harness.server.store.getVisitor('shop', visitorId)).toMatchObject({
      firstTouch: context.firstTouch,
      lastTouch: context.lastTouch,
      env: { timeZone: 'Asia/Almaty', device: 'mobile' },
      region: 'Almaty, Asia',
      ip: '127.0.0.1',
      visits: 1,
    });
  });

  it('never overwrites the first touch', async () => {
    const first = await connectVisitor(url(), { page: page('/'), ...context });
    first.socket.disconnect();
    const later = await connectVisitor(url(), {
      visitorId: first.visitorId,
      page: page('/'),
      firstTouch: { landing: 'https://shop.example/?utm_source=bing', utm: { utm_source: 'bing' }, at: 9 },
    });
    sockets.track(later.socket);
    expect((await harness.server.store.getVisitor('shop', first.visitorId))!.firstTouch).toEqual(context.firstTouch);
  });

  it('stores one page view per real URL change, with time on page', async () => {
    const { socket, visitorId } = await connectVisitor(url(), { page: page('/a') });
    sockets.track(socket);
    socket.emit('page', page('/a', { title: 'again, same URL' }));
    socket.emit('page', page('/b'));
    socket.emit('page', page('/b'));
    socket.emit('page', { url: 'javascript:alert(1)' });
    socket.emit('page', page('/c'));
    await until(async () => (await views(visitorId)).length === 3);
    const rows = await views(visitorId);
    expect(rows.map((v) => new URL(v.url).pathname)).toEqual(['/a', '/b', '/c']);
    expect(rows[0]!.endedAt).not.toBeNull();
    expect(rows[2]!.endedAt).toBeNull();
    socket.disconnect();
    await until(async () => (await views(visitorId))[2]!.endedAt !== null);
    expect((await views(visitorId))[2]!.endedAt).not.toBeNull();
  });

  it('continues the same page view when a connection drops and comes back', async () => {
    const first = await connectVisitor(url(), { page: page('/same') });
    first.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await connectVisitor(url(), { visitorId: first.visitorId, page: page('/same') });
    sockets.track(again.socket);
    expect(await views(first.visitorId)).toHaveLength(1);
  });

  it('bounds and filters what a client sends', async () => {
    const { socket, visitorId } = await connectVisitor(url(), {
      page: page('/p', { title: 'T'.repeat(5000) }),
      firstTouch: { landing: 'ftp://x', at: 1 } as never,
      env: {
        language: '<script>',
        timeZone: '../../etc',
        utcOffset: 99_999,
        screen: { width: -1, height: 2 },
        device: 'fridge',
      } as never,
    });
    sockets.track(socket);
    const visitor = (await harness.server.store.getVisitor('shop', visitorId))!;
    expect(visitor.firstTouch).toBeNull();
    expect(visitor.env).toBeNull();
    expect((await views(visitorId))[0]!.title).toHaveLength(200);
  });
});

describe('the console’s "on site now" list', () => {
  it('follows visitors as they connect, navigate and leave', async () => {
    const operator = sockets.track((await connectOperator(url())).socket);
    const online = nextEvent<OnlineVisitor>(operator, 'visitor:online');
    const visitor = await connectVisitor(url(), { page: page('/', { title: 'Home' }), ...context });
    sockets.track(visitor.socket);
    expect(await online).toMatchObject({
      visitorId: visitor.visitorId,
      page: { url: 'https://shop.example/', title: 'Home' },
      pagesThisVisit: 1,
      returning: false,
      firstTouch: { utm: { utm_campaign: 'winter' } },
      region: 'Almaty, Asia',
    });

    const moved = nextEvent<OnlineVisitor>(operator, 'visitor:page');
    visitor.socket.emit('page', page('/sofas'));
    expect(await moved).toMatchObject({ page: { url: 'https://shop.example/sofas' }, pagesThisVisit: 2 });

    const hello = (await connectOperator(url(), 'max')).hello;
    expect(hello.online.find((v) => v.visitorId === visitor.visitorId)).toMatchObject({
      page: { url: 'https://shop.example/sofas' },
    });

    const left = visitorLeft(operator, visitor.visitorId);
    visitor.socket.disconnect();
    await left;
  });
});

describe('snapshots', () => {
  it('conversations and requests keep the context of their start', async () => {
    const { socket, visitorId } = await connectVisitor(url(), { page: page('/pricing?utm_source=x'), ...context });
    sockets.track(socket);
    const sent = await visitorSend(socket, 'hello');
    if (!sent.ok) throw new Error('send failed');
    socket.emit('page', page('/elsewhere'));
    const operator = sockets.track((await connectOperator(url())).socket);
    const opened = await operator
      .timeout(3000)
      .emitWithAck('conversation:open', { conversationId: sent.message.conversationId });
    expect(opened).toMatchObject({
      ok: true,
      context: {
        page: { url: 'https://shop.example/pricing?utm_source=x' },
        firstTouch: context.firstTouch,
        region: 'Almaty, Asia',
        ip: '127.0.0.1',
      },
    });
    const lead = await socket.timeout(3000).emitWithAck('lead:submit', {
      clientId: 'lead-client-id-0000000001',
      fields: { email: 'a@b.co', consent: true },
      elapsedMs: 10_000,
    });
    expect(lead.ok).toBe(true);
    const stored = (await harness.server.store.listLeads('shop')).find((l) => l.visitorId === visitorId)!;
    expect(stored.snapshot).toMatchObject({
      page: { url: 'https://shop.example/elsewhere' },
      lastTouch: context.lastTouch,
    });
  });
});
