/**
 * Theme tokens and how they reach the page: as CSS custom properties on the widget's
 * host element, which inherit into the shadow root and nowhere else.
 *
 * Sources, later wins: built-in defaults (light or dark) → the site's config from the
 * server → the script tag's data-* attributes → Confab('theme', {...}) at run time.
 */
export interface ColorTokens {
  accent: string;
  /** The launcher icon and text on the accent colour. */
  onAccent: string;
  panelBackground: string;
  panelText: string;
  mutedText: string;
  visitorBubble: string;
  visitorText: string;
  operatorBubble: string;
  operatorText: string;
}

export type ThemeMode = 'light' | 'dark' | 'auto';

export interface Theme extends Partial<ColorTokens> {
  fontFamily?: string;
  /** Corner radius of the panel and bubbles, px. */
  radius?: number;
  /** Distance from the screen's side and bottom edges, px. */
  offsetX?: number;
  offsetY?: number;
  zIndex?: number;
  mode?: ThemeMode;
  /** A custom launcher icon (http/https image URL). */
  icon?: string;
  /** The bottom corner the widget sits in. */
  position?: 'right' | 'left';
}

export const LIGHT: ColorTokens = {
  accent: '#0b6bcb',
  onAccent: '#ffffff',
  panelBackground: '#ffffff',
  panelText: '#1d2433',
  mutedText: '#5b6475',
  visitorBubble: '#0b6bcb',
  visitorText: '#ffffff',
  operatorBubble: '#eef1f6',
  operatorText: '#1d2433',
};

export const COLOR_TOKENS = Object.keys(LIGHT) as (keyof ColorTokens)[];

/**
 * Theme keys beyond what the loader already applies (data-color, data-position): when
 * none is set anywhere, the widget needs no theme code at all.
 */
export const THEME_KEYS: readonly string[] = [
  ...COLOR_TOKENS.filter((token) => token !== 'accent'),
  'fontFamily',
  'radius',
  'offsetX',
  'offsetY',
  'zIndex',
  'mode',
  'icon',
];

/** `visitorBubble` → `--confab-visitor-bubble` */
export function cssVariable(token: string): string {
  return `--confab-${token.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}
