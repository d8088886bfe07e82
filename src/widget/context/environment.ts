/**
 * The visitor's language, time zone, screen and device, as the browser reports them
 * (values the browser produces; the server bounds and validates them again).
 */
import type { Environment } from '../../protocol';

/** `Temporal`, where the browser has it (Chromium 144+, Firefox 139+); not yet in TypeScript's lib. */
type TemporalNow = { Now: { timeZoneId(): string } };

/**
 * The IANA time zone. Temporal reads it without building a date formatter: the first
 * `Intl.DateTimeFormat()` in a fresh renderer loads locale data, ~30 ms on a desktop and
 * ~100 ms on a phone, a long task in the middle of connecting. Same value either way.
 */
function timeZone(): string {
  const temporal = (globalThis as { Temporal?: TemporalNow }).Temporal;
  return temporal?.Now.timeZoneId() ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function environment(): Environment {
  const coarse = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
  return {
    language: navigator.language,
    timeZone: timeZone(),
    utcOffset: -new Date().getTimezoneOffset(),
    screen: { width: screen.width, height: screen.height },
    viewport: { width: innerWidth, height: innerHeight },
    device: coarse && Math.min(screen.width, screen.height) < 768 ? 'mobile' : 'desktop',
  };
}
