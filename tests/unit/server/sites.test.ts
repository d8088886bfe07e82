import { describe, expect, it } from 'vitest';
import { hashPassword, isPasswordHash, verifyPassword } from '../../../server/src/passwords';
import { createRateLimiter } from '../../../server/src/rate-limit';
import { parseSites, publicProfile, publicSiteInfo } from '../../../server/src/sites';

// A hash of the first release's form (scrypt$<salt>$<hash>): still accepted.
const operator = {
  id: 'a',
  login: 'a',
  name: 'A',
  passwordHash: 'scrypt$Jy8gJDFCA0IMtMlHAfBHrg$1k7vMoO60UPtW8OaSG6ZWElP0dJuCH-Mg35I1OvsfWk',
};
const site = { id: 'demo', name: 'Demo', allowedOrigins: ['https://shop.example'], operators: [operator] };

describe('sites config', () => {
  it('accepts a valid file', () => {
    expect(parseSites({ sites: [site] })[0]).toMatchObject({
      id: 'demo',
      greeting: '',
      allowedOrigins: ['https://shop.example'],
    });
  });

  it.each([
    [{ sites: [] }, 'sites: must be a non-empty array'],
    [{ sites: [{ ...site, id: 'a b' }] }, 'sites[0].id'],
    [{ sites: [site, site] }, 'appears twice'],
    [{ sites: [{ ...site, allowedOrigins: ['https://shop.example/'] }] }, 'bare origin'],
    [{ sites: [{ ...site, allowedOrigins: ['*'] }] }, 'is not an origin'],
    [{ sites: [{ ...site, operators: [{ ...operator, passwordHash: 'plain' }] }] }, 'hash-password'],
    [
      { sites: [{ ...site, operators: [{ ...operator, passwordHash: 'scrypt$x$y' }] }] },
      'sites[0].operators[0].passwordHash',
    ],
    [
      { sites: [{ ...site, operators: [operator, { ...operator, id: 'b', login: 'A' }] }] },
      'sites[0].operators[1].login',
    ],
    // An address with no host passes a prefix check; the shared rule parses it.
    [{ sites: [{ ...site, webhookUrl: 'https://' }] }, 'sites[0].webhookUrl: must be an http(s) URL'],
    [{ sites: [{ ...site, webhookUrl: 'ftp://hooks.example/in' }] }, 'sites[0].webhookUrl'],
    [{ sites: [{ ...site, notifications: 'yes' }] }, 'sites[0].notifications: must be true or false'],
    [{ sites: [{ ...site, faviconBadge: 1 }] }, 'sites[0].faviconBadge: must be true or false'],
    // A falsy greetings is a mistake too, not a site without them.
    [{ sites: [{ ...site, greetings: null }] }, 'sites[0].greetings: must be an object'],
    [{ sites: [{ ...site, greetings: '' }] }, 'sites[0].greetings: must be an object'],
    [{ sites: [{ ...site, greetings: false }] }, 'sites[0].greetings: must be an object'],
  ])('names the place of a mistake (%#)', (raw, message) => {
    expect(() => parseSites(raw)).toThrow(message);
  });
});

describe('optional attention settings', () => {
  it('are off unless the file turns them on, and reach visitors only when on', () => {
    const [off] = parseSites({ sites: [{ ...site, notifications: false }] });
    expect(publicSiteInfo(off!)).not.toHaveProperty('notifications');
    expect(publicSiteInfo(off!)).not.toHaveProperty('faviconBadge');
    const [on] = parseSites({ sites: [{ ...site, notifications: true, faviconBadge: true }] });
    expect(publicSiteInfo(on!)).toMatchObject({ notifications: true, faviconBadge: true });
  });
});

describe('shared canned replies in the sites file', () => {
  it('are trimmed, numbered when they have no id, and never reach visitors', async () => {
    const [parsed] = parseSites({
      sites: [
        {
          ...site,
          cannedReplies: [
            { title: ' Hours ', text: ' 9 to 18 ' },
            { id: 'refunds', title: 'Refunds', text: 'Within 14 days.' },
          ],
        },
      ],
    });
    expect(parsed!.cannedReplies).toEqual([
      { id: 'config-1', title: 'Hours', text: '9 to 18' },
      { id: 'refunds', title: 'Refunds', text: 'Within 14 days.' },
    ]);
    const { publicSiteInfo } = await import('../../../server/src/sites');
    expect(publicSiteInfo(parsed!)).not.toHaveProperty('cannedReplies');
  });

  it.each([
    [{ title: 'x' }, 'sites[0].cannedReplies[0].text'],
    [{ title: 'x'.repeat(61), text: 'y' }, 'at most 60 characters'],
  ])('name the place of a mistake (%#)', (reply, message) => {
    expect(() => parseSites({ sites: [{ ...site, cannedReplies: [reply] }] })).toThrow(message);
  });
});

describe('operator profiles', () => {
  it('show the operator’s own photo, or the department avatar where the site has one', () => {
    const [parsed] = parseSites({
      sites: [{ ...site, operators: [{ ...operator, title: 'Sales', avatar: '/a.png' }] }],
    });
    const op = parsed!.operators[0]!;
    expect(publicProfile(op, 'https://chat.example', parsed)).toEqual({
      id: 'a',
      name: 'A',
      title: 'Sales',
      avatar: 'https://chat.example/a.png',
    });
    const withDepartment = { ...parsed!, departmentAvatar: '/team.png' };
    expect(publicProfile(op, 'https://chat.example', withDepartment).avatar).toBe('https://chat.example/team.png');
    // Never the login or the password hash.
    expect(Object.keys(publicProfile(op, 'https://chat.example'))).toEqual(['id', 'name', 'title', 'avatar']);
  });
});

describe('passwords', () => {
  it('verify only the right password, with a fresh salt each time', async () => {
    const hash = await hashPassword('s3cret');
    expect(hash).toMatch(/^scrypt\$ln=15,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('s3cret', hash)).toBe(true);
    expect(await verifyPassword('s3cret!', hash)).toBe(false);
    expect(await hashPassword('s3cret')).not.toBe(hash);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('read their cost from the hash, and the first release’s hashes still verify', async () => {
    const cheap = await hashPassword('s3cret', { ln: 12, r: 8, p: 1 });
    expect(cheap).toContain('$ln=12,r=8,p=1$');
    expect(await verifyPassword('s3cret', cheap)).toBe(true);
    // demo/sites.json's hash of "demo", made by the first release with Node's default cost.
    expect(await verifyPassword('demo', operator.passwordHash)).toBe(true);
    expect(await verifyPassword('demo!', operator.passwordHash)).toBe(false);
  });

  it('refuse a cost outside sane bounds instead of allocating it', async () => {
    const hash = await hashPassword('s3cret', { ln: 12, r: 8, p: 1 });
    expect(await verifyPassword('s3cret', hash.replace('ln=12', 'ln=30'))).toBe(false);
    expect(isPasswordHash(hash.replace('ln=12', 'ln=30'))).toBe(false);
    expect(isPasswordHash(hash)).toBe(true);
  });
});

describe('rate limiter', () => {
  it('allows a burst, then refills at the given rate, per key', () => {
    let now = 0;
    const limiter = createRateLimiter(3, 1, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    expect(limiter.take('b')).toBe(true);
    now += 1000;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });
});
