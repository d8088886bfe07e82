/**
 * The floor's loader: what the least a Preact + signals + socket.io chat widget can do
 * costs, for the page-impact bench to compare Confab against. A launcher in a shadow
 * root now; the panel module (Preact, signals, socket.io-client) imported when the page
 * is idle or on the first click, like Confab's loader does.
 *
 *   <script type="module" async src=".../loader.js" data-floor-server="http://…"></script>
 */
import type { Panel } from './panel';

const CSS =
  ':host{all:initial;position:fixed;z-index:2147483000;bottom:20px;right:20px}' +
  '.launcher{border:0;padding:0;width:56px;height:56px;border-radius:50%;background:#0b6bcb;color:#fff;display:grid;place-items:center;cursor:pointer}' +
  'svg{width:28px;fill:currentColor}';

const server =
  document.querySelector<HTMLScriptElement>('script[data-floor-server]')?.dataset.floorServer ?? location.origin;
const host = document.createElement('floor-widget');
const root = host.attachShadow({ mode: 'open' });
const sheet = new CSSStyleSheet();
sheet.replaceSync(CSS);
root.adoptedStyleSheets = [sheet];

const button = document.createElement('button');
button.className = 'launcher';
button.setAttribute('aria-label', 'Chat');
button.innerHTML = '<svg viewBox="0 0 24 24"><path d="M3 4h18v13H8l-5 4z"/></svg>';
root.append(button);

let panel: Promise<Panel> | undefined;
const load = () => (panel ??= import('./panel').then((m) => m.mountPanel(root, server)));
button.addEventListener('click', () => void load().then((p) => p.toggle()));

const attach = () => document.body.append(host);
if (document.body) attach();
else document.addEventListener('DOMContentLoaded', attach);
const whenIdle = () => requestIdleCallback(() => void load(), { timeout: 4000 });
if (document.readyState === 'complete') whenIdle();
else addEventListener('load', whenIdle);
