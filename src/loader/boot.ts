/**
 * Installs the `Confab(...)` command function, draws the launcher and loads the widget
 * when the page is idle or the visitor reaches for the launcher. Shared by the script
 * tag loader and the npm entry.
 */
import type { ConfabFunction } from './api';
import { parseConfig, type WidgetConfig } from './config';
import type { Command, WidgetInstance, WidgetModule } from './contract';
import { createHost, styleHost } from './launcher';
import { adoptStyles } from './styles';

export type { ConfabFunction } from './api';

/** Commands that need the widget now rather than at idle time. */
const EAGER = ['open', 'toggle'];

/**
 * @param stubCalls  calls the page made through the inline stub before the loader ran
 */
export function boot(
  config: WidgetConfig,
  importWidget: () => Promise<WidgetModule>,
  stubCalls: Iterable<unknown>[] = [],
): ConfabFunction {
  const queue: Command[] = [];
  const { host, root, launcher } = createHost(config);
  let widget: WidgetInstance | undefined;
  let loading: Promise<void> | undefined;
  let resolveReady!: () => void;

  const load = (): Promise<void> =>
    (loading ||= importWidget().then(
      (mod) => {
        widget = mod.mount({ config, host, root, launcher, queue, loader: { parseConfig, adoptStyles, styleHost } });
        resolveReady();
      },
      (error: unknown) => {
        // Let the next interaction try again: a flaky network is not a verdict.
        loading = undefined;
        console.error('Confab: the widget failed to load; a click retries', error);
      },
    ));

  // Untyped inside: the stub's calls and script-tag pages reach it unchecked, so the widget checks every call.
  const run = (name: string, ...args: unknown[]) => {
    if (widget) return widget.command(name, args);
    queue.push([name, ...args]);
    if (EAGER.includes(name)) void load();
  };
  const confab = run as ConfabFunction;
  confab.ready = new Promise((resolve) => (resolveReady = resolve));

  launcher.button.addEventListener('click', () => run('toggle'));
  // Fetch on intent: pointerenter also fires for touch, focus for the keyboard.
  // `load` ignores its arguments and never rejects, so it is the listener itself.
  for (const type of ['pointerenter', 'focus']) {
    launcher.button.addEventListener(type, load, { once: true });
  }

  const attach = () => document.body.append(host);
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach);

  const whenIdle = () =>
    'requestIdleCallback' in window ? requestIdleCallback(load, { timeout: 4000 }) : setTimeout(load, 1500);
  if (document.readyState === 'complete') whenIdle();
  else addEventListener('load', whenIdle);
  for (const args of stubCalls) run(...(args as Command));

  return confab;
}
