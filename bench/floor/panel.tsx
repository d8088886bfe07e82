/**
 * The floor's panel: a message list and a composer on the demo server's real /visitor
 * namespace (same handshake, session and history as Confab gets), rendered only while open.
 */
import { render } from 'preact';
import { signal } from '@preact/signals';
import { io } from 'socket.io-client';
import { newId } from '../../src/protocol/ids';
import type { ChatMessage, VisitorSession } from '../../src/protocol';

export interface Panel {
  toggle(): void;
}

const CSS =
  '.panel{position:absolute;bottom:70px;right:0;width:340px;height:460px;display:flex;flex-direction:column;background:#fff;' +
  'border-radius:12px;box-shadow:0 8px 30px #0003;font:14px/1.4 system-ui,sans-serif;color:#111}' +
  'ol{flex:1;overflow-y:auto;margin:0;padding:8px;list-style:none}li{margin:4px 0;padding:6px 10px;border-radius:10px;background:#eef}' +
  'li.visitor{background:#0b6bcb;color:#fff;margin-left:40px}form{display:flex;gap:6px;padding:8px;border-top:1px solid #ddd}' +
  'textarea{flex:1;resize:none;font:inherit}';

function visitorId(): string {
  const stored = localStorage.getItem('floor:visitor');
  if (stored) return stored;
  const id = newId();
  localStorage.setItem('floor:visitor', id);
  return id;
}

export function mountPanel(root: ShadowRoot, server: string): Panel {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];

  const open = signal(false);
  const messages = signal<ChatMessage[]>([]);
  const draft = signal('');
  const socket = io(`${server}/visitor`, {
    transports: ['websocket', 'polling'],
    auth: { site: 'demo', visitorId: visitorId(), page: { url: location.href, title: document.title } },
  });
  socket.on('session', (session: VisitorSession) => (messages.value = session.messages));
  socket.on('message:new', (message: ChatMessage) => (messages.value = [...messages.value, message]));

  const send = (event: Event) => {
    event.preventDefault();
    const text = draft.value.trim();
    if (!text) return;
    draft.value = '';
    socket.emit('message:send', { clientId: newId(), text }, () => {});
  };

  const scrollToNewest = (list: HTMLOListElement | null) => {
    if (list) list.scrollTop = list.scrollHeight;
  };

  const View = () =>
    open.value ? (
      <div class="panel" role="dialog" aria-label="Chat">
        <ol ref={scrollToNewest}>
          {messages.value.map((m) => (
            <li key={m.id} class={m.author}>
              {m.text}
            </li>
          ))}
        </ol>
        <form class="composer" onSubmit={send}>
          <textarea
            aria-label="Message"
            value={draft.value}
            onInput={(e) => (draft.value = e.currentTarget.value)}
            ref={(field) => void field?.focus()}
          />
          <button type="submit">Send</button>
        </form>
      </div>
    ) : null;

  const container = document.createElement('div');
  root.append(container);
  render(<View />, container);
  return { toggle: () => (open.value = !open.value) };
}
