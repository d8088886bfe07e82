/**
 * One conversation in the console: history with quotes, edits and read marks; reply
 * (optionally quoting a visitor message); edit or delete one's own messages; end the
 * chat normally or as spam. Visitor text is rendered as text only.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ChatMessage, QuotedMessage } from '../src/protocol';
import { createTypingSignal } from '../src/widget/typing';
import { progress } from '../src/widget/attachments/upload';
import { Attachments } from './attachments';
import { BackToList } from './back-to-list';
import { Composer } from './composer';
import { ContextFacts } from './context-view';
import { VisitorHistoryView } from './history-view';
import { LinkedText } from './linked-text';
import { TRUST_TEXT, conversationLabel } from './models/visitor-label';
import type { OperatorSession } from './session';
import { formatDateTime, formatDay, formatTime, withDaySeparators } from './time';
import { askToClose, askToDelete, closeRefusal, transferOpen } from './ui-state';

/** Who wrote a quoted message: the visitor, or the operator by name when it is in the loaded history. */
function quotedAuthor(s: OperatorSession, quoted: QuotedMessage, visitorName: string): string {
  if (quoted.author === 'visitor') return visitorName;
  const operator = s.messages.value.find((m) => m.id === quoted.id)?.operator;
  return operator ? (operator.id === s.me.value?.id ? 'You' : operator.name) : 'Operator';
}

function MessageItem({
  s,
  m,
  visitorName,
  seen,
}: {
  s: OperatorSession;
  m: ChatMessage;
  visitorName: string;
  seen: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const me = s.me.value?.id;
  const conversation = s.conversations.value.get(m.conversationId);
  const mine = m.author === 'operator' && m.operator?.id === me;
  // Passed on to a colleague: one's earlier messages stay as they are.
  const open = conversation?.status === 'open' && (conversation.operatorId === null || conversation.operatorId === me);
  if (m.author === 'system') {
    return (
      <p class="msg system" data-seq={m.seq} data-id={m.id}>
        {m.text}{' '}
        <time dateTime={new Date(m.createdAt).toISOString()} title={formatDateTime(m.createdAt)}>
          {formatTime(m.createdAt)}
        </time>
      </p>
    );
  }
  if (editing) {
    return (
      <form
        class="msg operator editing"
        onSubmit={(e) => {
          e.preventDefault();
          const text = (e.currentTarget.elements.namedItem('text') as HTMLTextAreaElement).value;
          void s.edit(m.id, text).then((ok) => ok && setEditing(false));
        }}
      >
        <textarea name="text" aria-label="Edit message" defaultValue={m.text} rows={2} />
        <button type="submit">Save</button>
        <button type="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </form>
    );
  }
  return (
    <div class={`msg ${m.author}${m.deleted ? ' deleted' : ''}`} data-seq={m.seq} data-id={m.id}>
      <small class="meta">
        {m.author === 'operator' ? (m.operator?.name ?? 'Operator') : visitorName}{' '}
        <time dateTime={new Date(m.createdAt).toISOString()} title={formatDateTime(m.createdAt)}>
          {formatTime(m.createdAt)}
        </time>
      </small>
      {m.replyTo && (
        <blockquote class="quote">
          <cite>{quotedAuthor(s, m.replyTo, visitorName)}</cite>
          {m.replyTo.deleted ? 'message deleted' : m.replyTo.text}
        </blockquote>
      )}
      {m.deleted ? (
        <em class="text">message deleted</em>
      ) : (
        <span class="text" dir="auto">
          <LinkedText text={m.text} />
        </span>
      )}
      {m.attachments && !m.deleted && <Attachments s={s} list={m.attachments} />}
      <small class="actions">
        {m.editedAt && !m.deleted && <span>edited</span>}
        {seen && <span class="seen">Seen</span>}
        {open && m.author === 'visitor' && (
          <button type="button" onClick={() => (s.replyingTo.value = m)}>
            Reply
          </button>
        )}
        {open && mine && !m.deleted && (
          <>
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" onClick={() => askToDelete(s, m)}>
              Delete
            </button>
          </>
        )}
      </small>
    </div>
  );
}

export function Chat({ s }: { s: OperatorSession }) {
  const id = s.selectedId.value;
  const conversation = id ? s.conversations.value.get(id) : undefined;
  const log = useRef<HTMLDivElement>(null);
  const typing = useMemo(() => createTypingSignal(s.typingSignal), [s]);
  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
    s.markRead();
  }, [s.messages.value.length, s.pending.value.length, id]);
  const status = id ? s.conversations.value.get(id)?.status : undefined;
  const transcriptButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // The chat ended under the keyboard (End chat, Spam and the reply box go with it):
    // focus stays in the chat, on what is left to do with it, instead of the page's top.
    const lost = !document.activeElement || document.activeElement === document.body;
    if (status && status !== 'open' && lost) transcriptButton.current?.focus();
  }, [status, id]);

  if (!conversation)
    return (
      <section class="chat">
        <p class="placeholder">Choose a conversation.</p>
      </section>
    );
  const rating = conversation.rating;
  const label = conversationLabel(conversation);
  const me = s.me.value?.id;
  // A chat belongs to one operator: only they write in it and pass it on (the server enforces it).
  const holder = conversation.operatorId;
  const holderMember = s.team.value.find((m) => m.id === holder);
  const holderName = holderMember?.name ?? 'A colleague';
  // An operator who has gone (no console) does not keep the chat: a reply takes it over.
  const holderGone = holder !== null && holder !== me && holderMember?.status === 'offline';
  const mayWrite = holder === null || holder === me || holderGone;
  // Ending is the holder's alone, even when they are gone (a reply takes the chat over first).
  const mayEnd = holder === null || holder === me;
  const transfer = conversation.transfer?.toOperatorId === me ? conversation.transfer : undefined;
  const transferFrom = transfer && s.team.value.find((m) => m.id === transfer.fromOperatorId)?.name;
  const now = Date.now();
  const replying = s.replyingTo.value;
  return (
    <section class="chat" aria-label={`Conversation with ${label.name}`}>
      <header>
        <BackToList label="Chats" onBack={() => (s.selectedId.value = null)} />
        <span>
          <strong class="visitor-name">{label.name}</strong>{' '}
          <span class={`trust ${label.trust}`}>{TRUST_TEXT[label.trust]}</span>
          {label.email && <span class="email"> {label.email}</span>}
          {rating?.state === 'given' && (
            <span class={rating.score! < 4 ? 'badge low' : 'badge'}>
              {' '}
              Rated ★{rating.score}
              {rating.comment ? ` — ${rating.comment}` : ''}
            </span>
          )}
        </span>
        {/* One group, so on a phone the actions wrap together rather than a row each. */}
        <span class="actions">
          <button
            type="button"
            class="transcript"
            ref={transcriptButton}
            onClick={() => void s.downloadTranscript(conversation.id, 'html')}
          >
            Transcript
          </button>
          {conversation.status === 'open' && mayWrite && (
            <button type="button" class="transfer-chat" onClick={() => (transferOpen.value = true)}>
              Transfer
            </button>
          )}
          {conversation.status === 'open' && mayEnd && (
            <>
              <button type="button" class="close-chat" onClick={() => askToClose(s, false)} aria-keyshortcuts="e">
                End chat
              </button>
              <button type="button" class="close-chat spam" onClick={() => askToClose(s, true)} aria-keyshortcuts="s">
                Spam
              </button>
            </>
          )}
        </span>
      </header>
      {!s.connected.value && (
        <p class="connection-lost" role="status">
          The connection to the server is lost; reconnecting… Replies you send wait and go out when it is back.
        </p>
      )}
      {closeRefusal.value?.conversationId === conversation.id && (
        <p class="transfer-note" role="alert">
          {closeRefusal.value.text}
        </p>
      )}
      {holderGone && conversation.status === 'open' && (
        <p class="transfer-note">{holderName} is offline: your reply takes this chat over.</p>
      )}
      {transfer && conversation.status === 'open' && (
        <p class="transfer-note" data-transfer>
          <strong>{transferFrom ? `Passed on to you by ${transferFrom}` : 'Passed on to you'}</strong>
          {transfer.comment ? `: ${transfer.comment}` : '.'}
        </p>
      )}
      <details class="context-panel">
        <summary>Visitor context</summary>
        <ContextFacts context={s.context.value} visitor={s.online.value.get(conversation.visitorId)} />
      </details>
      <div class="log" ref={log} role="log" aria-live="polite">
        <VisitorHistoryView s={s} conversation={conversation} />
        {withDaySeparators(s.messages.value).map((item) =>
          item.kind === 'day' ? (
            <p key={`day-${item.key}`} class="day">
              <time dateTime={item.key}>{formatDay(item.at, now)}</time>
            </p>
          ) : (
            <MessageItem
              key={item.message.id}
              s={s}
              m={item.message}
              visitorName={label.name}
              seen={item.message.author === 'operator' && item.message.seq <= conversation.visitorReadSeq}
            />
          ),
        )}
        {s.pending.value
          .filter((p) => p.conversationId === conversation.id)
          .map((p) => (
            <div key={p.clientId} class="msg operator pending">
              {p.text}
              {p.files?.map((file) => {
                const share = progress.value.get(file.key);
                return (
                  <small key={file.key} class="upload">
                    {file.name}
                    {share !== undefined && <progress value={share} max={1} aria-label={`Uploading ${file.name}`} />}
                  </small>
                );
              })}
              {p.error && (
                <small role="alert">
                  {p.error}{' '}
                  <button type="button" class="link" onClick={() => void s.sendAgain(p.clientId)}>
                    Send again
                  </button>
                </small>
              )}
            </div>
          ))}
      </div>
      <div class="visitor-typing" aria-live="polite">
        {s.typing.value.has(conversation.id) ? 'Visitor is typing…' : ''}
      </div>
      {conversation.status === 'open' && !mayWrite ? (
        <p class="placeholder held" role="status">
          {holderName} is answering this chat.
        </p>
      ) : conversation.status === 'open' ? (
        <>
          {replying && (
            <div class="replying">
              Replying to: <em>{replying.text.slice(0, 80)}</em>{' '}
              <button type="button" onClick={() => (s.replyingTo.value = null)}>
                Cancel
              </button>
            </div>
          )}
          <Composer s={s} onInput={typing.input} onSent={typing.stop} />
        </>
      ) : (
        <p class="placeholder">
          This conversation is closed{conversation.closeReason === 'spam' ? ' as spam' : ''}.
          {conversation.closeReason === 'spam' &&
            (s.unbanned.value.has(conversation.id) ? (
              <span role="status"> The visitor may chat again.</span>
            ) : (
              <>
                {' '}
                <button type="button" class="unban" onClick={() => void s.unban(conversation.id)}>
                  Undo spam (unblock the visitor)
                </button>
              </>
            ))}
        </p>
      )}
    </section>
  );
}
