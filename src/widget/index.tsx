/**
 * The widget bundle's entry. The loader imports this module and calls `mount` with the
 * shadow root it made and the calls queued before we arrived.
 */
import { createRef, render } from 'preact';
import { computed, effect } from '@preact/signals';
import { resolveLocale, setLocale } from '../i18n';
import { parseConfig, reportConfig } from '../loader/config';
import type { MountWidget } from '../loader/contract';
import { adoptStyles } from '../loader/styles';
import { styleHost } from '../loader/launcher';
import { BASE_CSS } from '../themes/base-css';
import { THEME_KEYS } from '../themes/tokens';
import type { ThemeModel } from './models/theme';
import { runCommand, type CommandTarget } from './commands';
import { createEmitter } from './events';
import { bindLauncher } from './launcher-state';
import { createWidgetState } from './state';
import { App } from './views/app';
import { setStyleTarget } from './views/styles';

const UPDATABLE = ['lang', 'name', 'email', 'position', 'color'] as const;
/** How long the thank-you stays before the widget closes. */
const THANKS_MS = 4000;

export const mount: MountWidget = ({ config, host, root, launcher, queue, deps }) => {
  reportConfig(config, console.warn);
  adoptStyles(root, BASE_CSS, config.nonce);
  setStyleTarget((css) => adoptStyles(root, css, config.nonce));
  void setLocale(config.lang ?? resolveLocale([document.documentElement.lang, ...navigator.languages]));

  const emitter = createEmitter();
  const state = createWidgetState(config, emitter, { createTransport: deps?.createTransport });
  // Theme code loads only for sites that customise more than colour and position.
  const attributes = () => config.input as Record<string, unknown>;
  let themeModel: Promise<ThemeModel> | undefined;
  const theme = (): Promise<ThemeModel> =>
    (themeModel ??= import('./models/theme').then((m) =>
      m.createThemeModel(
        host,
        computed(() => state.conversation.site.value?.theme),
        m.themeFromAttributes(attributes(), console.warn),
        { button: launcher.button, open: state.open },
        console.warn,
      ),
    ));
  if (THEME_KEYS.some((key) => attributes()[key] !== undefined)) void theme();
  effect(() => {
    if (state.conversation.site.value?.theme) void theme();
  });
  const inputRef = createRef<HTMLTextAreaElement>();

  const setOpen = (open: boolean) => {
    if (state.open.peek() === open) return;
    // Opening the widget is the visitor's consent where the site asks for it.
    if (open) state.giveConsent();
    state.open.value = open;
    if (!open && state.thanks.peek()) state.finishLead();
    // Stars chosen and the widget closed: that is the visitor's rating.
    const rating = state.conversation.rating.peek();
    if (!open && rating?.state === 'draft' && rating.score) void state.rate(rating.score, rating.comment, true);
    if (!open) state.rated.value = false;
    host.toggleAttribute('data-open', open);
    emitter.emit(open ? 'open' : 'close', undefined);
    if (open) requestAnimationFrame(() => inputRef.current?.focus());
    // Focus returns to the launcher, so keyboard users are not dropped at the page top.
    else if (root.activeElement && root.activeElement !== launcher.button) launcher.button.focus();
  };

  const target: CommandTarget = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!state.open.peek()),
    update(options) {
      // A run-time update goes through the same checks as the script tag's attributes.
      const input = { ...config.input };
      for (const key of UPDATABLE) if (typeof options[key] === 'string') input[key] = options[key];
      const next = parseConfig(input, config.base, console.warn);
      if (!next) return;
      reportConfig(next, console.warn);
      const lang = next.lang;
      Object.assign(config, next, { server: config.server, base: config.base, nonce: config.nonce });
      styleHost(host, config);
          if (lang) void setLocale(lang);
    },
    send: (text) => state.send(text),
    identify: (token) => state.identify(token),
    consent: (given) => given && state.giveConsent(),
    theme: (input) => void theme().then((t) => t.set(input)),
    locale: (code) => void setLocale((config.lang = code)),
    destroy() {
      render(null, container);
      container.remove();
      void themeModel?.then((t) => t.dispose());
      state.dispose();
    },
    reset: () => state.reset(),
    emitter,
  };

  const container = document.createElement('div');
  root.append(container);
  render(<App state={state} onOpen={target.open} onClose={target.close} inputRef={inputRef} />, container);

  bindLauncher(launcher, state.open, state.conversation.unread);

  // Seed 000: after "Leave a request" the visitor is thanked and the widget closes itself.
  let thanksTimer: ReturnType<typeof setTimeout> | undefined;
  effect(() => {
    clearTimeout(thanksTimer);
    if (state.thanks.value) thanksTimer = setTimeout(() => setOpen(false), THANKS_MS);
  });

  for (const [name, ...args] of queue.splice(0)) runCommand(target, name, args);
  emitter.emit('ready', undefined);
  return { command: (name, args) => runCommand(target, name, args) };
};
