import { describe, expect, it } from 'vitest';
import {
  NO_CONVERSATION_FILTER,
  periodStart,
  matchesConversation,
  matchesLead,
  matchesQuery,
} from '../../../console/models/filter';
import { holdsWords } from '../../../server/src/search-match';
import { foldForSearch, searchWordsOf, type Lead } from '../../../src/protocol';
import { summaryOf } from './summaries';

const lead = (overrides: Partial<Lead>): Lead => ({
  id: 'l1',
  visitorId: 'v1',
  context: null,
  status: 'new',
  operatorId: null,
  createdAt: 1,
  updatedAt: 1,
  ...overrides,
});

describe('the console filter', () => {
  it('needs every word, in any field, ignoring case and accents', () => {
    expect(foldForSearch('Zoë ÉCOLE')).toBe('zoe ecole');
    expect(matchesQuery('zoe delivery', ['Zoë', 'When is the Delivery?'])).toBe(true);
    expect(matchesQuery('zoe refund', ['Zoë', 'When is the delivery?'])).toBe(false);
    expect(matchesQuery('   ', ['anything'])).toBe(true);
  });

  it('folds as the server search does: ё is е, й and Ukrainian ї stay letters of their own', () => {
    expect(matchesQuery('еще', ['Ещё вопрос'])).toBe(true);
    expect(matchesQuery('ёлка', ['Елка в зале'])).toBe(true);
    expect(matchesQuery('cafe', ['Café Łódź'])).toBe(true);
    expect(matchesQuery('café', ['the cafe'])).toBe(true);
    expect(matchesQuery('мои', ['Мой заказ'])).toBe(false);
    expect(matchesQuery('іжак', ['Їжак'])).toBe(false);
    expect(matchesQuery('їжак', ['Їжак'])).toBe(true);
  });

  it('folds as the server search does: ł, ß, æ, ø and Turkish ı meet the letters typed without them', () => {
    expect(matchesQuery('lodz', ['Łódź'])).toBe(true);
    expect(matchesQuery('hauptstrasse', ['Hauptstraße 5'])).toBe(true);
    expect(matchesQuery('HAUPTSTRAẞE', ['Hauptstrasse 5'])).toBe(true);
    expect(matchesQuery('aero', ['Ærø'])).toBe(true);
    expect(matchesQuery('isik', ['IŞIK'])).toBe(true);
    expect(matchesQuery('ışık', ['Isik'])).toBe(true);
    expect(
      matchesConversation(
        summaryOf({ visitorName: 'Łukasz Weiß' }),
        { ...NO_CONVERSATION_FILTER, query: 'lukasz weiss' },
        'anna',
        { label: 'x' },
      ),
    ).toBe(true);
  });

  it('finds phone numbers however they are written', () => {
    const phone = ['+7 701 555-12-34'];
    expect(matchesQuery('+7 (701) 555', [], phone)).toBe(true);
    expect(matchesQuery('5551234', [], phone)).toBe(true);
    expect(matchesQuery('015551', [], phone)).toBe(true);
    expect(matchesQuery('12', [], phone)).toBe(true); // a group of the number, as written
    expect(matchesQuery('999', [], phone)).toBe(false);
    // Letters and digits together are text, not a phone.
    expect(matchesQuery('a5551234', [], phone)).toBe(false);
    // Digits inside a number of a message are not a phone: the server's search would not find them.
    expect(matchesQuery('5551234', phone)).toBe(false);
  });

  it("matches the start of a word as the server's search does, never the inside of one", () => {
    const text = 'Where is my order? Hauptstraße 5, Łódź';
    const starts = ['ord', 'order', 'where', 'haupt', 'lodz', 'is my', '5'];
    const insides = ['der', 'rder', 'here', 'strasse', 'odz', 'y'];
    const found = (query: string) => ({ query, console: matchesQuery(query, [text]) });
    expect(starts.map(found)).toEqual(starts.map((query) => ({ query, console: true })));
    expect(insides.map(found)).toEqual(insides.map((query) => ({ query, console: false })));
    // The server's rule (search-match.ts) answers each the same.
    for (const query of [...starts, ...insides]) {
      expect({ query, server: holdsWords(text, searchWordsOf(query)) }).toEqual({
        query,
        server: starts.includes(query),
      });
    }
  });

  it('filters conversations by label, e-mail, last and loaded text', () => {
    const c = summaryOf({
      visitorEmail: 'buyer@shop.example',
      lastMessage: { author: 'visitor', text: 'Where is my order?', createdAt: 1 },
    });
    const by = (query: string, texts?: string[]) =>
      matchesConversation(c, { ...NO_CONVERSATION_FILTER, query }, 'anna', { label: 'Visitor #4821', texts });
    expect(by('#4821')).toBe(true);
    expect(by('buyer@')).toBe(true);
    expect(by('order')).toBe(true);
    expect(by('invoice')).toBe(false);
    expect(by('invoice', ['Please send the invoice'])).toBe(true);
  });

  it('filters conversations by status and operator', () => {
    const open = summaryOf({ operatorId: 'anna' });
    const closed = summaryOf({ status: 'closed', closeReason: 'operator', operatorId: 'max' });
    const spam = summaryOf({ status: 'closed', closeReason: 'spam' });
    const keep = (c: typeof open, status: 'any' | 'open' | 'closed' | 'spam', operator = 'any') =>
      matchesConversation(c, { query: '', status, operator, period: 'any' }, 'anna', { label: 'x' });
    expect([open, closed, spam].map((c) => keep(c, 'open'))).toEqual([true, false, false]);
    expect([open, closed, spam].map((c) => keep(c, 'closed'))).toEqual([false, true, true]);
    expect([open, closed, spam].map((c) => keep(c, 'spam'))).toEqual([false, false, true]);
    expect([open, closed, spam].map((c) => keep(c, 'any', 'me'))).toEqual([true, false, false]);
    expect([open, closed, spam].map((c) => keep(c, 'any', 'max'))).toEqual([false, true, false]);
    expect([open, closed, spam].map((c) => keep(c, 'any', 'none'))).toEqual([false, false, true]);
  });

  it('filters requests by contact, message and status', () => {
    const l = lead({ name: 'Ivan', phone: '+7 701 555 12 34', email: 'ivan@example.com', message: 'Call me back' });
    expect(matchesLead(l, { query: '7015551234', status: 'any', period: 'any' }, 'Ivan')).toBe(true);
    expect(matchesLead(l, { query: 'back', status: 'new', period: 'any' }, 'Ivan')).toBe(true);
    expect(matchesLead(l, { query: 'back', status: 'done', period: 'any' }, 'Ivan')).toBe(false);
    expect(matchesLead(lead({}), { query: '#4220', status: 'any', period: 'any' }, 'Visitor #4220')).toBe(true);
  });

  it('shows quarantined requests under Spam only, and only them there', () => {
    const spam = lead({ spam: 'honeypot', message: 'buy now' });
    const real = lead({ message: 'call me' });
    for (const status of ['any', 'new', 'in_work', 'done'] as const) {
      expect(matchesLead(spam, { query: '', status, period: 'any' }, 'Visitor #1')).toBe(false);
    }
    expect(matchesLead(spam, { query: 'buy', status: 'spam', period: 'any' }, 'Visitor #1')).toBe(true);
    expect(matchesLead(spam, { query: 'call', status: 'spam', period: 'any' }, 'Visitor #1')).toBe(false);
    expect(matchesLead(real, { query: '', status: 'spam', period: 'any' }, 'Visitor #1')).toBe(false);
    expect(matchesLead(real, { query: '', status: 'any', period: 'any' }, 'Visitor #1')).toBe(true);
  });

  it('filters by period: local midnight for today, whole days back for 7 and 30 days', () => {
    const now = new Date(2026, 10, 22, 15, 30).getTime();
    expect(periodStart('today', now)).toBe(new Date(2026, 10, 22).getTime());
    expect(periodStart('7d', now)).toBe(now - 7 * 86_400_000);
    expect(periodStart('any', now)).toBe(-Infinity);
    const at = (updatedAt: number) => summaryOf({ updatedAt });
    const keep = (c: ReturnType<typeof at>, period: 'today' | '7d' | '30d') =>
      matchesConversation(c, { ...NO_CONVERSATION_FILTER, period }, 'anna', { label: 'x' }, now);
    const lastNight = new Date(2026, 10, 21, 23, 0).getTime();
    expect(keep(at(lastNight), 'today')).toBe(false);
    expect(keep(at(lastNight), '7d')).toBe(true);
    expect(keep(at(now - 10 * 86_400_000), '7d')).toBe(false);
    expect(keep(at(now - 10 * 86_400_000), '30d')).toBe(true);
    expect(matchesLead(lead({ createdAt: lastNight }), { query: '', status: 'any', period: 'today' }, 'x', now)).toBe(
      false,
    );
  });
});
