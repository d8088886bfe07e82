import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAttention, stopAttention } from '../../../src/widget/attention';

const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
};

beforeEach(() => {
  vi.useFakeTimers();
  document.title = 'Shop';
});
afterEach(() => {
  stopAttention();
  setVisibility('visible');
  vi.useRealTimers();
});

describe('title attention', () => {
  it('alternates the count with the operator and the page title, and restores the title on return', () => {
    const unread = signal(1);
    setVisibility('hidden');
    startAttention(unread, 'Anna');
    expect(document.title).toBe('(1) Anna');
    vi.advanceTimersByTime(1500);
    expect(document.title).toBe('(1) Shop');
    unread.value = 2;
    vi.advanceTimersByTime(1500);
    expect(document.title).toBe('(2) Anna');
    setVisibility('visible');
    expect(document.title).toBe('Shop');
    vi.advanceTimersByTime(5000);
    expect(document.title).toBe('Shop');
  });

  it('follows a title the page set meanwhile, and never overwrites it on return', () => {
    const unread = signal(1);
    setVisibility('hidden');
    startAttention(unread, 'Anna');
    document.title = 'Checkout';
    vi.advanceTimersByTime(1500);
    expect(document.title).toBe('(1) Checkout');
    vi.advanceTimersByTime(1500);
    expect(document.title).toBe('(1) Anna');
    vi.advanceTimersByTime(1500);
    expect(document.title).toBe('(1) Checkout');
    document.title = 'Paid';
    setVisibility('visible');
    expect(document.title).toBe('Paid');
  });

  it('does nothing for a visible tab, and starts only once', () => {
    startAttention(signal(3), 'Anna');
    expect(document.title).toBe('Shop');
    setVisibility('hidden');
    startAttention(signal(1), 'Anna');
    startAttention(signal(5), 'Max');
    expect(document.title).toBe('(1) Anna');
    stopAttention();
    expect(document.title).toBe('Shop');
  });
});

describe('title attention ends with the widget', () => {
  it('restores the title when the widget is removed while the tab is hidden', () => {
    const disposed = signal(false);
    setVisibility('hidden');
    startAttention(signal(1), 'Anna', disposed);
    expect(document.title).toBe('(1) Anna');
    disposed.value = true;
    expect(document.title).toBe('Shop');
    vi.advanceTimersByTime(5000);
    expect(document.title).toBe('Shop');
  });
});
