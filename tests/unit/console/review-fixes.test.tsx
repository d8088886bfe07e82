/**
 * The console's small behaviours from the review: web addresses in messages are links
 * (http and https only, opening apart from the console, everything else plain text), the
 * request list says why it is empty, and counts of pages read as English.
 */
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkedText, webHref } from '../../../console/linked-text';
import { emptyLeadListText, NO_LEAD_FILTER } from '../../../console/models/filter';
import { pagesText } from '../../../console/models/visitor-label';

const host = document.createElement('div');
document.body.append(host);
afterEach(() => render(null, host));

const show = (text: string) => {
  render(<LinkedText text={text} />, host);
  return [...host.querySelectorAll('a')];
};

describe('links in console messages', () => {
  it('makes http and https addresses clickable, opening in a new tab without opener or referrer', () => {
    const links = show('See https://example.com/shipping?x=1, or http://shop.test/a_(b).');
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://example.com/shipping?x=1',
      'http://shop.test/a_(b',
    ]);
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    }
    // The sentence's punctuation stays outside, and all the text is still there.
    expect(links[0]!.textContent).toBe('https://example.com/shipping?x=1');
    expect(host.textContent).toBe('See https://example.com/shipping?x=1, or http://shop.test/a_(b).');
  });

  it('leaves every other scheme and any markup as plain text', () => {
    const text =
      'javascript:alert(1) data:text/html,<b>x</b> mailto:a@b.test <img src=x onerror=alert(1)> ftp://files.test';
    expect(show(text)).toEqual([]);
    expect(host.querySelector('img, b')).toBeNull();
    expect(host.textContent).toBe(text);
    expect(webHref('javascript:alert(1)')).toBeUndefined();
    expect(webHref('https://')).toBeUndefined();
    expect(webHref('HTTPS://Example.COM')).toBe('https://example.com/');
  });

  it('keeps markup in an address out of the link: quotes and angle brackets end it', () => {
    const links = show('https://evil.test/"onmouseover="alert(1) and https://ok.test/<script>');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://evil.test/', 'https://ok.test/']);
    expect(links.every((a) => a.attributes.length === 3)).toBe(true);
    expect(host.querySelector('script')).toBeNull();
  });
});

describe('the empty request list', () => {
  it('says what the filter shows, and speaks of the search only when there is one', () => {
    expect(emptyLeadListText({ ...NO_LEAD_FILTER, status: 'spam' }, 3)).toBe('No requests in quarantine.');
    expect(emptyLeadListText({ ...NO_LEAD_FILTER, status: 'spam' }, 0)).toBe('No requests in quarantine.');
    expect(emptyLeadListText({ ...NO_LEAD_FILTER, status: 'new' }, 2)).toBe('No new requests.');
    expect(emptyLeadListText({ ...NO_LEAD_FILTER, status: 'done' }, 2)).toBe('No requests done.');
    expect(emptyLeadListText(NO_LEAD_FILTER, 0)).toBe('No requests yet.');
    expect(emptyLeadListText({ ...NO_LEAD_FILTER, period: 'today' }, 4)).toBe('No requests in this period.');
    expect(emptyLeadListText({ ...NO_LEAD_FILTER, status: 'spam', query: 'anna' }, 4)).toBe(
      'Nothing loaded matches the search.',
    );
    expect(emptyLeadListText({ ...NO_LEAD_FILTER, query: '   ' }, 4)).toBe('No requests outside quarantine.');
  });
});

describe('page counts', () => {
  it('reads "1 page" and "3 pages", never "page(s)"', () => {
    expect(pagesText(1)).toBe('1 page');
    expect(pagesText(3)).toBe('3 pages');
    expect(pagesText(0)).toBe('0 pages');
  });
});
