/**
 * The reply field: Enter sends, Shift+Enter breaks the line, and "/" at the start opens
 * the canned replies — type to search, arrows to choose, Enter or Tab to insert the text
 * (then edit it before sending), Escape to close the list.
 */
import { useRef, useState } from 'preact/hooks';
import type { CannedReply } from '../src/protocol';
import { ChosenList, RecorderBar, useChosenFiles } from './attach-bar';
import { searchCanned } from './models/canned';
import type { OperatorSession } from './session';
import { cannedOpen } from './ui-state';

const MAX_SHOWN = 8;

/** The search after a leading "/", or null when the field is not asking for a canned reply. */
export function cannedQuery(value: string): string | null {
  const match = /^\/([^\n]*)$/.exec(value);
  return match ? match[1]! : null;
}

export function Composer({ s, onInput, onSent }: { s: OperatorSession; onInput: () => void; onSent: () => void }) {
  const field = useRef<HTMLTextAreaElement>(null);
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const matches = query === null ? [] : searchCanned(s.canned.all.value, query).slice(0, MAX_SHOWN);
  const listOpen = matches.length > 0;
  const chosen = matches[Math.min(active, matches.length - 1)];
  const uploads = s.uploads.value;
  const files = useChosenFiles(uploads);
  const [recording, setRecording] = useState(false);

  const send = (attached = files.chosen) => {
    const el = field.current!;
    void s.reply(el.value, attached);
    el.value = '';
    files.clear();
    setQuery(null);
    onSent();
  };
  const insert = (reply: CannedReply) => {
    const el = field.current!;
    el.value = reply.text;
    setQuery(null);
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
    onInput();
  };

  return (
    <form
      class="reply"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      onDragOver={(e) => uploads && e.preventDefault()}
      onDrop={(e) => {
        if (!uploads || !e.dataTransfer?.files.length) return;
        e.preventDefault();
        files.add([...e.dataTransfer.files]);
      }}
      onPaste={(e) => {
        if (!uploads || !e.clipboardData?.files.length) return;
        e.preventDefault();
        files.add([...e.clipboardData.files]);
      }}
    >
      {uploads && <ChosenList files={files} />}
      {uploads && recording && (
        <RecorderBar uploads={uploads} onSend={(blob, mime, ms) => send(files.addRecording(blob, mime, ms))} />
      )}
      {listOpen && (
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the ARIA combobox pattern: a list of options, owned by the field
        <ul class="canned-options" role="listbox" id="canned-options" aria-label="Canned replies">
          {matches.map((reply, i) => (
            // biome-ignore lint/a11y/useFocusableInteractive: focus stays in the field; the active option is its aria-activedescendant
            <li
              key={reply.id}
              id={`canned-${reply.id}`}
              // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: an option of the combobox listbox above
              role="option"
              aria-selected={reply === chosen}
              // mousedown, not click: the field keeps the focus.
              onMouseDown={(e) => {
                e.preventDefault();
                insert(reply);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <strong>{reply.title}</strong>
              {reply.shared && <span class="badge"> team</span>}
              <span class="preview">{reply.text}</span>
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={field}
        name="reply"
        rows={2}
        aria-label="Reply"
        aria-keyshortcuts="r"
        aria-autocomplete="list"
        aria-controls={listOpen ? 'canned-options' : undefined}
        aria-activedescendant={listOpen && chosen ? `canned-${chosen.id}` : undefined}
        placeholder="Reply — type / for canned replies"
        onInput={(e) => {
          const next = cannedQuery(e.currentTarget.value);
          if (next !== query) setActive(0);
          setQuery(next);
          onInput();
        }}
        onKeyDown={(e) => {
          if (e.isComposing) return;
          if (listOpen) {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              const step = e.key === 'ArrowDown' ? 1 : -1;
              setActive((Math.min(active, matches.length - 1) + step + matches.length) % matches.length);
              return;
            }
            if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
              e.preventDefault();
              if (chosen) insert(chosen);
              return;
            }
            if (e.key === 'Escape') {
              // Close the list only; a second Escape leaves the field.
              e.preventDefault();
              setQuery(null);
              return;
            }
          }
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            send();
          }
        }}
      />
      {uploads && (
        <>
          <label class="secondary attach">
            Attach
            <input
              type="file"
              multiple
              class="sr-only"
              accept={uploads.types.join()}
              onChange={(e) => {
                files.add([...(e.currentTarget.files ?? [])]);
                e.currentTarget.value = '';
              }}
            />
          </label>
          <button type="button" class="secondary" aria-pressed={recording} onClick={() => setRecording(!recording)}>
            Voice
          </button>
        </>
      )}
      <button type="button" class="secondary" onClick={() => (cannedOpen.value = true)}>
        Canned replies
      </button>
      <button type="submit">Send</button>
    </form>
  );
}
