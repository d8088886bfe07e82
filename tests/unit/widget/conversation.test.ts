import { beforeEach, describe, expect, it, vi } from 'vitest';
import { LIMITS, type ChatMessage } from '../../../src/protocol';
import { sessionOf } from '../../support/fixtures';
import { ConversationModel } from '../../../src/widget/models/conversation';
import { createStorage } from '../../../src/widget/storage';

const msg = (seq: number, author: ChatMessage['author'] = 'operator', conversationId = 'c1'): ChatMessage => ({
  id: `${conversationId}-${seq}`,
  conversationId,
  seq,
  changeSeq: seq,
  clientId: `client-${seq}`,
  author,
  text: `#${seq}`,
  createdAt: seq * 1000 + (conversationId === 'c2' ? 100_000 : 0),
});

const session = (messages: ChatMessage[]) => sessionOf({ messages });

beforeEach(() => localStorage.clear());

describe('conversation model', () => {
  it('keeps messages in sequence order without duplicates, whatever order they arrive in', () => {
    const model = new ConversationModel(createStorage('demo'));
    model.applySession(session([msg(1), msg(3)]));
    model.receive(msg(2));
    model.receive(msg(3));
    expect(model.messages.value.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(model.lastChange.value).toBe(3);
  });

  it('counts unread operator messages until read, and remembers across reloads', () => {
    const storage = createStorage('demo');
    const model = new ConversationModel(storage);
    model.applySession(session([msg(1, 'visitor'), msg(2), msg(3)]));
    expect(model.unread.value).toBe(2);
    model.markRead();
    expect(model.unread.value).toBe(0);
    model.receive(msg(4));
    expect(model.unread.value).toBe(1);

    const reloaded = new ConversationModel(storage);
    reloaded.applySession(session([msg(1, 'visitor'), msg(2), msg(3), msg(4)]));
    expect(reloaded.unread.value).toBe(1);
  });

  it('counts the unread the server counted before the newest page, until read here', () => {
    const storage = createStorage('demo');
    const model = new ConversationModel(storage);
    // The newest page: 3 operator messages of 4; 60 more unread before it, by the server's count.
    const newest = [msg(100, 'visitor'), msg(101), msg(102), msg(103)];
    model.applySession(sessionOf({ messages: newest, hasOlder: true, olderUnread: 60 }));
    expect(model.unread.value).toBe(63);
    model.receive(msg(104));
    expect(model.unread.value).toBe(64);
    model.markRead();
    expect(model.unread.value).toBe(0);

    // Read in this browser past the oldest held: what came before is read too, whatever the server says.
    const reloaded = new ConversationModel(storage);
    reloaded.applySession(sessionOf({ messages: [...newest, msg(104), msg(105)], hasOlder: true, olderUnread: 60 }));
    expect(reloaded.unread.value).toBe(1);
  });

  it('switches to a new conversation and keeps the earlier one above it', () => {
    const model = new ConversationModel(createStorage('demo'));
    model.applySession(session([msg(1), msg(2)]));
    model.closed('c1', 'operator');
    expect(model.status.value).toBe('closed');
    model.receive(msg(1, 'visitor', 'c2'));
    expect(model.conversationId.value).toBe('c2');
    expect(model.status.value).toBe('open');
    expect(model.lastChange.value).toBe(1);
    expect(model.messages.value.map((m) => m.id)).toEqual(['c1-1', 'c1-2', 'c2-1']);
  });

  it('clears the typing indicator on a reply or when the signal goes stale', () => {
    vi.useFakeTimers();
    const model = new ConversationModel(createStorage('demo'));
    model.setOperatorTyping(true);
    model.receive(msg(1));
    expect(model.operatorTyping.value).toBe(false);
    model.setOperatorTyping(true);
    vi.advanceTimersByTime(LIMITS.typingTtlMs + 1);
    expect(model.operatorTyping.value).toBe(false);
    vi.useRealTimers();
  });

  it('takes the operator profile from their messages', () => {
    const model = new ConversationModel(createStorage('demo'));
    model.receive({ ...msg(1), operator: { id: 'anna', name: 'Anna' } });
    expect(model.operator.value).toEqual({ id: 'anna', name: 'Anna' });
  });
});
