/** Inline SVG icons; decorative, so hidden from assistive technology. */
export const icon = (d: string) => () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d={d} />
  </svg>
);

/** An ×: the panel's close button, and the launcher while the panel is open. */
export const CLOSE_PATH = 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z';
export const CloseIcon = icon(CLOSE_PATH);
export const SendIcon = icon('M3 20.5V14l9-2-9-2V3.5L22 12z');
