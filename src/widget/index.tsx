/**
 * The widget bundle's entry. The loader imports this module and calls `mount` with the
 * shadow root it made and the calls queued before we arrived. `mount` only wires: the
 * behaviour lives in the models (`widget.ts`), the look in the views.
 *
 * Mounting is split into slices (slices.ts), as many a task as fit in ~10 ms, so that no
 * task is a long one on a slow phone: mounting's set-up, in the task after the module's
 * evaluation; the models in seven steps (who the visitor is; where they came from; the
 * transport, not connected; the conversation; the form and the ending; the panel and the
 * chat; the view, the server's events and the queued calls); then the connection
 * opens; then the stylesheet and the launcher's label and badge; then Preact's first
 * render, of nothing; then the closed panel's frame, its header, and its composer with
 * the end-chat bar. A call that needs the widget
 * (a click on the launcher, `Confab('open')`, any command after load) runs what is left at once.
 */
import { createRef, render } from 'preact';
import { computed, effect, signal } from '@preact/signals';
import { resolveLocale, setLocale } from '../i18n';
import { parseConfig, reportConfig } from '../loader/config';
import type { Command, MountOptions, MountWidget, WidgetInstance } from '../loader/contract';
import { adoptStyles } from '../loader/styles';
import { styleHost } from '../loader/launcher';
import { BASE_CSS } from '../themes/base-css';
import { THEME_KEYS } from '../themes/tokens';
import type { ThemeModel } from './models/theme';
import { runCommand, type CommandTarget } from './commands';
import { runInSlices, yieldToPage, type Slices } from './slices';
import { createEmitter } from './events';
import { bindLauncher } from './launcher-state';
import { createWidget, type WidgetModel } from './widget';
import { App, CLOSED_PARTS } from './views/app';
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
const OPENING = ['open', 'toggle'];
/** Commands that need the look and the view in place: what is left of mounting runs first. */
const NEEDS_VIEW = [...OPENING, 'theme'];

/** The instance's models ride along for tests, which drive and inspect them. */
type Mounted = WidgetInstance & { readonly widget: WidgetModel; mounted: Promise<void> };

/** Whether a call queued before load needs the view at once (the cold click). */
const waitsForView = (queue: Command[]) => queue.some(([name]) => NEEDS_VIEW.includes(name));

/**
 * The module's evaluation and the loader's call of `mount` are one task: mounting starts
 * in the next (together they were a long task on a phone), unless a call needs the widget
 * before then: a click queued before load, or any command meanwhile.
 */
export const mount = ((options: MountOptions): Mounted => {
  const next = options.deps?.nextSlice === undefined ? yieldToPage : options.deps.nextSlice;
  let made: Mounted | undefined;
  const make = () => (made ??= mountNow(options));
  return {
    command(name, args) {
      // Destroyed before mounting began: nothing is made only to be torn down, nor after.
      if (!made && name === 'destroy') made = { command() {} } as unknown as Mounted;
      else make().command(name, args);
    },
    get widget() {
      return make().widget;
    },
    mounted: next && !waitsForView(options.queue) ? next().then(() => make().mounted) : make().mounted,
  };
}) satisfies MountWidget;

function mountNow({ config, host, root, launcher, queue, deps }: MountOptions): Mounted {
  reportConfig(config, console.warn);
  // The locale's chunk, when it is not English, is on its way while the rest is made.
  void setLocale(config.lang ?? resolveLocale([document.documentElement.lang, ...navigator.languages]));
  const queued: Command[] = queue.splice(0);
  const emitter = createEmitter();
  const inputRef = createRef<HTMLTextAreaElement>();
  const container = document.createElement('div');
  let focusFrame = 0;
  let widget!: WidgetModel;
  let target!: CommandTarget;
  let stopThemeWatch = () => {};
  let stopLauncher = () => {};
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

  /**
   * How much of the closed panel is rendered (views/app.tsx): Preact's first render of all
   * of it was a long task on a phone, so its frame, header and composer come a slice each.
   */
  const closedParts = signal(0);
  /** The first slices make the models' first steps (widget.ts); making the steps costs nothing. */
  const { steps, makeWidget, dispose } = createWidget({
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
  /** The last of them: the widget's model, the commands' target, the calls queued before load. */
  const models = () => {
    widget = makeWidget();
    target = {
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
      destroy,
      reset: widget.reset,
      emitter,
    };
    // Listeners queued before load hear `ready`; every other queued call comes after it.
    // A queued open or toggle only sets the model here: the slices that follow at once
    // (see `waiting`) render the panel open, in one render instead of closed, then open.
    const replay = (calls: Command[]) =>
      calls.forEach(([name, ...args]) =>
        OPENING.includes(name) ? runCommand(target, name, args) : command(name, args),
      );
    replay(queued.filter(([name]) => LISTENING.includes(name)));
    emitter.emit('ready', undefined);
    replay(queued.filter(([name]) => !LISTENING.includes(name)));
  };
  /** The look: the stylesheet, a theme where the site has one, the launcher's label and badge. */
  const looks = () => {
    adoptStyles(root, BASE_CSS, config.nonce);
    setStyleTarget((css) => adoptStyles(root, css, config.nonce));
    if (THEME_KEYS.some((key) => attributes()[key] !== undefined)) void theme();
    stopThemeWatch = effect(() => {
      if (widget.conversation.site.value?.theme) void theme();
    });
    stopLauncher = bindLauncher(launcher, widget.panel.isOpen, widget.conversation.unread);
  };
  /**
   * Preact's first render, of nothing: the first run of its code cost about as much as
   * the closed panel's frame itself, which is the longest slice when the two go together.
   */
  const warmUp = () => {
    root.append(container);
    render(<ErrorBoundary />, container);
  };
  /** The closed panel's frame (nothing of the conversation while closed). */
  const firstRender = () => {
    render(
      <ErrorBoundary>
        <App widget={widget} inputRef={inputRef} closedParts={closedParts} />
      </ErrorBoundary>,
      container,
    );
  };
  const renderPart = () => closedParts.value++;
  /**
   * Undoes what mounting has done so far and runs no slice after: destroyed while
   * mounting, the widget makes nothing more only to tear it down (nor connects).
   */
  function destroy() {
    slices.stop();
    render(null, container);
    container.remove();
    cancelAnimationFrame(focusFrame);
    stopLauncher();
    stopThemeWatch();
    void themeModel?.then((t) => t.dispose());
    dispose();
  }
  const view = [warmUp, firstRender, ...Array<() => void>(CLOSED_PARTS).fill(renderPart)];

  // A click on the launcher before load (the cold click): the visitor is waiting for the
  // composer, so the view comes at once and the connection in the slice after it.
  const waiting = waitsForView(queued);

  // The transport is made with the models but connects in a slice of its own, first
  // after them: socket.io's set-up and the models' together made one long task.
  const opening = () => widget.connect();
  const making = [...steps, models];
  const order = waiting ? [...making, looks, ...view, opening] : [...making, opening, looks, ...view];
  /** How many slices make the models, and how many the whole view. */
  const modelsReady = making.length;
  const viewReady = order.indexOf(warmUp) + view.length;
  const slices: Slices = runInSlices(order, deps?.nextSlice);
  function command(name: string, args: unknown[]) {
    if (name === 'destroy') return destroy();
    // The models for any call; the view too for one the visitor waits on.
    slices.run(NEEDS_VIEW.includes(name) ? viewReady : modelsReady);
    runCommand(target, name, args);
  }
  slices.run(deps?.nextSlice === null ? order.length : waiting ? viewReady : 0);
  return {
    command,
    get widget() {
      slices.run(modelsReady);
      return widget;
    },
    mounted: slices.done,
  };
}
