import { describe, expect, it } from 'vitest';
import {
  countIncoming,
  markRead,
  readPositions,
  recount,
  seed,
  titleWithCount,
  unreadCount,
  unreadTotal,
} from '../../../console/models/unread';
import { messageOf, summaryOf } from './summaries';

describe('unread counting', () => {
  it('counts each visitor message once, and nothing else', () => {
    let state = seed([], {});
    state = countIncoming(state, messageOf({ seq: 1 }));
    state = countIncoming(state, messageOf({ seq: 2 }));
    expect(unreadCount(state, 'c1')).toBe(2);
    // The same message again (a replay) and the operator's own messages do not count.
    const same = countIncoming(state, messageOf({ seq: 2 }));
    expect(same).toBe(state);
    state = countIncoming(state, messageOf({ seq: 3, author: 'operator' }));
    state = countIncoming(state, messageOf({ seq: 4, author: 'system' }));
    expect(unreadCount(state, 'c1')).toBe(2);
  });

  it('reading up to a message clears it and the ones before, not later ones', () => {
    let state = seed([], {});
    for (const seq of [1, 2, 3]) state = countIncoming(state, messageOf({ seq }));
    state = markRead(state, 'c1', 2);
    expect(unreadCount(state, 'c1')).toBe(1);
    // Already read: a late copy of message 2 is not counted again.
    state = countIncoming(state, messageOf({ seq: 2 }));
    expect(unreadCount(state, 'c1')).toBe(1);
    state = markRead(state, 'c1', 3);
    expect(unreadCount(state, 'c1')).toBe(0);
    // A read position never goes back.
    state = markRead(state, 'c1', 1);
    state = countIncoming(state, messageOf({ seq: 3 }));
    expect(unreadCount(state, 'c1')).toBe(0);
  });

  it('starts from summaries: one unread when the visitor wrote last beyond the read position', () => {
    const state = seed(
      [
        summaryOf({ id: 'a', lastSeq: 5, lastMessage: { author: 'visitor', text: 'hi', createdAt: 1 } }),
        summaryOf({ id: 'b', lastSeq: 5, lastMessage: { author: 'visitor', text: 'hi', createdAt: 1 } }),
        summaryOf({ id: 'c', lastSeq: 5, lastMessage: { author: 'operator', text: 'ok', createdAt: 1 } }),
        summaryOf({
          id: 'd',
          lastSeq: 7,
          operatorReadSeq: 7,
          lastMessage: { author: 'visitor', text: 'hi', createdAt: 1 },
        }),
      ],
      { b: 5 },
    );
    expect(['a', 'b', 'c', 'd'].map((id) => unreadCount(state, id))).toEqual([1, 0, 0, 0]);
  });

  it('keeps what this page counted across a reconnect, and adds a message missed meanwhile', () => {
    let state = seed([], {});
    for (const seq of [1, 2]) state = countIncoming(state, messageOf({ seq }));
    const again = seed(
      [summaryOf({ lastSeq: 2, lastMessage: { author: 'visitor', text: 'x', createdAt: 1 } })],
      {},
      state,
    );
    expect(unreadCount(again, 'c1')).toBe(2);
    const missed = seed(
      [summaryOf({ lastSeq: 4, lastMessage: { author: 'visitor', text: 'x', createdAt: 1 } })],
      {},
      state,
    );
    expect(unreadCount(missed, 'c1')).toBe(3);
    const readElsewhere = seed(
      [summaryOf({ lastSeq: 2, operatorReadSeq: 2, lastMessage: { author: 'visitor', text: 'x', createdAt: 1 } })],
      {},
      state,
    );
    expect(unreadCount(readElsewhere, 'c1')).toBe(0);
  });

  it('recounts exactly once the messages are loaded', () => {
    let state = seed([summaryOf({ lastSeq: 4, lastMessage: { author: 'visitor', text: 'x', createdAt: 1 } })], {
      c1: 1,
    });
    expect(unreadCount(state, 'c1')).toBe(1);
    state = recount(
      state,
      'c1',
      [1, 2, 3, 4].map((seq) => messageOf({ seq, author: seq === 3 ? 'operator' : 'visitor' })),
    );
    expect(unreadCount(state, 'c1')).toBe(2);
  });

  it('totals over the chosen conversations and remembers only listed read positions', () => {
    let state = seed([], {});
    state = countIncoming(state, messageOf({ conversationId: 'a', seq: 1 }));
    state = countIncoming(state, messageOf({ conversationId: 'b', seq: 1 }));
    state = countIncoming(state, messageOf({ conversationId: 'b', seq: 2 }));
    state = countIncoming(state, messageOf({ conversationId: 'z', seq: 1 }));
    expect(unreadTotal(state, ['a', 'b'])).toBe(3);
    state = markRead(state, 'a', 1);
    state = markRead(state, 'z', 1);
    expect(readPositions(state, new Set(['a', 'b']))).toEqual({ a: 1 });
  });

  it('puts the total in the title only while something is unread', () => {
    expect(titleWithCount('Console', 3)).toBe('(3) Console');
    expect(titleWithCount('Console', 0)).toBe('Console');
  });
});
