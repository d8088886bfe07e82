/**
 * Merging theme sources and turning a theme into CSS variables. Only the theme chunk
 * imports this: a site with the default look never downloads it.
 */
import { contrastRatio } from './contrast';
import { COLOR_TOKENS, LIGHT, cssVariable, type ColorTokens, type Theme } from './tokens';

/**
 * Error and success colours for a dark panel; base-css.ts falls back to the light ones
 * (#b42318, #0b6b3a). Both pairs keep 4.5:1 on their own kind of panel.
 */
export const DARK_STATUS = { danger: '#ff9d94', success: '#7ddc9f' };

/** A panel on which the light error colour reads worse than the dark-panel one. */
export function isDarkPanel(panelBackground: string): boolean {
  return (contrastRatio(DARK_STATUS.danger, panelBackground) ?? 0) > (contrastRatio('#b42318', panelBackground) ?? 0);
}

export const DARK: ColorTokens = {
  accent: '#4c9cf0',
  onAccent: '#0b1220',
  panelBackground: '#161b26',
  panelText: '#e8ecf3',
  mutedText: '#a3adbf',
  visitorBubble: '#4c9cf0',
  visitorText: '#0b1220',
  operatorBubble: '#262e3d',
  operatorText: '#e8ecf3',
};

/** Later sources win, key by key; undefined leaves the earlier value. */
export function mergeThemes(...sources: (Theme | undefined)[]): Theme {
  const merged: Theme = {};
  for (const source of sources) {
    for (const [key, value] of Object.entries(source ?? {})) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}

/** Of the two modes' text colours for the accent, the one that reads better on `background`. */
function readableOn(background: string): string {
  const ratio = (text: string) => contrastRatio(text, background) ?? 0;
  return ratio(LIGHT.onAccent) >= ratio(DARK.onAccent) ? LIGHT.onAccent : DARK.onAccent;
}

/**
 * Every colour token for the effective mode, the theme's own colours over the mode's
 * defaults. A custom accent also colours the visitor's bubbles unless they are set. Text
 * on a custom accent or bubble the theme leaves unset is whichever of the two modes'
 * reads better on it: the dark mode's navy on a red accent was 3.3:1, white is 5.6:1.
 */
export function resolveColors(theme: Theme, prefersDark: boolean): ColorTokens {
  const dark = theme.mode === 'dark' || (theme.mode === 'auto' && prefersDark);
  const base = dark ? DARK : LIGHT;
  const colors = { ...base };
  for (const token of COLOR_TOKENS) if (theme[token]) colors[token] = theme[token]!;
  if (theme.accent && !theme.visitorBubble) colors.visitorBubble = theme.accent;
  if (theme.accent && !theme.onAccent) colors.onAccent = readableOn(colors.accent);
  if (colors.visitorBubble !== base.visitorBubble && !theme.visitorText)
    colors.visitorText = readableOn(colors.visitorBubble);
  return colors;
}

/** Sets every token through the CSSOM, which a strict CSP allows (style attributes it does not). */
export function applyTheme(host: HTMLElement, theme: Theme, prefersDark: boolean): void {
  const colors = resolveColors(theme, prefersDark);
  for (const token of COLOR_TOKENS) host.style.setProperty(cssVariable(token), colors[token]);
  const px = (value: number | undefined) => (value === undefined ? null : `${value}px`);
  const set = (name: string, value: string | null | undefined) =>
    value ? host.style.setProperty(cssVariable(name), value) : host.style.removeProperty(cssVariable(name));
  set('fontFamily', theme.fontFamily);
  set('radius', px(theme.radius));
  set('offsetX', px(theme.offsetX));
  set('offsetY', px(theme.offsetY));
  set('zIndex', theme.zIndex === undefined ? null : String(theme.zIndex));
  const dark = isDarkPanel(colors.panelBackground);
  set('danger', dark ? DARK_STATUS.danger : null);
  set('success', dark ? DARK_STATUS.success : null);
}
