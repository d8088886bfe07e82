import { describe, expect, it, vi } from 'vitest';
import { createTypingSignal } from '../../../src/widget/typing';

describe('typing signal', () => {
  it('sends few signals for many keystrokes, and "stopped" after a pause', () => {
    vi.useFakeTimers();
    const sent: boolean[] = [];
    const typing = createTypingSignal((value) => sent.push(value), 3000, 2500);
    for (let i = 0; i < 20; i++) {
      typing.input();
      vi.advanceTimersByTime(100);
    }
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(600);
    typing.input(); // 2.6 s after the first: a keep-alive
    expect(sent).toEqual([true, true]);
    vi.advanceTimersByTime(3000);
    expect(sent).toEqual([true, true, false]);
    typing.stop();
    expect(sent).toEqual([true, true, false]);
    vi.useRealTimers();
  });
});
