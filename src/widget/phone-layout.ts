/**
 * The panel's phone layout: full-screen below this width (base-css.ts), which a desktop
 * zoomed to 400 % reaches too. The page's own controls are then hidden behind the panel,
 * so Tab and Shift+Tab go round the panel's controls instead of leaving for them.
 */
export const PHONE_LAYOUT = '(max-width:480px)';

/** The panel's `keydown`: at its last control Tab goes to the first, and Shift+Tab the other way. */
export function keepTabInPanel(event: KeyboardEvent): void {
  if (event.key !== 'Tab' || !matchMedia(PHONE_LAYOUT).matches) return;
  const stops = [
    ...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('a[href],button,input,textarea,[tabindex]'),
  ].filter((element) => element.tabIndex >= 0 && element.getClientRects().length);
  const ends = [stops[0], stops[stops.length - 1]];
  const [first, last] = event.shiftKey ? ends.reverse() : ends;
  if (event.target !== last) return;
  event.preventDefault();
  first?.focus();
}
