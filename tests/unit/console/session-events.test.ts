/**
 * What the console's session makes of the server's events: visitors leaving alone and together,
 * and conversation summaries that arrive out of order.
 */
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
const { summaryOf, messageOf } = await import('./summaries');

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

describe('conversation summaries', () => {
  it('keeps the newest of two that crossed, and still takes a later change without new messages', () => {
    const session = createOperatorSession('token', () => undefined);
    const updated = handlers.get('conversation:updated')!;
    const reply = messageOf({ seq: 3, text: 'Thank you!' });
    updated(
      summaryOf({
        lastSeq: 3,
        revision: 5,
        lastMessage: { author: 'visitor', text: reply.text, createdAt: reply.createdAt },
      }),
    );
    // Another node's read from before the reply arrives last.
    updated(
      summaryOf({ lastSeq: 2, revision: 4, lastMessage: { author: 'operator', text: 'Hello', createdAt: 1_002 } }),
    );
    expect(session.conversations.value.get('c1')?.lastSeq).toBe(3);
    expect(session.conversations.value.get('c1')?.lastMessage?.text).toBe('Thank you!');
    // A change that adds no message (the chat taken) is not older.
    updated(summaryOf({ lastSeq: 3, revision: 6, operatorId: 'anna' }));
    expect(session.conversations.value.get('c1')?.operatorId).toBe('anna');
  });

  it('tells apart two that crossed with the same last message by their revision', () => {
    const session = createOperatorSession('token', () => undefined);
    const updated = handlers.get('conversation:updated')!;
    // Anna takes the chat and reads it; the summary from before she took it arrives last.
    updated(summaryOf({ lastSeq: 4, revision: 9, operatorId: 'anna', operatorReadSeq: 4 }));
    updated(summaryOf({ lastSeq: 4, revision: 8, operatorId: null, operatorReadSeq: 0 }));
    expect(session.conversations.value.get('c1')?.operatorId).toBe('anna');
    expect(session.conversations.value.get('c1')?.operatorReadSeq).toBe(4);
    expect(session.conversations.value.get('c1')?.revision).toBe(9);
  });

  it('takes the changes of one turn together, each kept only if newer', () => {
    const session = createOperatorSession('token', () => undefined);
    handlers.get('conversation:updated')!(summaryOf({ id: 'c1', lastSeq: 2, revision: 3 }));
    const before = session.conversations.value;
    handlers.get('conversations:updated')!([
      summaryOf({ id: 'c1', lastSeq: 1, revision: 2 }),
      summaryOf({ id: 'c2', lastSeq: 1, revision: 1 }),
      summaryOf({ id: 'c3', lastSeq: 5, revision: 7 }),
    ]);
    const after = session.conversations.value;
    expect(after).not.toBe(before);
    expect([...after.keys()].sort()).toEqual(['c1', 'c2', 'c3']);
    expect(after.get('c1')?.lastSeq).toBe(2);
    expect(after.get('c3')?.lastSeq).toBe(5);
  });
});

describe('a console open across an upgrade', () => {
  const hello = (release?: string) =>
    handlers.get('hello')!({
      operator: { id: 'anna', name: 'Anna' },
      status: 'online',
      team: [],
      conversations: [],
      leads: [],
      online: [],
      release,
    });

  it('is out of date only while the server serves another release than it first heard', () => {
    const session = createOperatorSession('token', () => undefined);
    hello('one');
    expect(session.outdated.value).toBe(false);
    hello('one'); // a reconnect
    expect(session.outdated.value).toBe(false);
    hello('two'); // the server was upgraded
    expect(session.outdated.value).toBe(true);
    hello(); // a server that does not say keeps what is known
    expect(session.outdated.value).toBe(true);
    hello('one'); // rolled back to what this page runs
    expect(session.outdated.value).toBe(false);
  });
});
