/**
 * The operator's replies through a connection that comes and goes: written offline, a
 * reply waits for the connection instead of failing its timeout; one not delivered can be
 * sent again under its client id; each stays with its conversation.
 */
import { describe, expect, it, vi } from 'vitest';

type Handler = (...args: unknown[]) => void;
const wire = vi.hoisted(() => ({
  connected: false,
  handlers: new Map<string, Handler[]>(),
  sent: [] as { event: string; payload: Record<string, unknown> }[],
  answer: (_payload: Record<string, unknown>): unknown => ({ ok: false, error: { code: 'x', message: 'x' } }),
}));
vi.mock('socket.io-client', () => ({
  io: () => {
    const socket = {
      get connected() {
        return wire.connected;
      },
      on(event: string, handler: Handler) {
        wire.handlers.set(event, [...(wire.handlers.get(event) ?? []), handler]);
        return socket;
      },
      once(event: string, handler: Handler) {
        const once: Handler = (...args) => {
          wire.handlers.set(
            event,
            (wire.handlers.get(event) ?? []).filter((h) => h !== once),
          );
          handler(...args);
        };
        return socket.on(event, once);
      },
      off: () => socket,
      emit: () => socket,
      volatile: { emit: () => socket },
      timeout: () => socket,
      emitWithAck: async (event: string, payload: Record<string, unknown>) => {
        wire.sent.push({ event, payload });
        return event === 'message:send' ? wire.answer(payload) : { ok: false, error: { code: 'x', message: 'x' } };
      },
      connect: () => socket,
      disconnect: () => socket,
      io: { on: () => undefined },
    };
    return socket;
  },
}));

const { createOperatorSession } = await import('../../../console/session');
const { messageOf } = await import('./summaries');
const fire = (event: string, ...args: unknown[]) => (wire.handlers.get(event) ?? []).forEach((h) => h(...args));
const sends = () => wire.sent.filter((s) => s.event === 'message:send');

describe('replies', () => {
  it('wait for the connection when written offline, and go once it is back', async () => {
    wire.connected = false;
    wire.sent = [];
    wire.answer = (payload) => ({ ok: true, message: messageOf({ seq: 2, text: String(payload.text) }) });
    const session = createOperatorSession('token', () => undefined);
    session.selectedId.value = 'c1';
    const delivered = session.reply('On my way');
    await Promise.resolve();
    expect(sends()).toEqual([]);
    expect(session.pending.value.map((p) => [p.conversationId, p.text, p.error])).toEqual([
      ['c1', 'On my way', undefined],
    ]);

    wire.connected = true;
    fire('connect');
    await delivered;
    expect(sends().map((s) => s.payload.text)).toEqual(['On my way']);
    expect(session.pending.value).toEqual([]);
  });

  it('not delivered can be sent again under the same client id, and stay with their conversation', async () => {
    wire.connected = true;
    wire.sent = [];
    wire.answer = () => {
      throw new Error('operation has timed out');
    };
    const session = createOperatorSession('token', () => undefined);
    session.selectedId.value = 'c1';
    await session.reply('Your order left today');
    const [failed] = session.pending.value;
    expect(failed).toMatchObject({ conversationId: 'c1', error: 'not delivered — check the connection' });

    // Looking at another chat meanwhile does not lose it.
    await session.select('c2');
    expect(session.pending.value).toHaveLength(1);

    wire.answer = (payload) => ({ ok: true, message: messageOf({ seq: 3, text: String(payload.text) }) });
    await session.sendAgain(failed!.clientId);
    expect(sends().map((s) => [s.payload.clientId, s.payload.conversationId])).toEqual([
      [failed!.clientId, 'c1'],
      [failed!.clientId, 'c1'],
    ]);
    expect(session.pending.value).toEqual([]);
  });
});
