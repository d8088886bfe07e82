/**
 * A widget for a unit test, mounted by the real `mount` (the loader's entry point into
 * the widget) into a real host and shadow root of happy-dom's document, with a fake
 * transport standing in for the server. Tests drive it through commands, the views and
 * the models' actions, and read the models' signals.
 */
import { act } from 'preact/test-utils';
import {
  DEFAULT_LEAD_FORM,
  type LeadFormConfig,
  type SiteInfo,
  type UploadSettings,
  type VisitorSession,
} from '../../src/protocol';
import { parseConfig, type ConfigInput } from '../../src/loader/config';
import type { Command } from '../../src/loader/contract';
import { createHost, styleHost } from '../../src/loader/launcher';
import { adoptStyles } from '../../src/loader/styles';
import { mount } from '../../src/widget/index';
import type { NextSlice } from '../../src/widget/slices';
import type { WidgetModel } from '../../src/widget/widget';
import { createFakeTransport, type FakeTransport } from './fake-transport';
import { sessionOf } from './fixtures';

export interface MountedWidget {
  /** The instance's models. */
  widget: WidgetModel;
  /** Resolves once every slice of mounting has run. */
  mounted: Promise<void>;
  transport: FakeTransport;
  host: HTMLElement;
  root: ShadowRoot;
  launcher: HTMLButtonElement;
  /** `Confab(name, ...args)` after load. */
  command(name: string, ...args: unknown[]): void;
  $: (selector: string) => HTMLElement | null;
  $$: (selector: string) => HTMLElement[];
  /** Plays the server's `session` and marks the connection online. */
  connect(
    options?: Partial<Omit<VisitorSession, 'site'>> & {
      leadForm?: LeadFormConfig;
      sound?: boolean;
      uploads?: UploadSettings;
      /** More of the site's settings (notifications, faviconBadge, titleAlert…). */
      site?: Partial<SiteInfo>;
    },
  ): void;
  unmount(): void;
}

export interface MountWidgetOptions {
  /** Calls made before the widget loaded. */
  queue?: Command[];
  /** Leave the panel closed (default: opened, as most view tests want it). */
  closed?: boolean;
  /** When mounting's later slices run (default: all within `mount`). */
  nextSlice?: NextSlice;
}

export function mountWidget(attributes: ConfigInput = {}, options: MountWidgetOptions = {}): MountedWidget {
  const config = parseConfig({ site: 'demo', ...attributes }, 'http://127.0.0.1:8080/loader.js', () => {})!;
  const { host, root, launcher } = createHost(config);
  document.body.append(host);
  let transport!: FakeTransport;
  let instance!: ReturnType<typeof mount>;
  act(() => {
    instance = mount({
      config,
      host,
      root,
      launcher,
      queue: options.queue ?? [],
      loader: { parseConfig, adoptStyles, styleHost },
      deps: {
        createTransport: (transportOptions) => (transport = createFakeTransport(transportOptions)),
        nextSlice: options.nextSlice ?? null,
      },
    });
  });
  const command = (name: string, ...args: unknown[]) => act(() => instance.command(name, args));
  if (!options.closed) command('open');
  return {
    // Getters: with held slices (options.nextSlice) the models come in the first slice.
    get widget() {
      return instance.widget;
    },
    mounted: instance.mounted,
    get transport() {
      return transport;
    },
    host,
    root,
    launcher: launcher.button,
    command,
    $: (selector) => root.querySelector<HTMLElement>(selector),
    $$: (selector) => [...root.querySelectorAll<HTMLElement>(selector)],
    connect({ messages = [], leadForm = DEFAULT_LEAD_FORM, sound, uploads, site, ...session } = {}) {
      act(() => {
        transport.setConnected(true);
        const base = sessionOf({ messages, ...session });
        transport.emit('session', {
          ...base,
          site: { ...base.site, leadForm, ...(sound ? { sound } : {}), ...(uploads ? { uploads } : {}), ...site },
        });
      });
    },
    unmount() {
      act(() => instance.command('destroy', []));
      host.remove();
    },
  };
}

/** Types into a field as a person would: sets the value and fires `input`. */
export async function typeInto(element: HTMLElement | null, text: string): Promise<void> {
  if (!element) throw new Error('no such field');
  await act(() => {
    (element as HTMLInputElement).value = text;
    element.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export async function press(element: HTMLElement | null, key: string, init: KeyboardEventInit = {}): Promise<void> {
  if (!element) throw new Error('no such element');
  await act(
    () => void element.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init })),
  );
}
