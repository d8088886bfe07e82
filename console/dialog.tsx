/**
 * A modal dialog on the native <dialog> (showModal makes the rest of the page inert).
 * Tab and Shift+Tab cycle inside it, Escape cancels, and the focus starts on the safe
 * choice and returns where it was when the dialog closes.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Modal({
  title,
  onClose,
  children,
  class: className,
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  class?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    const returnTo = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    (dialog.querySelector<HTMLElement>('[data-autofocus]') ?? dialog.querySelector<HTMLElement>(FOCUSABLE))?.focus();
    return () => {
      if (dialog.open) dialog.close();
      returnTo?.focus?.();
    };
  }, []);
  const trapTab = (event: KeyboardEvent) => {
    if (event.key !== 'Tab') return;
    const items = [...ref.current!.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items.at(-1)!;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };
  return (
    <dialog
      ref={ref}
      class={`modal ${className ?? ''}`}
      aria-labelledby="modal-title"
      onKeyDown={trapTab}
      onCancel={(e) => {
        // Escape: close through the owner, so its state says closed too.
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="modal-title">{title}</h2>
      {children}
    </dialog>
  );
}

export interface Confirmation {
  title: string;
  body: string;
  /** The destructive button's words: say exactly what happens ("End chat", "Mark as spam and block"). */
  confirm: string;
  danger?: boolean;
  onConfirm: () => void;
}

export function ConfirmDialog({ confirmation, onClose }: { confirmation: Confirmation; onClose: () => void }) {
  return (
    <Modal title={confirmation.title} onClose={onClose} class="confirm">
      <p>{confirmation.body}</p>
      <div class="modal-actions">
        <button type="button" class="secondary" data-autofocus onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          class={confirmation.danger ? 'danger' : 'primary'}
          onClick={() => {
            onClose();
            confirmation.onConfirm();
          }}
        >
          {confirmation.confirm}
        </button>
      </div>
    </Modal>
  );
}
