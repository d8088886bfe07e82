/**
 * WCAG 2.x contrast: relative luminance of sRGB colours and their ratio, for the
 * designer's warnings and the run-time check. Text needs 4.5:1 (AA).
 */
import type { ColorTokens } from './tokens';

export const AA_TEXT = 4.5;

/** #rgb or #rrggbb → [r, g, b] in 0–255, or null. */
export function parseHex(color: string): [number, number, number] | null {
  const hex = /^#([\da-f]{3}|[\da-f]{6})$/i.exec(color.trim())?.[1];
  if (!hex) return null;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

export function luminance([r, g, b]: [number, number, number]): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** The contrast ratio from 1 to 21, or null when a colour is not hex. */
export function contrastRatio(foreground: string, background: string): number | null {
  const fg = parseHex(foreground);
  const bg = parseHex(background);
  if (!fg || !bg) return null;
  const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The text/background pairs of the widget, as a designer names them. */
export const TEXT_PAIRS: [text: keyof ColorTokens, background: keyof ColorTokens, label: string][] = [
  ['panelText', 'panelBackground', 'panel text'],
  ['mutedText', 'panelBackground', 'secondary text'],
  ['visitorText', 'visitorBubble', 'visitor messages'],
  ['operatorText', 'operatorBubble', 'operator messages'],
  ['onAccent', 'accent', 'header and launcher'],
];

/** Pairs below AA, with their ratio. */
export function contrastProblems(colors: ColorTokens): { label: string; ratio: number }[] {
  return TEXT_PAIRS.flatMap(([text, background, label]) => {
    const ratio = contrastRatio(colors[text], colors[background]);
    return ratio !== null && ratio < AA_TEXT ? [{ label, ratio: Math.round(ratio * 100) / 100 }] : [];
  });
}
