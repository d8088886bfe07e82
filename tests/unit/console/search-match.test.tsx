/**
 * A search hit's row: the message that matched, its matched words marked, cut at the
 * start so the first of them is in view; a message holding markup stays text.
 */
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { MatchPreview } from '../../../console/match-preview';
import { previewDirection, snippet } from '../../../console/models/snippet';
import type { ConversationSummary } from '../../../src/protocol';
import { searchWordsOf } from '../../../src/protocol';
import { holdsWords, withMatches } from '../../../server/src/search-match';

const host = document.createElement('div');
document.body.append(host);
afterEach(() => render(null, host));

describe('the snippet of a search hit', () => {
  it('marks each word that begins with a word of the search, accents and case folded', () => {
    expect(snippet('Zoë ordered a sofa; SOFAS arrive Monday', 'zoe sofa')).toEqual([
      { text: 'Zoë', hit: true },
      { text: ' ordered a ', hit: false },
      { text: 'sofa', hit: true },
      { text: '; ', hit: false },
      { text: 'SOFAS', hit: true },
      { text: ' arrive Monday', hit: false },
    ]);
  });

  it('cuts a long start at a space so the first hit is in view', () => {
    const pieces = snippet(
      'Hello, I have a question about the order I placed last week: the wardrobe door',
      'wardrobe',
    );
    expect(pieces[0]).toEqual({ text: '…I placed last week: the ', hit: false });
    expect(pieces[1]).toEqual({ text: 'wardrobe', hit: true });
  });

  it('lays a preview out in its first matched word’s direction, so that word is not cut off', () => {
    expect(previewDirection('مرحبا، متى يصل التوصيل؟ delivery to Riyadh please', 'delivery')).toBe('ltr');
    expect(previewDirection('שלום, מתי המשלוח של ההזמנה שלי יגיע? delivery 4471', 'delivery')).toBe('ltr');
    expect(previewDirection('Order 4471: מתי משלוח יגיע?', 'משלוח')).toBe('rtl');
    expect(previewDirection('Nothing to see here', 'sofa')).toBe('auto');
  });

  it('leaves a text with no hit whole', () => {
    expect(snippet('Nothing to see here', 'sofa')).toEqual([{ text: 'Nothing to see here', hit: false }]);
  });

  it('renders markup in a message as text, the matched word in <mark>', () => {
    render(<MatchPreview text={'<b>sofa</b> <img src=x onerror=alert(1)> sofa'} query="sofa" />, host);
    expect(host.querySelector('b, img')).toBeNull();
    expect([...host.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['sofa', 'sofa']);
    expect(host.textContent).toBe('<b>sofa</b> <img src=x onerror=alert(1)> sofa');
  });
});

describe('which message the server names as matched', () => {
  it('needs every word of the search, each as the start of a word', () => {
    expect(searchWordsOf('DELIV, Sofa!')).toEqual(['deliv', 'sofa']);
    expect(holdsWords('A question about sofa delivery', ['deliv', 'sofa'])).toBe(true);
    expect(holdsWords('A question about sofa', ['deliv', 'sofa'])).toBe(false);
    expect(holdsWords('redelivery of the sofa', ['deliv', 'sofa'])).toBe(false);
    expect(holdsWords('Zoë', ['zoe'])).toBe(true);
  });
});

describe('what the server reads for a hit', () => {
  const row = (seq: number, text: string) => ({ seq, text, author: 'visitor', deletedAt: null, createdAt: seq });
  /** A store of `count` messages, the one at `at` about sofa delivery, counting its reads. */
  function store(count: number, at: number) {
    const reads: number[] = [];
    return {
      reads,
      messagesBefore: async (_id: string, before: number, limit: number) => {
        reads.push(before);
        const rows = [];
        for (let seq = Math.max(1, before - limit); seq < before && seq <= count; seq++)
          rows.push(row(seq, seq === at ? 'sofa delivery' : `message ${seq}`));
        return rows as never;
      },
    };
  }
  const hit = (id: string, lastSeq: number) => ({ id, lastSeq }) as ConversationSummary;

  it('reads one page, the newest 100, and only of hits a message matched', async () => {
    const s = store(300, 250);
    const [byText, byName] = await withMatches(s, [hit('a', 300), hit('b', 300)], 'sofa', ['a']);
    expect(byText!.match).toMatchObject({ text: 'sofa delivery' });
    expect(byName!.match).toBeUndefined();
    expect(s.reads).toEqual([301]);

    // Further back than the newest page: no snippet, and no second read.
    const old = store(300, 150);
    const [far] = await withMatches(old, [hit('a', 300)], 'sofa', ['a']);
    expect(far!.match).toBeUndefined();
    expect(old.reads).toEqual([301]);
  });
});
