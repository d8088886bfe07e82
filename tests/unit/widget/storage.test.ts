import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStorage } from '../../../src/widget/storage';

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
});

describe('storage', () => {
  it('persists JSON values under a per-site prefix', () => {
    const a = createStorage('site-a');
    a.set('visitor', { id: 'x' });
    expect(localStorage.getItem('confab:site-a:visitor')).toBe('{"id":"x"}');
    expect(createStorage('site-a').get('visitor')).toEqual({ id: 'x' });
    expect(createStorage('site-b').get('visitor')).toBeUndefined();
    expect(a.persistent).toBe(true);
  });

  it('falls back to memory when localStorage throws on access', () => {
    vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const storage = createStorage('demo');
    storage.set('draft', 'still here');
    expect(storage.get('draft')).toBe('still here');
    expect(storage.persistent).toBe(false);
  });

  it('keeps working from memory when a write hits the quota', () => {
    const storage = createStorage('demo');
    const setItem = vi.spyOn(localStorage, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    storage.set('outbox', [1, 2, 3]);
    setItem.mockRestore();
    expect(storage.get('outbox')).toEqual([1, 2, 3]);
    expect(storage.persistent).toBe(false);
  });

  it('ignores a corrupted value instead of throwing', () => {
    localStorage.setItem('confab:demo:outbox', '{not json');
    expect(createStorage('demo').get('outbox')).toBeUndefined();
  });
});
