/**
 * Which operators are there, and in what status. An operator is present while at least
 * one console is connected; when the last one goes, they count as present for a grace
 * period (a reload, a flaky network), then as offline.
 *
 * Two implementations of one interface: this one keeps everything in the process (one
 * node); redis-presence.ts keeps it in Redis for several nodes. Both call `onChange(site)`
 * on every node whose view of a site's team changed, so each node tells its own sockets.
 */
import type { OperatorStatus } from '../../src/protocol';

interface Entry {
  sockets: Set<string>;
  chosen: OperatorStatus;
  graceTimer?: ReturnType<typeof setTimeout>;
  gone: boolean;
}

export function createPresence(graceMs: number, onChange: (site: string) => void): Presence {
  const entries = new Map<string, Entry>();
  const key = (site: string, operatorId: string) => `${site}\u0000${operatorId}`;
  const entry = (site: string, operatorId: string) => {
    let found = entries.get(key(site, operatorId));
    if (!found) {
      found = { sockets: new Set(), chosen: 'available', gone: true };
      entries.set(key(site, operatorId), found);
    }
    return found;
  };

  return {
    connect(site: string, operatorId: string, socketId: string) {
      const e = entry(site, operatorId);
      clearTimeout(e.graceTimer);
      e.sockets.add(socketId);
      const changed = e.gone;
      e.gone = false;
      if (changed) onChange(site);
    },
    disconnect(site: string, operatorId: string, socketId: string) {
      const e = entry(site, operatorId);
      e.sockets.delete(socketId);
      if (e.sockets.size > 0) return;
      clearTimeout(e.graceTimer);
      e.graceTimer = setTimeout(() => {
        e.gone = true;
        onChange(site);
      }, graceMs);
    },
    setStatus(site: string, operatorId: string, status: OperatorStatus) {
      const e = entry(site, operatorId);
      if (e.chosen === status) return;
      e.chosen = status;
      onChange(site);
    },
    /** The status others see: the chosen one while present, offline once gone. */
    status(site: string, operatorId: string): OperatorStatus {
      const e = entries.get(key(site, operatorId));
      return !e || e.gone ? 'offline' : e.chosen;
    },
    /** The status the operator chose, whether or not they are connected. */
    chosen(site: string, operatorId: string): OperatorStatus {
      return entries.get(key(site, operatorId))?.chosen ?? 'available';
    },
    close() {
      for (const e of entries.values()) clearTimeout(e.graceTimer);
    },
  };
}

export interface Presence {
  connect(site: string, operatorId: string, socketId: string): void;
  disconnect(site: string, operatorId: string, socketId: string): void;
  setStatus(site: string, operatorId: string, status: OperatorStatus): void;
  /** The status others see: the chosen one while present, offline once gone. */
  status(site: string, operatorId: string): OperatorStatus;
  /** The status the operator chose, whether or not they are connected. */
  chosen(site: string, operatorId: string): OperatorStatus;
  close(): void | Promise<void>;
}
