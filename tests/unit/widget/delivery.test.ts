import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIMITS, type ChatMessage, type SendMessageAck } from '../../../src/protocol';
import { createDelivery } from '../../../src/widget/delivery';
import { createOutbox } from '../../../src/widget/outbox';
import { createStorage } from '../../../src/widget/storage';

function stored(clientId: string, text: string, seq: number): ChatMessage {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    changeSeq: seq,
    clientId,
    author: 'visitor',
    text,
    createdAt: seq,
  };
}

function setup() {
  const storage = createStorage('demo');
  const outbox = createOutbox<{ text: string }>(storage, 'outbox');
  let connected = true;
  let seq = 0;
  const sent: string[] = [];
  const acked: ChatMessage[] = [];
  const answers: ((payload: { clientId: string; text: string }) => Promise<SendMessageAck>)[] = [];
  const refused: string[] = [];
  const delivery = createDelivery<{ text: string }, { message: ChatMessage }>({
    outbox,
    isConnected: () => connected,
    send: (clientId, { text }) => {
      sent.push(text);
      const answer = answers.shift();
      return answer
        ? answer({ clientId, text })
        : Promise.resolve({ ok: true, message: stored(clientId, text, ++seq) });
    },
    onSent: ({ message }) => acked.push(message),
    onRefused: (error) => refused.push(error.code),
  });
  return {
    storage,
    outbox,
    delivery,
    sent,
    acked,
    answers,
    refused,
    setConnected: (value: boolean) => (connected = value),
  };
}

beforeEach(() => localStorage.clear());
afterEach(() => vi.useRealTimers());

describe('delivery', () => {
  it('persists a message before sending and drops it once acked', async () => {
    const { delivery, outbox, storage, acked } = setup();
    delivery.enqueue({ text: 'hello' });
    expect(storage.get<unknown[]>('outbox')).toHaveLength(1);
    await vi.waitFor(() => expect(acked.map((m) => m.text)).toEqual(['hello']));
    expect(outbox.items.value).toEqual([]);
    expect(storage.get('outbox')).toEqual([]);
  });

  it('keeps messages written offline, in order, and sends them once back online', async () => {
    const t = setup();
    t.setConnected(false);
    t.delivery.enqueue({ text: 'one' });
    t.delivery.enqueue({ text: 'two' });
    t.delivery.enqueue({ text: 'three' });
    await Promise.resolve();
    expect(t.sent).toEqual([]);

    // A reload while offline: a new outbox reads the same storage.
    expect(createOutbox<{ text: string }>(t.storage, 'outbox').items.value.map((i) => i.payload.text)).toEqual([
      'one',
      'two',
      'three',
    ]);

    t.setConnected(true);
    await t.delivery.flush();
    expect(t.sent).toEqual(['one', 'two', 'three']);
    expect(t.acked.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('keeps an entry written offline pending past the ack timeout: it waits, it has not failed', async () => {
    vi.useFakeTimers();
    const t = setup();
    t.setConnected(false);
    t.delivery.enqueue({ text: 'in the tunnel' });
    await vi.advanceTimersByTimeAsync(LIMITS.ackTimeoutMs * 3);
    expect(t.outbox.items.value[0]!.state).toBe('pending');
    expect(t.outbox.items.value[0]!.refused).toBeUndefined();
    expect(t.sent).toEqual([]);
  });

  it('keeps an entry pending when its ack is lost with the connection, and sends it on return', async () => {
    vi.useFakeTimers();
    const t = setup();
    t.answers.push(
      () =>
        new Promise((_, reject) =>
          setTimeout(() => {
            t.setConnected(false);
            reject(new Error('disconnected'));
          }, 100),
        ),
    );
    t.delivery.enqueue({ text: 'cut off' });
    await vi.advanceTimersByTimeAsync(LIMITS.ackTimeoutMs + 1);
    expect(t.outbox.items.value[0]).toMatchObject({ state: 'pending' });
    t.setConnected(true);
    await t.delivery.flush();
    expect(t.outbox.items.value).toEqual([]);
    expect(t.sent).toEqual(['cut off', 'cut off']);
  });

  it('sends one at a time: the next waits for the previous ack', async () => {
    const t = setup();
    let release!: () => void;
    t.answers.push(
      (p) => new Promise((resolve) => (release = () => resolve({ ok: true, message: stored(p.clientId, p.text, 1) }))),
    );
    t.delivery.enqueue({ text: 'first' });
    t.delivery.enqueue({ text: 'second' });
    await Promise.resolve();
    expect(t.sent).toEqual(['first']);
    release();
    await vi.waitFor(() => expect(t.sent).toEqual(['first', 'second']));
  });

  it('marks a message failed when no ack comes in time, and retries it later', async () => {
    vi.useFakeTimers();
    const t = setup();
    // The transport's contract: send rejects when no ack comes within the timeout.
    t.answers.push(
      () => new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), LIMITS.ackTimeoutMs)),
    );
    t.delivery.enqueue({ text: 'lost ack' });
    await vi.advanceTimersByTimeAsync(LIMITS.ackTimeoutMs + 1);
    expect(t.outbox.items.value[0]).toMatchObject({ payload: { text: 'lost ack' }, state: 'failed' });
    t.delivery.retry(t.outbox.items.value[0]!.clientId);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.outbox.items.value).toEqual([]);
    expect(t.sent).toEqual(['lost ack', 'lost ack']);
  });

  it('waits and retries on rate_limited, but holds a refused message for the visitor', async () => {
    vi.useFakeTimers();
    const t = setup();
    t.answers.push(async () => ({ ok: false, error: { code: 'rate_limited', message: 'slow down' } }));
    t.answers.push(async () => ({ ok: false, error: { code: 'too_long', message: 'too long' } }));
    t.delivery.enqueue({ text: 'limited' });
    await vi.advanceTimersByTimeAsync(1);
    expect(t.outbox.items.value[0]).toMatchObject({ state: 'failed', refused: undefined });
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.outbox.items.value[0]).toMatchObject({ state: 'failed', refused: 'too_long' });
    expect(t.refused).toEqual(['too_long']);
    await t.delivery.flush();
    expect(t.sent).toEqual(['limited', 'limited']);
  });

  it('drops outbox entries whose copy is already in the server history', () => {
    const t = setup();
    t.setConnected(false);
    const clientId = t.delivery.enqueue({ text: 'acked, but the ack was lost' });
    t.delivery.reconcile([clientId]);
    expect(t.outbox.items.value).toEqual([]);
  });
});
