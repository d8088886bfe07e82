import { describe, expect, it } from 'vitest';
import { cleanContext, cleanUrl, utmFromUrl } from '../../../src/protocol';

describe('page context', () => {
  it('keeps http(s) URLs only, without credentials or fragment', () => {
    expect(cleanUrl('https://user:pw@shop.example/a?b=1#secret')).toBe('https://shop.example/a?b=1');
    expect(cleanUrl('javascript:alert(1)')).toBeUndefined();
    expect(cleanUrl('file:///etc/passwd')).toBeUndefined();
    expect(cleanUrl('not a url')).toBeUndefined();
  });

  it('reads the first value of each attribution parameter, decoded and bounded', () => {
    const utm = utmFromUrl(
      'https://shop.example/?utm_source=google&utm_source=bing&utm_campaign=%D0%B7%D0%B8%D0%BC%D0%B0&gclid=abc&utm_term=' +
        'x'.repeat(500) +
        '&other=1',
    );
    expect(utm).toEqual({ utm_source: 'google', utm_campaign: 'зима', gclid: 'abc', utm_term: 'x'.repeat(200) });
    expect(utmFromUrl('https://shop.example/')).toBeUndefined();
  });

  it('drops unknown keys and bad values from a context sent by a client', () => {
    expect(
      cleanContext({
        url: 'https://shop.example/p',
        title: 'T'.repeat(300),
        referrer: 'javascript:x',
        utm: { utm_source: '<b>ads</b>', evil: 'x' },
        ip: '1.2.3.4',
      }),
    ).toEqual({ url: 'https://shop.example/p', title: 'T'.repeat(200), utm: { utm_source: '<b>ads</b>' } });
    expect(cleanContext({ url: 'ftp://x' })).toBeNull();
    expect(cleanContext('https://shop.example')).toBeNull();
  });
});
