/** Managing one's own canned replies (the team's, from the site config, are read-only here). */
import { useState } from 'preact/hooks';
import type { CannedReply } from '../src/protocol';
import { Modal } from './dialog';
import { CANNED_LIMITS } from './models/canned';
import type { OperatorSession } from './session';
import { cannedOpen } from './ui-state';

export function CannedDialog({ s }: { s: OperatorSession }) {
  const [editing, setEditing] = useState<CannedReply | null>(null);
  const [problem, setProblem] = useState('');
  const close = () => (cannedOpen.value = false);
  return (
    <Modal title="Canned replies" onClose={close} class="canned">
      <p>
        Type <kbd>/</kbd> at the start of a reply to insert one; you can edit it before sending.
      </p>
      <ul class="canned-list" aria-label="Your canned replies">
        {s.canned.all.value.length === 0 && <li class="note">None yet.</li>}
        {s.canned.all.value.map((reply) => (
          <li key={reply.id}>
            <strong>{reply.title}</strong> {reply.shared && <span class="badge">team</span>}
            <span class="preview">{reply.text}</span>
            {!reply.shared && (
              <span class="actions">
                <button
                  type="button"
                  class="link"
                  onClick={() => {
                    setEditing(reply);
                    setProblem('');
                  }}
                >
                  Edit<span class="sr-only"> {reply.title}</span>
                </button>
                <button type="button" class="link" onClick={() => s.canned.remove(reply.id)}>
                  Delete<span class="sr-only"> {reply.title}</span>
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      <form
        key={editing?.id ?? 'new'}
        class="canned-form"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const title = (form.elements.namedItem('title') as HTMLInputElement).value;
          const text = (form.elements.namedItem('text') as HTMLTextAreaElement).value;
          const error = s.canned.save(title, text, editing?.id);
          setProblem(error ?? '');
          if (!error) {
            setEditing(null);
            form.reset();
          }
        }}
      >
        <label>
          Title{' '}
          <input
            name="title"
            data-autofocus
            maxLength={CANNED_LIMITS.title}
            defaultValue={editing?.title ?? ''}
            required
          />
        </label>
        <label>
          Text{' '}
          <textarea name="text" rows={3} maxLength={CANNED_LIMITS.text} defaultValue={editing?.text ?? ''} required />
        </label>
        {(problem || s.canned.failure.value) && (
          <p class="error" role="alert">
            {problem || s.canned.failure.value}
          </p>
        )}
        <div class="modal-actions">
          {editing && (
            <button type="button" onClick={() => setEditing(null)}>
              Cancel edit
            </button>
          )}
          <button type="submit" class="primary">
            {editing ? 'Save changes' : 'Add reply'}
          </button>
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
      </form>
    </Modal>
  );
}
