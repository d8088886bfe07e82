import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountWidget, type MountedWidget } from '../../support/widget';

let w: MountedWidget;
const stored = () => Object.keys(localStorage).filter((key) => key.startsWith('confab:'));

beforeEach(() => localStorage.clear());
afterEach(() => w?.unmount());

describe('consent mode (data-consent="required")', () => {
  it('stores nothing and sends nothing until the visitor agrees, then connects once', () => {
    w = mountWidget({ consent: 'required' }, { closed: true });
    expect(w.transport.connects).toBe(0);
    expect(stored()).toEqual([]);

    act(() => w.widget.giveConsent());
    expect(w.transport.connects).toBe(1);
    expect(stored()).toEqual(
      expect.arrayContaining(['confab:demo:visitor', 'confab:demo:consent', 'confab:demo:firstTouch']),
    );
    // The context goes with the connection: page, touches and environment, once.
    expect(w.transport.auth()).toMatchObject({
      page: { url: expect.any(String) },
      env: { timeZone: expect.any(String) },
    });
    act(() => w.widget.giveConsent());
    expect(w.transport.connects).toBe(1);
  });

  it('remembers consent given on an earlier visit', () => {
    localStorage.setItem('confab:demo:consent', 'true');
    w = mountWidget({ consent: 'required' }, { closed: true });
    expect(w.transport.connects).toBe(1);
  });

  it('without consent mode connects and stores at once', () => {
    w = mountWidget();
    expect(w.transport.connects).toBe(1);
    expect(stored()).toContain('confab:demo:visitor');
  });
});
