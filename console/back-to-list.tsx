/**
 * On a phone the list and the open chat (or request) take turns on the screen: this goes
 * back to the list. console.css shows it only on narrow screens, where the list is hidden.
 */
export function BackToList({ label, onBack }: { label: string; onBack: () => void }) {
  return (
    <button type="button" class="back" onClick={onBack}>
      <span aria-hidden="true">←</span>
      {label}
    </button>
  );
}
