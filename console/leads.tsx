/**
 * Requests from the offline form, live: new, in work, done. The contacts and the page
 * and campaign they came from. Everything here was typed by a visitor: text only.
 */
import type { Lead, LeadStatus, SpamReason } from '../src/protocol';
import { BackToList } from './back-to-list';
import { ContextFacts } from './context-view';
import { emptyLeadListText } from './models/filter';
import { leadLabel } from './models/visitor-label';
import type { OperatorSession } from './session';
import { formatDateTime } from './time';

const STATUS_LABEL: Record<LeadStatus, string> = { new: 'New', in_work: 'In work', done: 'Done' };
const SPAM_LABEL: Record<SpamReason, string> = {
  honeypot: 'Hidden field filled (a bot?)',
  too_fast: 'Sent faster than a person types',
  visitor_limit: 'Too many requests from this visitor',
  ip_limit: 'Too many requests from this address',
};
const when = (ms: number) => formatDateTime(ms);

export function LeadList({ s }: { s: OperatorSession }) {
  const list = s.leadList.value;
  return (
    <ul class="list" aria-label="Requests">
      {list.length === 0 && <li class="empty">{emptyLeadListText(s.leadFilter.value, s.leads.value.size)}</li>}
      {list.map((lead) => (
        <li key={lead.id}>
          <button
            type="button"
            aria-current={s.selectedLeadId.value === lead.id}
            onClick={() => (s.selectedLeadId.value = lead.id)}
            data-lead={lead.id}
          >
            <strong>
              {leadLabel(lead)}{' '}
              {lead.spam ? (
                <span class="badge spam">Spam</span>
              ) : (
                <span class={`badge ${lead.status}`}>{STATUS_LABEL[lead.status]}</span>
              )}
            </strong>
            <span class="preview">
              {lead.phone ?? lead.email ?? ''} — {lead.message ?? 'no message'}
            </span>
            <span class="preview when">{when(lead.createdAt)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function Row({ label, value }: { label: string; value?: string }) {
  return value ? (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  ) : null;
}

export function LeadDetail({ s, lead }: { s: OperatorSession; lead: Lead }) {
  const utm = lead.context?.utm ?? {};
  return (
    <section class="chat lead-detail" aria-label={`Request from ${leadLabel(lead)}`}>
      <header>
        <BackToList label="Requests" onBack={() => (s.selectedLeadId.value = null)} />
        <strong>Request from {leadLabel(lead)}</strong>
        <span class="actions">
          {lead.spam && (
            <button type="button" class="close-chat" onClick={() => void s.markNotSpam(lead.id)}>
              Not spam
            </button>
          )}
          {!lead.spam && lead.status !== 'in_work' && lead.status !== 'done' && (
            <button type="button" class="close-chat" onClick={() => void s.setLeadStatus(lead.id, 'in_work')}>
              Take in work
            </button>
          )}
          {!lead.spam && lead.status !== 'done' && (
            <button type="button" class="close-chat" onClick={() => void s.setLeadStatus(lead.id, 'done')}>
              Mark done
            </button>
          )}
          {!lead.spam && lead.status === 'done' && (
            <button type="button" class="close-chat" onClick={() => void s.setLeadStatus(lead.id, 'new')}>
              Reopen
            </button>
          )}
        </span>
      </header>
      <dl class="facts">
        <Row
          label="Status"
          value={lead.spam ? `Quarantined as spam: ${SPAM_LABEL[lead.spam]}` : STATUS_LABEL[lead.status]}
        />
        <Row label="Received" value={when(lead.createdAt)} />
        <Row label="Name" value={lead.name ? `${lead.name} (unverified)` : `${leadLabel(lead)} (no name given)`} />
        <Row label="Phone" value={lead.phone} />
        <Row label="E-mail" value={lead.email} />
        <Row label="Message" value={lead.message} />
        <Row label="Page" value={lead.context?.url} />
        <Row label="Page title" value={lead.context?.title} />
        <Row label="Referrer" value={lead.context?.referrer} />
        {Object.entries(utm).map(([key, value]) => (
          <Row key={key} label={key} value={value} />
        ))}
      </dl>
      {lead.snapshot && <ContextFacts context={lead.snapshot} />}
    </section>
  );
}
