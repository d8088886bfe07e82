/**
 * The widget's look, live: the theme sources merged in order (site config → data-*
 * attributes → Confab('theme')), light or dark (following the system in "auto"), applied
 * as CSS variables without re-rendering. A text colour pair below WCAG AA is reported
 * once in the console, never silently changed.
 */
import { computed, effect, signal, type ReadonlySignal } from '@preact/signals';
import { contrastProblems } from '../../themes/contrast';
import { applyTheme, mergeThemes, resolveColors } from '../../themes/resolve';
import type { Theme } from '../../themes/tokens';
import { THEME_CSS } from '../../themes/theme-css';
import { readTheme } from '../../themes/validate';
import { addStyles } from '../views/styles';

addStyles(THEME_CSS);

type Warn = (message: string) => void;

export function createThemeModel(
  host: HTMLElement,
  site: ReadonlySignal<Theme | undefined>,
  attributes: Theme,
  launcher: { button: HTMLElement; open: ReadonlySignal<boolean> },
  warn: Warn,
) {
  const fromAttributes = signal(attributes);
  const runtime = signal<Theme>({});
  const query = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
  const prefersDark = signal(query?.matches ?? false);
  const onScheme = (event: MediaQueryListEvent) => (prefersDark.value = event.matches);
  query?.addEventListener('change', onScheme);

  const theme = computed(() => mergeThemes(site.value, fromAttributes.value, runtime.value));
  const reported = new Set<string>();

  const dispose = effect(() => {
    const current = theme.value;
    applyTheme(host, current, prefersDark.value);
    if (current.position) host.dataset.position = current.position;
    showIcon(launcher, current.icon);
    for (const { label, ratio } of contrastProblems(resolveColors(current, prefersDark.value))) {
      const key = `${label}:${ratio}`;
      if (reported.has(key)) continue;
      reported.add(key);
      warn(`Confab: the contrast of the theme's ${label} is ${ratio}:1, below the 4.5:1 WCAG AA asks for text.`);
    }
  });

  return {
    /** Confab('theme', {...}): merged over what was set at run time before. */
    set(input: Record<string, unknown>) {
      runtime.value = { ...runtime.peek(), ...readTheme(input, warn, "Confab('theme')") };
    },
    /** After Confab('update'): the attributes as they are now. */
    resetAttributes(input: Record<string, unknown>) {
      fromAttributes.value = themeFromAttributes(input, warn);
    },
    dispose() {
      dispose();
      query?.removeEventListener('change', onScheme);
    },
  };
}

/** The theme written on the script tag: data-color is the accent, the rest by token name. */
export function themeFromAttributes(input: Record<string, unknown>, warn: Warn): Theme {
  return readTheme({ ...input, accent: input.color, color: undefined }, warn, 'data-*');
}

export type ThemeModel = ReturnType<typeof createThemeModel>;

/** A custom launcher icon while closed; the close icon while open. */
function showIcon({ button, open }: { button: HTMLElement; open: ReadonlySignal<boolean> }, icon: string | undefined) {
  let image = button.querySelector('img');
  if (icon && !image) {
    image = document.createElement('img');
    image.alt = '';
    button.prepend(image);
  }
  if (image && icon) image.src = icon;
  const svg = button.querySelector('svg');
  // Re-run when the panel opens or closes: the close icon must show while open.
  const custom = Boolean(icon) && !open.value;
  if (image) image.hidden = !custom;
  if (svg) svg.style.display = custom ? 'none' : '';
}
