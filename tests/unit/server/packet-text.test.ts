import { describe, expect, it } from 'vitest';
import { withoutNul } from '../../../server/src/packet-text';

describe('U+0000 out of what a client sends', () => {
  it('leaves no NUL in any string of a payload, however nested, and the rest as it was', () => {
    const payload = {
      clientId: 'abc',
      text: 'one\u0000two\u0000',
      fields: { name: '\u0000Ann', consent: true, tags: ['a\u0000', 7] },
      score: 5,
      none: null,
    };
    expect(withoutNul(payload)).toEqual({
      clientId: 'abc',
      text: 'onetwo',
      fields: { name: 'Ann', consent: true, tags: ['a', 7] },
      score: 5,
      none: null,
    });
    expect(withoutNul('\u0000')).toBe('');
  });

  it("leaves a file's bytes alone, and stops at a depth no payload has", () => {
    const bytes = new Uint8Array([104, 0, 105]);
    expect((withoutNul({ chunk: bytes }) as { chunk: Uint8Array }).chunk).toBe(bytes);
    expect([...bytes]).toEqual([104, 0, 105]);
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => withoutNul(deep)).not.toThrow();
  });
});
