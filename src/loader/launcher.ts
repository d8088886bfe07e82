/**
 * The host element, its shadow root and the launcher button: everything the page shows
 * before the widget bundle arrives. Sizes are in px because `rem` follows the host's
 * `<html>` font size; `!important` inside the shadow root wins over the host page's
 * `!important` rules, so hostile page CSS cannot move or hide the widget. Page rules
 * do not reach inside the shadow root, so the button keeps the browser's own focus ring.
 */
import type { WidgetConfig } from './config';
import type { Launcher } from './contract';
import { adoptStyles } from './styles';

export const HOST_TAG = 'confab-widget';

const CSS =
  ':host{all:initial!important;position:fixed!important;z-index:2147483000!important;bottom:20px!important;right:20px!important;--confab-accent:#0b6bcb}' +
  ':host([data-position=left]){right:auto!important;left:20px!important}' +
  '.launcher{border:0;padding:0;width:56px;height:56px;border-radius:50%;background:var(--confab-accent);color:var(--confab-on-accent,#fff);' +
  'display:grid;place-items:center;cursor:pointer;box-shadow:0 4px 14px #0004}' +
  'svg{width:28px;fill:currentColor}';

const SVG = 'http://www.w3.org/2000/svg';
export const CHAT_ICON = 'M3 4h18v13H8l-5 4z';

export interface Host {
  host: HTMLElement;
  root: ShadowRoot;
  launcher: Launcher;
}

/** Applies the attributes the launcher's look depends on; safe to call again. */
export function styleHost(host: HTMLElement, config: WidgetConfig): void {
  host.dataset.position = config.position;
  if (config.color) host.style.setProperty('--confab-accent', config.color);
}

export function createHost(config: WidgetConfig): Host {
  const host = document.createElement(HOST_TAG);
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, CSS, config.nonce);
  styleHost(host, config);

  const button = document.createElement('button');
  button.className = 'launcher';
  // The widget sets the translated label and aria-expanded when it mounts.
  button.setAttribute('aria-label', 'Chat');
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  const icon = document.createElementNS(SVG, 'path');
  icon.setAttribute('d', CHAT_ICON);
  svg.append(icon);
  button.append(svg);
  root.append(button);
  return { host, root, launcher: { button, icon } };
}
