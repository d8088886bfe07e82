/**
 * Passing the open chat on: to an available colleague, or to a group (the server picks
 * whoever there has the fewest open chats), with a comment for them. Colleagues who
 * cannot take it now are listed with their status but cannot be chosen; the server
 * checks again and says why when someone's status changed meanwhile.
 */
import { useState } from 'preact/hooks';
import { Modal } from './dialog';
import type { OperatorSession } from './session';
import { STATUS_LABEL } from './statuses';
import { transferOpen } from './ui-state';

export function TransferDialog({ s }: { s: OperatorSession }) {
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const close = () => (transferOpen.value = false);
  const me = s.me.value?.id;
  const colleagues = s.team.value.filter((m) => m.id !== me);
  const groups = [...new Set(s.team.value.flatMap((m) => m.groups ?? []))].sort();
  const firstAvailable = colleagues.find((m) => m.status === 'available');
  // Controlled: Preact has no `defaultValue` for a select. The first available colleague
  // is chosen when the dialog opens.
  const [to, setTo] = useState(firstAvailable ? `operator:${firstAvailable.id}` : '');
  return (
    <Modal title="Transfer this chat" onClose={close} class="transfer">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const comment = (form.elements.namedItem('comment') as HTMLTextAreaElement).value;
          if (!to) return setProblem('Choose a colleague or a group.');
          setBusy(true);
          const error = await s.transfer(
            to.startsWith('group:') ? { toGroupId: to.slice(6) } : { toOperatorId: to.slice(9) },
            comment,
          );
          setBusy(false);
          if (error) setProblem(error);
          else close();
        }}
      >
        <p>The visitor is told the chat was passed on and sees the new operator. You can no longer write in it.</p>
        <label>
          To{' '}
          <select name="to" data-autofocus value={to} onChange={(e) => setTo(e.currentTarget.value)}>
            <option value="">Choose…</option>
            <optgroup label="Colleagues">
              {colleagues.map((m) => (
                <option value={`operator:${m.id}`} disabled={m.status !== 'available'}>
                  {m.name} — {STATUS_LABEL[m.status]}
                </option>
              ))}
            </optgroup>
            {groups.length > 0 && (
              <optgroup label="Groups">
                {groups.map((g) => (
                  <option value={`group:${g}`}>Group: {g}</option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <label>
          Comment for them{' '}
          <textarea name="comment" rows={3} maxLength={1000} placeholder="What the visitor needs, what you did" />
        </label>
        {problem && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
        <div class="modal-actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Transfer
          </button>
        </div>
      </form>
    </Modal>
  );
}
