/**
 * The npm entry, for single-page apps that bundle Confab instead of pasting the tag:
 *
 *   import { createConfab } from 'confab';
 *   const confab = createConfab({ site: 'demo', server: 'https://chat.example.com' });
 *   confab('open');
 */
import { boot, type ConfabFunction } from './loader/boot';
import { parseConfig, type ConfigInput } from './loader/config';

export type { ConfabFunction } from './loader/boot';
export type { ConfigInput, Position, WidgetConfig } from './loader/config';
export type { HostEvents, HostEventName } from './widget/events';
export type * from './protocol/types';

export interface ConfabOptions extends ConfigInput {
  site: string;
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
  return boot(config, () => import('./widget/index'));
}
