/**
 * The reference operator console: log in, see the site's conversations live, open one,
 * reply, see the visitor typing, close it. Visitor strings are rendered as text only.
 */
import { render } from 'preact';
import { effect, signal, useSignal } from '@preact/signals';
import { CHOOSABLE_STATUSES, type OperatorStatus } from '../src/protocol';
import { CannedDialog } from './canned-dialog';
import { Chat } from './chat';
import { ConfirmDialog, Modal } from './dialog';
import { LeadDetail, LeadList } from './leads';
import { MatchPreview } from './match-preview';
import { previewDirection } from './models/snippet';
import type { ConversationStatusFilter, LeadFilter, PeriodFilter } from './models/filter';
import { titleWithCount } from './models/unread';
import { TRUST_TEXT, conversationLabel } from './models/visitor-label';
import { askDesktopPermission, type DesktopPermission } from './notify/desktop';
import { OnlineList } from './visitors';
import { createOperatorSession, type OperatorSession, type Tab } from './session';
import { SHORTCUTS } from './shortcuts';
import { installShortcuts } from './shortcut-handler';
import { formatDateTime, formatTime } from './time';
import { TransferDialog } from './transfer-dialog';
import { STATUS_LABEL } from './statuses';
import { cannedOpen, confirmation, helpOpen, transferOpen } from './ui-state';

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
      {loginError.value && (
        <p class="error" role="alert">
          {loginError.value}
        </p>
      )}
      <button type="submit">Log in</button>
    </form>
  );
}

const TABS: [Tab, string][] = [
  ['new', 'New'],
  ['mine', 'Mine'],
  ['all', 'All'],
  ['closed', 'Closed'],
  ['leads', 'Requests'],
  ['online', 'On site'],
];

/** A count with words for screen readers ("3 unread"). */
function Count({ n, what }: { n: number; what: string }) {
  return n > 0 ? (
    <span class="count">
      {' '}
      {n}
      <span class="sr-only"> {what}</span>
    </span>
  ) : null;
}

function tabCount(s: OperatorSession, tab: Tab): [number, string] {
  if (tab === 'new') return [s.unread.byTab.value.new, 'unread'];
  if (tab === 'mine') return [s.unread.byTab.value.mine, 'unread'];
  if (tab === 'leads') return [s.newLeadCount.value, 'new'];
  return [0, ''];
}

function Sidebar({ s }: { s: OperatorSession }) {
  return (
    <aside class="sidebar" aria-label="Conversations and requests">
      <div class="me">
        <strong>{s.me.value?.name ?? '…'}</strong>
        <span class="state">{s.connected.value ? 'online' : 'reconnecting…'}</span>
        <button type="button" class="help-button" aria-keyshortcuts="?" onClick={() => (helpOpen.value = true)}>
          <span aria-hidden="true">?</span>
          <span class="sr-only">Keyboard shortcuts</span>
        </button>
      </div>
      {s.outdated.value && (
        <p class="outdated" role="status">
          The console was updated on the server.{' '}
          <button type="button" class="link" onClick={() => location.reload()}>
            Reload
          </button>
        </p>
      )}
      <div class="me">
        <label>
          Status{' '}
          <select
            name="status"
            value={s.status.value}
            onChange={(e) => void s.setStatus(e.currentTarget.value as OperatorStatus)}
          >
            {/* An older name the server still knows (away, offline) shows while it is the one set. */}
            {(CHOOSABLE_STATUSES.includes(s.status.value)
              ? CHOOSABLE_STATUSES
              : [...CHOOSABLE_STATUSES, s.status.value]
            ).map((status) => (
              <option value={status}>{STATUS_LABEL[status]}</option>
            ))}
          </select>
        </label>
      </div>
      <TeamList s={s} />
      <NotificationSettings s={s} />
      <div class="tabs" role="tablist" aria-label="Lists">
        {TABS.map(([id, label], index) => {
          const [n, what] = tabCount(s, id);
          return (
            <button
              type="button"
              role="tab"
              aria-selected={s.tab.value === id}
              aria-keyshortcuts={String(index + 1)}
              onClick={() => (s.tab.value = id)}
              data-tab={id}
            >
              {label}
              <Count n={n} what={what} />
            </button>
          );
        })}
      </div>
      {s.tab.value !== 'online' && <FilterBar s={s} />}
      {s.tab.value === 'leads' ? (
        <LeadList s={s} />
      ) : s.tab.value === 'online' ? (
        <OnlineList s={s} />
      ) : (
        <Conversations s={s} />
      )}
    </aside>
  );
}

/** Colleagues and their statuses, live (team:updated). */
function TeamList({ s }: { s: OperatorSession }) {
  const team = s.team.value;
  return (
    <details class="settings team">
      <summary>
        Team: {team.filter((m) => m.status === 'available').length} of {team.length} available
      </summary>
      <ul aria-label="Team">
        {team.map((m) => (
          <li key={m.id} data-operator={m.id}>
            <span class={`dot ${m.status}`} aria-hidden="true" /> {m.name}
            {m.id === s.me.value?.id ? ' (you)' : ''} — {STATUS_LABEL[m.status]}
          </li>
        ))}
      </ul>
    </details>
  );
}

const PERMISSION_NOTE: Partial<Record<DesktopPermission, string>> = {
  denied: 'The browser blocks notifications for this site: allow them in its site settings.',
  unsupported: 'This browser does not show desktop notifications.',
};

function NotificationSettings({ s }: { s: OperatorSession }) {
  const settings = s.notifications.settings.value;
  const note = useSignal('');
  return (
    <details class="settings notifications">
      <summary>Notifications</summary>
      <label>
        <input
          type="checkbox"
          name="sound"
          checked={settings.sound}
          onChange={(e) => s.notifications.update({ sound: e.currentTarget.checked })}
        />{' '}
        Sound for a new chat or message
      </label>
      <label>
        <input
          type="checkbox"
          name="desktop"
          checked={settings.desktop}
          onChange={async (e) => {
            const on = e.currentTarget.checked;
            note.value = '';
            if (!on) return s.notifications.update({ desktop: false });
            // Asked here, on the operator's click, never on load.
            const permission = await askDesktopPermission();
            s.notifications.update({ desktop: permission === 'granted' });
            note.value = PERMISSION_NOTE[permission] ?? '';
          }}
        />{' '}
        Desktop notifications
      </label>
      {note.value && (
        <p class="note" role="status">
          {note.value}
        </p>
      )}
    </details>
  );
}

function FilterBar({ s }: { s: OperatorSession }) {
  const leadsTab = s.tab.value === 'leads';
  const filter = s.conversationFilter.value;
  const showStatus = s.tab.value === 'all' || leadsTab;
  const showOperator = s.tab.value === 'all' || s.tab.value === 'closed';
  return (
    <search class="filter">
      <input
        id="search"
        type="search"
        aria-label={leadsTab ? 'Search loaded requests' : 'Search loaded conversations'}
        aria-keyshortcuts="/"
        placeholder="Search people or text"
        value={leadsTab ? s.leadFilter.value.query : filter.query}
        onInput={(e) => {
          const query = e.currentTarget.value;
          if (leadsTab) s.leadFilter.value = { ...s.leadFilter.value, query };
          else s.conversationFilter.value = { ...filter, query };
        }}
      />
      {showStatus &&
        (leadsTab ? (
          <select
            aria-label="Request status"
            value={s.leadFilter.value.status}
            onChange={(e) => {
              s.leadFilter.value = { ...s.leadFilter.value, status: e.currentTarget.value as LeadFilter['status'] };
              if (s.leadFilter.value.status === 'spam') void s.loadSpam();
            }}
          >
            <option value="any">Any status</option>
            <option value="new">New</option>
            <option value="in_work">In work</option>
            <option value="done">Done</option>
            <option value="spam">Spam</option>
          </select>
        ) : (
          <select
            aria-label="Conversation status"
            value={filter.status}
            onChange={(e) =>
              (s.conversationFilter.value = { ...filter, status: e.currentTarget.value as ConversationStatusFilter })
            }
          >
            <option value="any">Any status</option>
            <option value="open">Open</option>
            <option value="closed">Closed</option>
            <option value="spam">Spam</option>
          </select>
        ))}
      <select
        aria-label="Period"
        value={leadsTab ? s.leadFilter.value.period : filter.period}
        onChange={(e) => {
          const period = e.currentTarget.value as PeriodFilter;
          if (leadsTab) s.leadFilter.value = { ...s.leadFilter.value, period };
          else s.conversationFilter.value = { ...filter, period };
        }}
      >
        <option value="any">Any time</option>
        <option value="today">Today</option>
        <option value="7d">Last 7 days</option>
        <option value="30d">Last 30 days</option>
      </select>
      {showOperator && (
        <select
          aria-label="Operator"
          value={filter.operator}
          onChange={(e) => (s.conversationFilter.value = { ...filter, operator: e.currentTarget.value })}
        >
          <option value="any">Any operator</option>
          <option value="me">Me</option>
          <option value="none">Nobody yet</option>
          {s.team.value
            .filter((m) => m.id !== s.me.value?.id)
            .map((m) => (
              <option value={m.id}>{m.name}</option>
            ))}
        </select>
      )}
    </search>
  );
}

function Conversations({ s }: { s: OperatorSession }) {
  const f = s.conversationFilter.value;
  const filtered = f.query.trim() !== '' || f.status !== 'any' || f.operator !== 'any' || f.period !== 'any';
  const search = s.serverSearch.value;
  return (
    <ul class="list" aria-label="Conversations" aria-busy={search.state === 'searching'}>
      {s.list.value.length === 0 && (
        <li class="empty">
          {!filtered
            ? 'No conversations here.'
            : search.state === 'searching'
              ? 'Searching all conversations…'
              : search.state === 'failed'
                ? 'Nothing loaded matches; the search of all conversations failed.'
                : 'Nothing matches the search.'}
        </li>
      )}
      {s.list.value.map((c) => {
        const label = conversationLabel(c);
        const unread = s.unread.count(c.id);
        const last = c.lastMessage;
        // Found by the server's search in a message: that message, not the last one.
        const match = f.query.trim() ? search.matches.get(c.id) : undefined;
        return (
          <li key={c.id}>
            <button
              type="button"
              aria-current={s.selectedId.value === c.id}
              onClick={() => void s.select(c.id)}
              data-conversation={c.id}
              class={unread ? 'unread' : ''}
            >
              <span class="row">
                <strong>
                  {label.name} <span class={`trust ${label.trust}`}>{TRUST_TEXT[label.trust]}</span>
                  {c.rating?.score !== undefined && c.rating.state === 'given' && (
                    <span class={c.rating.score < 4 ? 'badge low' : 'badge'} title={c.rating.comment ?? ''}>
                      ★{c.rating.score}
                    </span>
                  )}
                  {c.closeReason === 'spam' && <span class="badge spam">spam</span>}
                </strong>
                {last && (
                  <time
                    class="when"
                    dateTime={new Date(last.createdAt).toISOString()}
                    title={formatDateTime(last.createdAt)}
                  >
                    {formatTime(last.createdAt)}
                  </time>
                )}
                {unread > 0 && (
                  <span class="unread-count" data-unread={unread}>
                    {unread}
                    <span class="sr-only"> unread</span>
                  </span>
                )}
              </span>
              {/* dir="auto": a preview in Hebrew or Arabic reads right to left, its punctuation in
                  place; a hit's preview takes its matched word's direction, so the word is in view. */}
              <span
                class={s.typing.value.has(c.id) ? 'preview typing' : 'preview'}
                dir={match ? previewDirection(match.text, f.query) : 'auto'}
              >
                {s.typing.value.has(c.id) ? (
                  'typing…'
                ) : match ? (
                  <MatchPreview text={match.text} query={f.query} />
                ) : (
                  (last?.text ?? 'no messages yet')
                )}
              </span>
            </button>
          </li>
        );
      })}
      {filtered && search.next && search.state !== 'searching' && (
        <li class="more">
          <button type="button" class="link" onClick={() => void s.searchMore()}>
            More results from all conversations
          </button>
        </li>
      )}
    </ul>
  );
}

function HelpDialog() {
  return (
    <Modal title="Keyboard shortcuts" onClose={() => (helpOpen.value = false)} class="help">
      <p>Single keys work when the cursor is not in a text field; press Esc to leave one.</p>
      <p>
        In the reply field, <kbd>/</kbd> at the start lists the canned replies: type to search, <kbd>↑</kbd>{' '}
        <kbd>↓</kbd> to choose, <kbd>Enter</kbd> or <kbd>Tab</kbd> to insert.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr>
              <td>
                {shortcut.keys.map((key, i) => (
                  <>
                    {i > 0 && ' or '}
                    <kbd>{key}</kbd>
                  </>
                ))}
              </td>
              <td>{shortcut.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="modal-actions">
        <button type="button" class="primary" data-autofocus onClick={() => (helpOpen.value = false)}>
          Close
        </button>
      </div>
    </Modal>
  );
}

function Console() {
  const s = session.value;
  if (!s) return <Login />;
  const lead =
    s.tab.value === 'leads' && s.selectedLeadId.value ? s.leads.value.get(s.selectedLeadId.value) : undefined;
  // On a phone one pane shows at a time: the list, or what was chosen from it.
  const chosen = s.tab.value === 'leads' ? Boolean(lead) : Boolean(s.selectedId.value);
  return (
    <div class="layout" data-pane={chosen ? 'detail' : 'list'}>
      <Sidebar s={s} />
      {s.tab.value === 'leads' ? (
        lead ? (
          <LeadDetail s={s} lead={lead} />
        ) : (
          <section class="chat">
            <p class="placeholder">Choose a request.</p>
          </section>
        )
      ) : (
        <Chat s={s} />
      )}
      {confirmation.value && (
        <ConfirmDialog confirmation={confirmation.value} onClose={() => (confirmation.value = null)} />
      )}
      {helpOpen.value && <HelpDialog />}
      {cannedOpen.value && <CannedDialog s={s} />}
      {transferOpen.value && <TransferDialog s={s} />}
    </div>
  );
}

const BASE_TITLE = document.title;
// The tab's title carries the unread total, so a hidden console still shows it.
effect(() => {
  document.title = titleWithCount(BASE_TITLE, session.value?.unread.total.value ?? 0);
});
installShortcuts(() => session.value);

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) start(saved);
render(<Console />, document.getElementById('console')!);
