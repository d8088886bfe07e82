/**
 * A fresh widget for a view test: real state and views, a fake transport standing in
 * for the server, rendered into a container of happy-dom's document.
 */
import { createRef, render } from 'preact';
import { act } from 'preact/test-utils';
import { DEFAULT_LEAD_FORM, type LeadFormConfig, type VisitorSession } from '../../src/protocol';
import { parseConfig, reportConfig, type ConfigInput } from '../../src/loader/config';
import { createEmitter, type Emitter } from '../../src/widget/events';
import { createWidgetState, type WidgetState } from '../../src/widget/state';
import { App } from '../../src/widget/views/app';
import { createFakeTransport, type FakeTransport } from './fake-transport';
import { sessionOf } from './fixtures';

export interface MountedWidget {
  state: WidgetState;
  transport: FakeTransport;
  emitter: Emitter;
  container: HTMLElement;
  $: (selector: string) => HTMLElement | null;
  $$: (selector: string) => HTMLElement[];
  /** Plays the server's `session` and marks the connection online. */
  connect(options?: Partial<Omit<VisitorSession, 'site'>> & { leadForm?: LeadFormConfig; sound?: boolean }): void;
  unmount(): void;
}

export function mountWidget(attributes: ConfigInput = {}): MountedWidget {
  const config = parseConfig({ site: 'demo', ...attributes }, 'http://127.0.0.1:8080/loader.js', () => {})!;
  reportConfig(config, () => {});
  const emitter = createEmitter();
  let transport!: FakeTransport;
  const state = createWidgetState(config, emitter, {
    createTransport: (options) => (transport = createFakeTransport(options)),
  });
  state.open.value = true;
  const container = document.createElement('div');
  document.body.append(container);
  act(() =>
    render(
      <App state={state} onOpen={() => (state.open.value = true)} onClose={() => (state.open.value = false)} inputRef={createRef()} />,
      container,
    ),
  );
  return {
    state,
    transport,
    emitter,
    container,
    $: (selector) => container.querySelector<HTMLElement>(selector),
    $$: (selector) => [...container.querySelectorAll<HTMLElement>(selector)],
    connect({ messages = [], leadForm = DEFAULT_LEAD_FORM, sound, ...session } = {}) {
      act(() => {
        transport.setConnected(true);
        const base = sessionOf({ messages, ...session });
        transport.emit('session', { ...base, site: { ...base.site, leadForm, ...(sound ? { sound } : {}) } });
      });
    },
    unmount() {
      render(null, container);
      state.dispose();
      container.remove();
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
  await act(() => void element.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init })));
}
