/**
 * Reads a theme from untrusted input (data-* attributes, Confab('theme'), the site
 * config): each bad value is reported with the fix and dropped, never "corrected".
 */
import { httpUrl, isHexColor } from '../protocol/rules';
import { COLOR_TOKENS, type Theme, type ThemeMode } from './tokens';

type Warn = (message: string) => void;

/** Font family lists: names, quotes, commas, spaces and hyphens; no url(), no semicolons. */
const FONT = /^[\w\s,"'-]{1,120}$/;
const MODES: ThemeMode[] = ['light', 'dark', 'auto'];

function number(value: unknown, min: number, max: number): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= min && n <= max ? Math.round(n) : undefined;
}

/**
 * Theme keys are the token names (`visitorBubble`); as attributes they are written in
 * kebab case (`data-visitor-bubble`), which is how `dataset` hands them over.
 */
export function readTheme(input: Record<string, unknown>, warn: Warn, where = 'theme'): Theme {
  const theme: Theme = {};
  const bad = (key: string, value: unknown, fix: string) =>
    warn(`Confab: ${where}.${key} = ${JSON.stringify(value)} is ignored; use ${fix}.`);
  for (const token of COLOR_TOKENS) {
    const value = input[token];
    if (value === undefined || value === '') continue;
    if (typeof value === 'string' && isHexColor(value.trim())) theme[token] = value.trim();
    else bad(token, value, 'a hex colour like "#0b6bcb"');
  }
  const numbers: [keyof Theme, number, number][] = [
    ['radius', 0, 32],
    ['offsetX', 0, 400],
    ['offsetY', 0, 400],
    ['zIndex', 0, 2147483647],
  ];
  for (const [key, min, max] of numbers) {
    if (input[key] === undefined || input[key] === '') continue;
    const n = number(input[key], min, max);
    if (n === undefined) bad(key, input[key], `a number from ${min} to ${max}`);
    else (theme as Record<string, unknown>)[key] = n;
  }
  if (input.fontFamily !== undefined && input.fontFamily !== '') {
    if (typeof input.fontFamily === 'string' && FONT.test(input.fontFamily)) theme.fontFamily = input.fontFamily;
    else bad('fontFamily', input.fontFamily, 'a font family list like "Inter, sans-serif"');
  }
  if (input.mode !== undefined && input.mode !== '') {
    if (MODES.includes(input.mode as ThemeMode)) theme.mode = input.mode as ThemeMode;
    else bad('mode', input.mode, '"light", "dark" or "auto"');
  }
  if (input.position !== undefined && input.position !== '') {
    if (input.position === 'right' || input.position === 'left') theme.position = input.position;
    else bad('position', input.position, '"right" or "left"');
  }
  if (input.icon !== undefined && input.icon !== '') {
    if (typeof input.icon === 'string' && httpUrl(input.icon)) theme.icon = input.icon as string;
    else bad('icon', input.icon, 'an http(s) URL of an image');
  }
  return theme;
}
