/**
 * The widget bundle's entry. The loader imports this module and calls `mount` with the
 * shadow root it made and the calls queued before we arrived. `mount` only wires: the
 * behaviour lives in the models (`widget.ts`), the look in the views.
 */
import { createRef, render } from 'preact';
import { computed, effect } from '@preact/signals';
import { resolveLocale, setLocale } from '../i18n';
import { parseConfig, reportConfig } from '../loader/config';
import type { Command, MountOptions, MountWidget, WidgetInstance } from '../loader/contract';
import { adoptStyles } from '../loader/styles';
import { styleHost } from '../loader/launcher';
import { BASE_CSS } from '../themes/base-css';
import { THEME_KEYS } from '../themes/tokens';
import type { ThemeModel } from './models/theme';
import { runCommand, type CommandTarget } from './commands';
import { createEmitter } from './events';
import { bindLauncher } from './launcher-state';
import { disposeModel } from './models/dispose';
import { WidgetModel } from './widget';
import { App } from './views/app';
import { ErrorBoundary } from './views/error-boundary';
import { setStyleTarget } from './views/styles';

const UPDATABLE = [
  'lang',
  'name',
  'email',
  'position',
  'color',
  'titleAlert',
  'notifications',
  'faviconBadge',
] as const;
/** Commands replayed before `ready`: listeners queued before load must hear it. */
const LISTENING = ['on', 'off'];

/** The instance's models ride along for tests, which drive and inspect them. */
export const mount = (({
  config,
  host,
  root,
  launcher,
  queue,
  deps,
}: MountOptions): WidgetInstance & { widget: WidgetModel } => {
  reportConfig(config, console.warn);
  adoptStyles(root, BASE_CSS, config.nonce);
  setStyleTarget((css) => adoptStyles(root, css, config.nonce));
  void setLocale(config.lang ?? resolveLocale([document.documentElement.lang, ...navigator.languages]));

  const emitter = createEmitter();
  const inputRef = createRef<HTMLTextAreaElement>();
  let focusFrame = 0;
  const widget = new WidgetModel({
    config,
    emitter,
    createTransport: deps?.createTransport,
    shown(open) {
      host.toggleAttribute('data-open', open);
      cancelAnimationFrame(focusFrame);
      if (open) focusFrame = requestAnimationFrame(() => inputRef.current?.focus());
      // Focus returns to the launcher, so keyboard users are not dropped at the page top.
      else if (root.activeElement && root.activeElement !== launcher.button) launcher.button.focus();
    },
  });

  // Theme code loads only for sites that customise more than colour and position.
  const attributes = () => config.input as Record<string, unknown>;
  let themeModel: Promise<ThemeModel> | undefined;
  const theme = (): Promise<ThemeModel> =>
    (themeModel ??= import('./models/theme').then((m) =>
      m.createThemeModel(
        host,
        computed(() => widget.conversation.site.value?.theme),
        m.themeFromAttributes(attributes(), console.warn),
        { button: launcher.button, open: widget.panel.isOpen },
        console.warn,
      ),
    ));
  if (THEME_KEYS.some((key) => attributes()[key] !== undefined)) void theme();
  const stopThemeWatch = effect(() => {
    if (widget.conversation.site.value?.theme) void theme();
  });

  const container = document.createElement('div');
  root.append(container);
  const stopLauncher = bindLauncher(launcher, widget.panel.isOpen, widget.conversation.unread);

  const target: CommandTarget = {
    open: widget.panel.open,
    close: widget.panel.close,
    toggle: widget.panel.toggle,
    update(options) {
      // A run-time update goes through the same checks as the script tag's attributes.
      const input = { ...config.input };
      for (const key of UPDATABLE) if (typeof options[key] === 'string') input[key] = options[key];
      const next = parseConfig(input, config.base, console.warn);
      if (!next) return;
      reportConfig(next, console.warn, (attr, value) =>
        attr in options ? `Confab('update', { ${attr}: "${value}" })` : null,
      );
      Object.assign(config, next, { server: config.server, base: config.base, nonce: config.nonce });
      styleHost(host, config);
      if (next.lang) void setLocale(next.lang);
    },
    send(text) {
      if (!widget.chat.send(text))
        console.warn("Confab('send', …): the operator ended this dialogue; nothing was sent.");
    },
    identify: widget.identify,
    consent: (given) => given && widget.giveConsent(),
    theme: (input) => void theme().then((t) => t.set(input)),
    locale: (code) => {
      config.lang = code;
      void setLocale(code);
    },
    destroy() {
      render(null, container);
      container.remove();
      cancelAnimationFrame(focusFrame);
      stopLauncher();
      stopThemeWatch();
      void themeModel?.then((t) => t.dispose());
      disposeModel(widget);
    },
    reset: widget.reset,
    emitter,
  };

  render(
    <ErrorBoundary>
      <App widget={widget} inputRef={inputRef} />
    </ErrorBoundary>,
    container,
  );

  // Listeners queued before load hear `ready`; every other queued call comes after it.
  const queued: Command[] = queue.splice(0);
  const replay = (calls: Command[]) => calls.forEach(([name, ...args]) => runCommand(target, name, args));
  replay(queued.filter(([name]) => LISTENING.includes(name)));
  emitter.emit('ready', undefined);
  replay(queued.filter(([name]) => !LISTENING.includes(name)));
  return { command: (name, args) => runCommand(target, name, args), widget };
}) satisfies MountWidget;
