/**
 * How many connections (tabs, devices) each visitor has open, so that the console hears
 * `visitor:offline` once, when the last one closes. Two implementations of one interface:
 * this one counts in the process (one node); redis-visitor-connections.ts counts per
 * node in Redis, so a visitor with a tab on each of two nodes stays on site until both
 * close, whichever node each tab reached.
 */
export interface VisitorConnections {
  /** A connection of the visitor opened on this node. */
  opened(site: string, visitorId: string): void;
  /**
   * One closed on this node: true when it was the visitor's last here. Whether another
   * node still has them is asked for a whole window of leaves at once (`connected`).
   */
  closed(site: string, visitorId: string): boolean;
  /**
   * Of these `connectionKey`s, the visitors with a connection open anywhere now: one
   * lookup for a whole batch of leaves (a promise when the other nodes must be asked).
   * With several nodes it also takes the leaves of this node's batch out of the shared
   * view, in the same step, so two nodes' windows never both miss a visitor's last tab.
   */
  connected(keys: string[]): Set<string> | Promise<Set<string>>;
  close(): void | Promise<void>;
}

export const connectionKey = (site: string, visitorId: string) => `${site}/${visitorId}`;

export function localVisitorConnections(): VisitorConnections {
  const counts = new Map<string, number>();
  return {
    opened(site, visitorId) {
      const key = connectionKey(site, visitorId);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    closed(site, visitorId) {
      const key = connectionKey(site, visitorId);
      const left = (counts.get(key) ?? 1) - 1;
      if (left > 0) {
        counts.set(key, left);
        return false;
      }
      counts.delete(key);
      return true;
    },
    connected(keys) {
      return new Set(keys.filter((key) => counts.has(key)));
    },
    close() {
      counts.clear();
    },
  };
}
