/**
 * Theme tokens and how they reach the page: as CSS custom properties on the widget's
 * host element, which inherit into the shadow root and nowhere else.
 */
export interface ThemeTokens {
  accent: string;
  onAccent: string;
  panelBackground: string;
  panelText: string;
  visitorBubble: string;
  visitorText: string;
  operatorBubble: string;
  operatorText: string;
}

export const DEFAULT_THEME: ThemeTokens = {
  accent: '#0b6bcb',
  onAccent: '#ffffff',
  panelBackground: '#ffffff',
  panelText: '#1d2433',
  visitorBubble: '#0b6bcb',
  visitorText: '#ffffff',
  operatorBubble: '#eef1f6',
  operatorText: '#1d2433',
};

/** `visitorBubble` → `--confab-visitor-bubble` */
export function cssVariable(token: keyof ThemeTokens): string {
  return '--confab-' + token.replace(/[A-Z]/g, (letter) => '-' + letter.toLowerCase());
}

/** Sets every token through the CSSOM, which a strict CSP allows (style attributes it does not). */
export function applyTheme(host: HTMLElement, theme: Partial<ThemeTokens>): void {
  for (const [token, value] of Object.entries(theme) as [keyof ThemeTokens, string][]) {
    host.style.setProperty(cssVariable(token), value);
  }
}

/** The theme a `data-color` implies: the accent also colours the visitor's bubbles. */
export function themeFromAccent(accent: string | undefined): Partial<ThemeTokens> {
  return accent ? { accent, visitorBubble: accent } : {};
}
