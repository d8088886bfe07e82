import { describe, expect, it } from 'vitest';
import { earlierWith, openConversationOf } from '../../../console/models/history';
import type { Lead } from '../../../src/protocol';
import { summaryOf } from './summaries';

const lead = (id: string, visitorId: string, createdAt: number) =>
  ({ id, visitorId, createdAt, status: 'new', context: null, operatorId: null, updatedAt: createdAt }) as Lead;

describe("a visitor's history", () => {
  it('lists the same visitor’s earlier conversations, oldest first, and their requests', () => {
    const current = summaryOf({ id: 'now', visitorId: 'v1', createdAt: 300 });
    const history = earlierWith(
      current,
      [
        current,
        summaryOf({ id: 'second', visitorId: 'v1', status: 'closed', createdAt: 200 }),
        summaryOf({ id: 'first', visitorId: 'v1', status: 'closed', createdAt: 100 }),
        summaryOf({ id: 'someone-else', visitorId: 'v2', status: 'closed', createdAt: 150 }),
        summaryOf({ id: 'later', visitorId: 'v1', createdAt: 400 }),
      ],
      [lead('l2', 'v2', 50), lead('l1', 'v1', 60)],
    );
    expect(history.conversations.map((c) => c.id)).toEqual(['first', 'second']);
    expect(history.leads.map((l) => l.id)).toEqual(['l1']);
  });

  it('finds the open conversation of a visitor on the site', () => {
    const list = [
      summaryOf({ id: 'old', visitorId: 'v1', status: 'closed' }),
      summaryOf({ id: 'open', visitorId: 'v1' }),
    ];
    expect(openConversationOf('v1', list)?.id).toBe('open');
    expect(openConversationOf('v2', list)).toBeUndefined();
  });
});
