/** Visitors on the site now; the operator may write first to those without a chat (seed 003). */
import { source } from './context-view';
import { openConversationOf } from './models/history';
import { onlineLabel, pagesText } from './models/visitor-label';
import type { OperatorSession } from './session';

function openChat(s: OperatorSession, conversationId: string) {
  const c = s.conversations.value.get(conversationId);
  s.tab.value = c && c.operatorId === s.me.value?.id ? 'mine' : c && !c.operatorId ? 'new' : 'all';
  void s.select(conversationId);
}

export function OnlineList({ s }: { s: OperatorSession }) {
  const visitors = [...s.online.value.values()];
  return (
    <ul class="list" aria-label="Visitors on the site">
      {visitors.length === 0 && <li class="empty">Nobody is on the site right now.</li>}
      {visitors.map((v) => {
        // A chat the console knows of counts too: never a second chat beside an open one.
        const chatId = v.conversationId ?? openConversationOf(v.visitorId, s.conversations.value.values())?.id;
        return (
          <li key={v.visitorId} class="visitor-row" data-visitor={v.visitorId}>
            <strong>{onlineLabel(v)}</strong>
            <span class="preview page-now">{v.page?.url ?? ''}</span>
            <span class="preview">
              {v.returning ? 'returning' : 'new'} · {pagesText(v.pagesThisVisit)} · from{' '}
              <span class="first-touch">{source(v.firstTouch)}</span>
              {v.region ? ` · ${v.region}` : ''}
            </span>
            {chatId ? (
              <button type="button" onClick={() => openChat(s, chatId)}>
                Open chat
              </button>
            ) : (
              <button type="button" class="write-first" onClick={() => void s.startWith(v.visitorId)}>
                Write first
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
