/**
 * Phones. A virtual keyboard shrinks the visual viewport, not the layout viewport the
 * full-screen panel is fixed to, so the composer would sit under the keyboard; and any
 * shrinking of the panel leaves the newest message below the fold. While the panel is
 * open in its full-screen (phone) layout it is fitted to the visual viewport, and a list
 * that showed the newest message keeps showing it.
 */
import { PHONE_LAYOUT } from './phone-layout';

/** Closer than this to the bottom counts as showing the newest message. */
const NEWEST_SLACK_PX = 24;

/** Follows the viewport for `panel` until the returned function is called. */
export function followViewport(panel: HTMLElement): () => void {
  const viewport = window.visualViewport;
  const phone = matchMedia(PHONE_LAYOUT);
  const list = () => panel.querySelector<HTMLElement>('.log');
  /** Whether the list shows its newest message; it opens there. */
  let atNewest = true;
  const onScroll = (event: Event) => {
    const element = list();
    if (event.target !== element || !element) return;
    atNewest = element.scrollTop + element.clientHeight >= element.scrollHeight - NEWEST_SLACK_PX;
  };
  const keepNewest = () => {
    const element = list();
    if (element && atNewest) element.scrollTop = element.scrollHeight;
  };
  const fitPanel = () => {
    const style = panel.style;
    if (viewport && phone.matches) {
      style.top = `${viewport.offsetTop}px`;
      style.left = `${viewport.offsetLeft}px`;
      style.width = `${viewport.width}px`;
      style.height = `${viewport.height}px`;
      style.bottom = style.right = 'auto';
    } else {
      style.top = style.left = style.width = style.height = style.bottom = style.right = '';
    }
    keepNewest();
  };
  // The panel's own size changes too when the layout viewport does (rotation, a browser
  // that resizes the page for its keyboard): the list then keeps its newest message as well.
  const resized = new ResizeObserver(keepNewest);
  resized.observe(panel);
  panel.addEventListener('scroll', onScroll, true);
  viewport?.addEventListener('resize', fitPanel);
  viewport?.addEventListener('scroll', fitPanel);
  phone.addEventListener('change', fitPanel);
  fitPanel();
  return () => {
    resized.disconnect();
    panel.removeEventListener('scroll', onScroll, true);
    viewport?.removeEventListener('resize', fitPanel);
    viewport?.removeEventListener('scroll', fitPanel);
    phone.removeEventListener('change', fitPanel);
    panel.style.top = panel.style.left = panel.style.width = panel.style.height = '';
    panel.style.bottom = panel.style.right = '';
  };
}
