/** The console's list of visitors on the site: leaving alone and leaving together. */
import { describe, expect, it, vi } from 'vitest';

const handlers = vi.hoisted(() => new Map<string, (...args: unknown[]) => void>());
vi.mock('socket.io-client', () => ({
  io: () => {
    const socket = {
      on(event: string, handler: (...args: unknown[]) => void) {
        handlers.set(event, handler);
        return socket;
      },
      off: () => socket,
      emit: () => socket,
      timeout: () => socket,
      emitWithAck: async () => ({ ok: false }),
      connect: () => socket,
      disconnect: () => socket,
      io: { on: () => undefined },
    };
    return socket;
  },
}));

const { createOperatorSession } = await import('../../../console/session');

describe('visitors leaving the site', () => {
  it('drops one who left alone and many who left together', () => {
    const session = createOperatorSession('token', () => undefined);
    const visitor = (visitorId: string) => ({ visitorId, url: 'https://shop.test/', since: 0 });
    for (const id of ['v1', 'v2', 'v3', 'v4']) handlers.get('visitor:online')!(visitor(id));
    expect([...session.online.value.keys()]).toEqual(['v1', 'v2', 'v3', 'v4']);
    const before = session.online.value;
    handlers.get('visitor:offline')!({ visitorId: 'v2' });
    expect([...session.online.value.keys()]).toEqual(['v1', 'v3', 'v4']);
    expect(session.online.value).not.toBe(before);
    handlers.get('visitors:offline')!({ visitorIds: ['v1', 'v4', 'gone'] });
    expect([...session.online.value.keys()]).toEqual(['v3']);
  });
});
