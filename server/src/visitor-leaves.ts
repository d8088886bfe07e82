import { connectionKey } from './visitor-connections';

/**
 * "Visitor left", gathered for the consoles. Visitors whose last connection closed within
 * one short window are told to each site's consoles together, once the window ends: when
 * thousands leave at once (a deploy of the site, a network blip), the server encodes and
 * writes one event per site instead of one per visitor, and the console updates its list
 * once instead of once per visitor.
 *
 * A visitor who comes back before their leave was told is simply not told as gone: the
 * consoles never see them leave, as if the connection had not closed. With several nodes
 * the visitor may come back on another node (this one drains or died): at the end of the
 * window one lookup (`connected`, of every node's connections) drops those connected
 * again anywhere, so a console never hears `visitor:online` and then a stale "left".
 */
export interface VisitorLeaves {
  /** The visitor's last connection closed: their site's consoles hear of it within the window. */
  left(siteId: string, visitorId: string): void;
  /** A connection of the visitor opened: a leave not told yet is dropped. */
  returned(siteId: string, visitorId: string): void;
  /** Tells what is pending now (shutting down) and stops: a leave after it is not told (no console is left). */
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
  /** Of these `connectionKey`s, who is connected again anywhere (one call per window). */
  connected?: (keys: string[]) => Set<string> | Promise<Set<string>>,
): VisitorLeaves {
  /** Per site, the visitors gone since the window opened (a Set: leaving and returning is O(1)). */
  let pending = new Map<string, Set<string>>();
  /** Windows whose lookup is under way: a visitor back meanwhile is dropped from them too. */
  const looking = new Set<Map<string, Set<string>>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const tellAll = (gone: Map<string, Set<string>>, here: Set<string>) => {
    for (const [siteId, visitorIds] of gone) {
      const left = [...visitorIds].filter((id) => !here.has(connectionKey(siteId, id)));
      if (left.length > 0) tell(siteId, left);
    }
  };

  const flush = () => {
    timer = undefined;
    const gone = pending;
    pending = new Map();
    const keys = [...gone].flatMap(([siteId, ids]) => [...ids].map((id) => connectionKey(siteId, id)));
    if (!connected || keys.length === 0) return tellAll(gone, new Set());
    let here: Set<string> | Promise<Set<string>>;
    try {
      here = connected(keys);
    } catch {
      // The lookup failed (Redis away): they are told gone, as before it existed.
      here = new Set();
    }
    if (!(here instanceof Promise)) return tellAll(gone, here);
    looking.add(gone);
    const done = (found: Set<string>) => {
      looking.delete(gone);
      tellAll(gone, found);
    };
    here.then(done, () => done(new Set()));
  };

  return {
    left(siteId, visitorId) {
      if (closed) return;
      const site = pending.get(siteId) ?? new Set<string>();
      pending.set(siteId, site);
      site.add(visitorId);
      timer ??= setTimeout(flush, windowMs);
    },
    returned(siteId, visitorId) {
      pending.get(siteId)?.delete(visitorId);
      for (const gone of looking) gone.get(siteId)?.delete(visitorId);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      flush();
    },
  };
}
