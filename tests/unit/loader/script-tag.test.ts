import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConfabFunction } from '../../../src/loader/boot';

/** Runs the loader as the browser would for `<script data-*>`. */
async function runLoader(attributes: Record<string, string>) {
  const script = document.createElement('script');
  script.src = 'https://chat.example.com/loader.js';
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(`data-${name}`, value);
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script });
  vi.resetModules();
  await import('../../../src/loader/index');
}

afterEach(() => {
  delete window.Confab;
  document.body.innerHTML = '';
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => null });
});

describe('the script tag loader', () => {
  it('installs Confab and replays what the inline stub queued', async () => {
    const stub = Object.assign((...args: unknown[]) => void stub.q.push(args), { q: [] as unknown[][] });
    stub('on', 'ready', () => {});
    window.Confab = stub as never;
    await runLoader({ site: 'demo', position: 'left' });
    expect(window.Confab).not.toBe(stub);
    expect(typeof (window.Confab as unknown as ConfabFunction).ready.then).toBe('function');
    expect(document.querySelector('confab-widget')!.getAttribute('data-position')).toBe('left');
  });

  it('included twice, leaves one widget and forwards the second tag as an update', async () => {
    await runLoader({ site: 'demo' });
    const first = window.Confab!;
    const calls: unknown[][] = [];
    const spy = Object.assign((...args: unknown[]) => void calls.push(args), { ready: first.ready });
    window.Confab = spy as never;

    await runLoader({ site: 'demo', color: '#ff0000', lang: 'ru' });

    expect(document.querySelectorAll('confab-widget')).toHaveLength(1);
    expect(window.Confab).toBe(spy);
    expect(calls).toEqual([['update', expect.objectContaining({ site: 'demo', color: '#ff0000', lang: 'ru' })]]);
  });

  it('without data-site, shows nothing and says why once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await runLoader({ lang: 'en' });
    expect(document.querySelector('confab-widget')).toBeNull();
    expect(window.Confab).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
