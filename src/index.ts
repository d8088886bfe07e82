/**
 * The npm entry, for single-page apps that bundle Confab instead of pasting the tag:
 *
 *   import { createConfab } from 'confab';
 *   const confab = createConfab({ site: 'demo', server: 'https://chat.example.com' });
 *   confab('open');
 */
import type { ConfabFunction } from './loader/api.js';
import { boot } from './loader/boot.js';
import { parseConfig, type ConfigInput, type Position } from './loader/config.js';

export type { ConfabCommands, ConfabFunction, HostListener, UpdateOptions } from './loader/api.js';
export type { ConfigInput, Position, WidgetConfig } from './loader/config.js';
export type { Theme, ThemeMode, ColorTokens } from './themes/tokens.js';
export type { HostEvents, HostEventName } from './widget/events.js';
export type * from './protocol/types.js';

export interface ConfabOptions extends Omit<ConfigInput, 'position' | 'consent'> {
  site: string;
  position?: Position;
  /** "required": nothing is stored or sent before the visitor's consent. */
  consent?: 'required';
  /** Origin of the Confab server, e.g. "https://chat.example.com". */
  server: string;
  /** Nonce for the `<style>` fallback under a strict CSP. */
  nonce?: string;
}

/** Draws the launcher and returns the command function; the chat code loads when needed. */
export function createConfab(options: ConfabOptions): ConfabFunction {
  const config = parseConfig(options, options.server, console.warn);
  if (!config) throw new Error('Confab: options.site is missing or invalid.');
  config.nonce = options.nonce;
  return boot(config, () => import('./widget/index.js'));
}
