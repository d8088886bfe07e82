import { describe, expect, it } from 'vitest';
import { newServerId } from '../../../server/src/ids';

describe('server ids', () => {
  it('are 22 URL-safe characters, all different, across many refills of the pool', () => {
    const ids = Array.from({ length: 5000 }, newServerId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Every character of the alphabet turns up: the bits are spread over the whole id.
    expect(new Set(ids.join('')).size).toBe(64);
  });
});
