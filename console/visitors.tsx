/** Visitors on the site now; the operator may write first to those without a chat (seed 003). */
import { source } from './context-view';
import { onlineLabel } from './models/visitor-label';
import type { OperatorSession } from './session';

export function OnlineList({ s }: { s: OperatorSession }) {
  const visitors = [...s.online.value.values()];
  return (
    <ul class="list" aria-label="Visitors on the site">
      {visitors.length === 0 && <li class="empty">Nobody is on the site right now.</li>}
      {visitors.map((v) => (
        <li key={v.visitorId} class="visitor-row" data-visitor={v.visitorId}>
          <strong>{onlineLabel(v)}</strong>
          <span class="preview page-now">{v.page?.url ?? ''}</span>
          <span class="preview">
            {v.returning ? 'returning' : 'new'} · {v.pagesThisVisit} page(s) · from <span class="first-touch">{source(v.firstTouch)}</span>
            {v.region ? ` · ${v.region}` : ''}
          </span>
          {v.conversationId ? (
            <button type="button" onClick={() => void s.select(v.conversationId!)}>Open chat</button>
          ) : (
            <button type="button" class="write-first" onClick={() => void s.startWith(v.visitorId)}>
              Write first
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
