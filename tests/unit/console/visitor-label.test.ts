import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/protocol';
import {
  anonymousLabel,
  conversationLabel,
  leadLabel,
  onlineLabel,
  visitorNumber,
} from '../../../console/models/visitor-label';
import { summaryOf } from './summaries';

describe('visitor labels', () => {
  it('derives a stable four-digit number by FNV-1a of the id', () => {
    // FNV-1a 32-bit of "a" is 0xe40c292c = 3826002220; 3826002220 % 9000 = 3220.
    expect(visitorNumber('a')).toBe(1000 + 3220);
    const id = newId();
    expect(visitorNumber(id)).toBe(visitorNumber(id));
    for (let i = 0; i < 200; i++) {
      const n = visitorNumber(newId());
      expect(n).toBeGreaterThanOrEqual(1000);
      expect(n).toBeLessThanOrEqual(9999);
    }
  });

  it('spreads different ids over many numbers', () => {
    const numbers = new Set(Array.from({ length: 300 }, () => visitorNumber(newId())));
    // 300 random ids over 9000 numbers: expect about 295 distinct; far fewer means a broken hash.
    expect(numbers.size).toBeGreaterThan(270);
  });

  it('never contains the visitor id or a piece of it', () => {
    const id = 'Zq3xK9vB2mN8pL4wR7tY';
    const label = anonymousLabel(id);
    expect(label).toMatch(/^Visitor #\d{4}$/);
    for (let i = 0; i + 4 <= id.length; i++) expect(label).not.toContain(id.slice(i, i + 4));
  });

  it('labels an anonymous conversation by number, a named one by name, and says how far to trust it', () => {
    const anonymous = conversationLabel(summaryOf({ visitorId: 'a' }));
    expect(anonymous).toEqual({ name: 'Visitor #4220', email: null, trust: 'anonymous' });

    const typed = conversationLabel(summaryOf({ visitorName: 'Zoë', visitorEmail: 'zoe@example.com' }));
    expect(typed).toEqual({ name: 'Zoë', email: 'zoe@example.com', trust: 'unverified' });

    const emailOnly = conversationLabel(summaryOf({ visitorId: 'a', visitorEmail: 'x@example.com' }));
    expect(emailOnly).toMatchObject({ name: 'Visitor #4220', trust: 'unverified' });

    const verified = conversationLabel(
      summaryOf({ visitorName: 'Ann Lee', visitorEmail: 'ann@example.com', verified: true }),
    );
    expect(verified.trust).toBe('verified');
  });

  it('trusts the server saying whether a name was given over the placeholder guess', () => {
    expect(conversationLabel(summaryOf({ visitorId: 'a', visitorName: 'Visitor', visitorNameGiven: true })).name).toBe(
      'Visitor',
    );
    expect(conversationLabel(summaryOf({ visitorId: 'a', visitorName: 'Guest', visitorNameGiven: false })).name).toBe(
      'Visitor #4220',
    );
  });

  it('labels visitors on the site and requests the same way', () => {
    expect(onlineLabel({ visitorId: 'a', name: null } as never)).toBe('Visitor #4220');
    expect(onlineLabel({ visitorId: 'a', name: 'Olga' } as never)).toBe('Olga');
    expect(leadLabel({ visitorId: 'a' } as never)).toBe('Visitor #4220');
    expect(leadLabel({ visitorId: 'a', name: '  ' } as never)).toBe('Visitor #4220');
  });
});
