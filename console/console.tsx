/**
 * The reference operator console: log in, see the site's conversations live, open one,
 * reply, see the visitor typing, close it. Visitor strings are rendered as text only.
 */
import { render } from 'preact';
import { signal } from '@preact/signals';
import { OPERATOR_STATUSES, type OperatorStatus } from '../src/protocol';
import { Chat } from './chat';
import { LeadDetail, LeadList } from './leads';
import { OnlineList } from './visitors';
import { createOperatorSession, type OperatorSession, type Tab } from './session';

const TOKEN_KEY = 'confab-operator-token';
const session = signal<OperatorSession | null>(null);
const loginError = signal('');

function start(token: string) {
  sessionStorage.setItem(TOKEN_KEY, token);
  session.value = createOperatorSession(token, () => {
    sessionStorage.removeItem(TOKEN_KEY);
    session.value?.disconnect();
    session.value = null;
    loginError.value = 'Your session has ended. Log in again.';
  });
}

async function logIn(event: SubmitEvent) {
  event.preventDefault();
  const form = new FormData(event.currentTarget as HTMLFormElement);
  loginError.value = '';
  try {
    const res = await fetch('/api/operator/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: form.get('login'), password: form.get('password') }),
    });
    const body = (await res.json()) as { token?: string; error?: string };
    if (body.token) start(body.token);
    else loginError.value = body.error ?? 'Could not log in.';
  } catch {
    loginError.value = 'The server cannot be reached.';
  }
}

function Login() {
  return (
    <form class="login" onSubmit={logIn}>
      <h1>Operator console</h1>
      <label>
        Login <input name="login" autocomplete="username" required />
      </label>
      <label>
        Password <input name="password" type="password" autocomplete="current-password" required />
      </label>
      {loginError.value && <p class="error" role="alert">{loginError.value}</p>}
      <button type="submit">Log in</button>
    </form>
  );
}

const TABS: [Tab, string][] = [
  ['new', 'New'],
  ['mine', 'Mine'],
  ['closed', 'Closed'],
  ['leads', 'Requests'],
  ['online', 'On site'],
];

const STATUS_LABEL: Record<OperatorStatus, string> = {
  available: 'Available',
  away: 'Away',
  dnd: 'Do not disturb',
  offline: 'Offline',
};

function Sidebar({ s }: { s: OperatorSession }) {
  return (
    <aside class="sidebar">
      <div class="me">
        <strong>{s.me.value?.name ?? '…'}</strong>
        <span class="state">{s.connected.value ? 'online' : 'reconnecting…'}</span>
      </div>
      <div class="me">
        <label>
          Status{' '}
          <select
            name="status"
            value={s.status.value}
            onChange={(e) => void s.setStatus(e.currentTarget.value as OperatorStatus)}
          >
            {OPERATOR_STATUSES.map((status) => (
              <option value={status}>{STATUS_LABEL[status]}</option>
            ))}
          </select>
        </label>
        <span class="state team" title="Team">
          {s.team.value.filter((m) => m.status === 'available').length} of {s.team.value.length} available
        </span>
      </div>
      <div class="tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button role="tab" aria-selected={s.tab.value === id} onClick={() => (s.tab.value = id)} data-tab={id}>
            {label}
            {id === 'leads' && newLeads(s) > 0 && <span class="count"> {newLeads(s)}</span>}
          </button>
        ))}
      </div>
      {s.tab.value === 'leads' ? <LeadList s={s} /> : s.tab.value === 'online' ? <OnlineList s={s} /> : <Conversations s={s} />}
    </aside>
  );
}

const newLeads = (s: OperatorSession) => s.leadList.value.filter((l) => l.status === 'new').length;

function Conversations({ s }: { s: OperatorSession }) {
  return (
      <ul class="list" aria-label="Conversations">
        {s.visible.value.length === 0 && <li class="empty">No conversations here.</li>}
        {s.visible.value.map((c) => (
          <li key={c.id}>
            <button aria-current={s.selectedId.value === c.id} onClick={() => void s.select(c.id)} data-conversation={c.id}>
              <strong>
                {c.visitorName}
                {c.rating?.score !== undefined && c.rating.state === 'given' && (
                  <span class={c.rating.score < 4 ? 'badge low' : 'badge'} title={c.rating.comment ?? ''}>
                    ★{c.rating.score}
                  </span>
                )}
                {c.closeReason === 'spam' && <span class="badge new">spam</span>}
              </strong>
              <span class={s.typing.value.has(c.id) ? 'preview typing' : 'preview'}>
                {s.typing.value.has(c.id) ? 'typing…' : (c.lastMessage?.text ?? 'no messages yet')}
              </span>
            </button>
          </li>
        ))}
      </ul>
  );
}

function Console() {
  const s = session.value;
  if (!s) return <Login />;
  const lead = s.tab.value === 'leads' && s.selectedLeadId.value ? s.leads.value.get(s.selectedLeadId.value) : undefined;
  return (
    <div class="layout">
      <Sidebar s={s} />
      {s.tab.value === 'leads' ? (
        lead ? <LeadDetail s={s} lead={lead} /> : <section class="chat"><p class="placeholder">Choose a request.</p></section>
      ) : (
        <Chat s={s} />
      )}
    </div>
  );
}

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) start(saved);
render(<Console />, document.getElementById('console')!);
