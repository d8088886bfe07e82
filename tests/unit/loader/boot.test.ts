import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { boot } from '../../../src/loader/boot';
import { parseConfig } from '../../../src/loader/config';
import { styleHost } from '../../../src/loader/launcher';
import { adoptStyles } from '../../../src/loader/styles';
import type { Command, MountOptions, WidgetModule } from '../../../src/loader/contract';

function config() {
  return parseConfig({ site: 'demo' }, 'https://chat.example.com/loader.js', () => {})!;
}

/** A widget double that records the commands it gets, replayed and live. */
function fakeWidget() {
  const received: Command[] = [];
  let mounted: MountOptions | undefined;
  const module: WidgetModule = {
    mount(options) {
      mounted = options;
      for (const command of options.queue.splice(0)) received.push(command);
      return { command: (name, args) => void received.push([name, ...args]) };
    },
  };
  return { received, module, mounted: () => mounted };
}

beforeEach(() => {
  document.body.innerHTML = '';
});
afterEach(() => {
  vi.useRealTimers();
});

describe('boot', () => {
  it('draws the launcher in a shadow root before the widget arrives', () => {
    boot(config(), () => new Promise(() => {}));
    const host = document.querySelector('confab-widget')!;
    expect(host.shadowRoot!.querySelector('button.launcher')).not.toBeNull();
    expect(host.getAttribute('data-position')).toBe('right');
  });

  it('replays stub calls, then later calls, in order, once the widget mounts', async () => {
    const widget = fakeWidget();
    const listener = () => {};
    const confab = boot(config(), async () => widget.module, [
      ['on', 'ready', listener],
      ['update', { color: '#000' }],
    ]);
    confab('close');
    confab('open'); // needs the widget now: loads it
    await confab.ready;
    confab('toggle');
    expect(widget.received).toEqual([
      ['on', 'ready', listener],
      ['update', { color: '#000' }],
      ['close'],
      ['open'],
      ['toggle'],
    ]);
  });

  it('does not load the widget for calls that can wait', async () => {
    const importWidget = vi.fn(async () => fakeWidget().module);
    const confab = boot(config(), importWidget);
    confab('on', 'message', () => {});
    await Promise.resolve();
    expect(importWidget).not.toHaveBeenCalled();
    confab('toggle');
    expect(importWidget).toHaveBeenCalledTimes(1);
  });

  it('loads the widget when the visitor reaches for the launcher, and toggles on click', async () => {
    const widget = fakeWidget();
    const confab = boot(config(), async () => widget.module);
    const button = document.querySelector('confab-widget')!.shadowRoot!.querySelector('button')!;
    button.dispatchEvent(new Event('focus'));
    await confab.ready;
    button.click();
    expect(widget.received).toEqual([['toggle']]);
    expect(widget.mounted()!.launcher.button).toBe(button);
  });

  it('hands the widget its own config parser and style helpers, so the widget need not carry them', async () => {
    const widget = fakeWidget();
    const confab = boot(config(), async () => widget.module);
    confab('open');
    await confab.ready;
    expect(widget.mounted()!.loader).toEqual({ parseConfig, adoptStyles, styleHost });
  });

  it('retries a failed import on the next interaction', async () => {
    const widget = fakeWidget();
    const importWidget = vi
      .fn<() => Promise<WidgetModule>>()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValue(widget.module);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const confab = boot(config(), importWidget);
    confab('open');
    await vi.waitFor(() => expect(error).toHaveBeenCalledTimes(1));
    confab('open');
    await confab.ready;
    expect(importWidget).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });
});
