/**
 * The visitor's earlier conversations and requests, inline above the current one (the
 * order they happened in): the same browser's and, for a verified user, every device's. Each earlier conversation is folded; unfolding loads its
 * messages. Visitor text is rendered as text only.
 */
import { LinkedText } from './linked-text';
import { useEffect, useState } from 'preact/hooks';
import type { ChatMessage, ConversationSummary, Lead } from '../src/protocol';
import { earlierWith } from './models/history';
import type { OperatorSession } from './session';
import { formatDateTime, formatTime } from './time';

const LEAD_STATUS: Record<Lead['status'], string> = { new: 'new', in_work: 'in work', done: 'done' };

function EarlierConversation({ s, c }: { s: OperatorSession; c: ConversationSummary }) {
  const [messages, setMessages] = useState<readonly ChatMessage[] | null | 'loading'>(null);
  const ended = c.status === 'open' ? 'open' : c.closeReason === 'spam' ? 'ended as spam' : 'ended';
  return (
    <details
      class="earlier"
      data-earlier={c.id}
      onToggle={(e) => {
        if (!e.currentTarget.open || messages) return;
        setMessages('loading');
        void s.transcript(c.id).then(setMessages);
      }}
    >
      <summary>
        Chat of {formatDateTime(c.createdAt)} · {ended}
        {c.rating?.state === 'given' ? ` · ★${c.rating.score}` : ''}
      </summary>
      {messages === 'loading' && <p class="note">Loading…</p>}
      {messages === null || messages === 'loading' ? null : messages.length === 0 ? (
        <p class="note">No messages.</p>
      ) : (
        messages.map((m) => (
          <p key={m.id} class={`earlier-msg ${m.author}`}>
            <small>
              {m.author === 'operator'
                ? (m.operator?.name ?? 'Operator')
                : m.author === 'visitor'
                  ? 'Visitor'
                  : 'System'}{' '}
              <time dateTime={new Date(m.createdAt).toISOString()}>{formatTime(m.createdAt)}</time>
            </small>{' '}
            {m.deleted ? <em>message deleted</em> : <LinkedText text={m.text} />}
          </p>
        ))
      )}
    </details>
  );
}

export function VisitorHistoryView({ s, conversation }: { s: OperatorSession; conversation: ConversationSummary }) {
  // The server adds what the console has not loaded: older chats, a verified user's other devices.
  useEffect(() => void s.loadHistory(conversation.visitorId), [s, conversation.visitorId]);
  const history = earlierWith(
    conversation,
    s.conversations.value.values(),
    s.leads.value.values(),
    s.histories.value.get(conversation.visitorId),
  );
  if (history.conversations.length === 0 && history.leads.length === 0) return null;
  return (
    <section class="history" aria-label="Earlier with this visitor">
      <h3>Earlier with this visitor</h3>
      {history.leads.map((lead) => (
        <p key={lead.id} class="earlier-lead" data-earlier-lead={lead.id}>
          Request of {formatDateTime(lead.createdAt)} ({LEAD_STATUS[lead.status]}): {lead.message ?? 'no message'}{' '}
          <button
            type="button"
            class="link"
            onClick={() => {
              s.tab.value = 'leads';
              s.selectedLeadId.value = lead.id;
            }}
          >
            Open request
          </button>
        </p>
      ))}
      {history.conversations.map((c) => (
        <EarlierConversation key={c.id} s={s} c={c} />
      ))}
    </section>
  );
}
