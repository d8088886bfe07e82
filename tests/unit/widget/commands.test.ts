import { describe, expect, it, vi } from 'vitest';
import { runCommand, type CommandTarget } from '../../../src/widget/commands';
import { createEmitter } from '../../../src/widget/events';

function target() {
  const calls: string[] = [];
  const t: CommandTarget = {
    open: () => calls.push('open'),
    close: () => calls.push('close'),
    toggle: () => calls.push('toggle'),
    update: (o) => calls.push(`update ${JSON.stringify(o)}`),
    send: (text) => calls.push(`send ${text}`),
    identify: (token) => calls.push(`identify ${token}`),
    reset: () => calls.push('reset'),
    consent: (given) => calls.push(`consent ${given}`),
    theme: (input) => calls.push(`theme ${JSON.stringify(input)}`),
    locale: (code) => calls.push(`locale ${code}`),
    destroy: () => calls.push('destroy'),
    emitter: createEmitter(),
  };
  return { t, calls };
}

describe('commands', () => {
  it('routes each command to its action', () => {
    const { t, calls } = target();
    for (const [name, ...args] of [
      ['open'],
      ['close'],
      ['toggle'],
      ['update', { position: 'left' }],
      ['send', ' hi '],
    ]) {
      runCommand(t, name, args);
    }
    expect(calls).toEqual(['open', 'close', 'toggle', 'update {"position":"left"}', 'send hi']);
  });

  it('delivers events to callbacks and as window CustomEvents, and off() stops them', () => {
    const { t } = target();
    const listener = vi.fn();
    const onWindow = vi.fn();
    addEventListener('confab:message', onWindow);
    runCommand(t, 'on', ['message', listener]);
    t.emitter.emit('message', { author: 'operator', text: 'hi', conversationId: 'c' });
    runCommand(t, 'off', ['message', listener]);
    t.emitter.emit('message', { author: 'operator', text: 'again', conversationId: 'c' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(onWindow).toHaveBeenCalledTimes(2);
    expect((onWindow.mock.calls[0]![0] as CustomEvent).detail).toMatchObject({ text: 'hi' });
    removeEventListener('confab:message', onWindow);
  });

  it('keeps a throwing host listener from breaking the widget', () => {
    const { t } = target();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const after = vi.fn();
    runCommand(t, 'on', [
      'open',
      () => {
        throw new Error('host bug');
      },
    ]);
    runCommand(t, 'on', ['open', after]);
    expect(() => t.emitter.emit('open', undefined)).not.toThrow();
    expect(after).toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });

  it('explains wrong calls and does nothing', () => {
    const { t, calls } = target();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    runCommand(t, 'opne', []);
    runCommand(t, 'on', ['nonsense', () => {}]);
    runCommand(t, 'on', ['message', 'not a function']);
    runCommand(t, 'update', ['left']);
    runCommand(t, 'send', ['   ']);
    expect(calls).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(5);
    expect(warn.mock.calls[0]![0]).toBe(
      "Confab('opne', …): no such command; use open, close, toggle, on, off, update, send, identify, reset, consent, theme or locale.",
    );
    warn.mockRestore();
  });
});
