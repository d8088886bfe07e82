/**
 * "Visitor left", gathered for the consoles. Visitors whose last connection closed within
 * one short window are told to each site's consoles together, once the window ends: when
 * thousands leave at once (a deploy of the site, a network blip), the server encodes and
 * writes one event per site instead of one per visitor, and the console updates its list
 * once instead of once per visitor.
 *
 * A visitor who comes back before their leave was told is simply not told as gone: the
 * consoles never see them leave, as if the connection had not closed.
 */
export interface VisitorLeaves {
  /** The visitor's last connection closed: their site's consoles hear of it within the window. */
  left(siteId: string, visitorId: string): void;
  /** A connection of the visitor opened: a leave not told yet is dropped. */
  returned(siteId: string, visitorId: string): void;
  /** Tells what is pending now (shutting down) and stops. */
  close(): void;
}

/**
 * Long enough to gather a mass disconnect, which reaches the server over a few hundred
 * milliseconds; short enough that an operator does not notice the delay.
 */
export const LEAVE_WINDOW_MS = 100;

export function createVisitorLeaves(
  tell: (siteId: string, visitorIds: string[]) => void,
  windowMs = LEAVE_WINDOW_MS,
): VisitorLeaves {
  /** Per site, the visitors gone since the window opened (a Set: leaving and returning is O(1)). */
  let pending = new Map<string, Set<string>>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    const gone = pending;
    pending = new Map();
    for (const [siteId, visitorIds] of gone) if (visitorIds.size > 0) tell(siteId, [...visitorIds]);
  };

  return {
    left(siteId, visitorId) {
      const site = pending.get(siteId) ?? new Set<string>();
      pending.set(siteId, site);
      site.add(visitorId);
      timer ??= setTimeout(flush, windowMs);
    },
    returned(siteId, visitorId) {
      pending.get(siteId)?.delete(visitorId);
    },
    close() {
      clearTimeout(timer);
      flush();
    },
  };
}
