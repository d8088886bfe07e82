/**
 * The visitor's language, time zone, screen and device, as the browser reports them
 * (values the browser produces; the server bounds and validates them again).
 */
import type { Environment } from '../../protocol';

export function environment(): Environment {
  const coarse = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
  return {
    language: navigator.language,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    utcOffset: -new Date().getTimezoneOffset(),
    screen: { width: screen.width, height: screen.height },
    viewport: { width: innerWidth, height: innerHeight },
    device: coarse && Math.min(screen.width, screen.height) < 768 ? 'mobile' : 'desktop',
  };
}
