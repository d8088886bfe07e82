/**
 * Events for the host page, as callbacks (`Confab('on', 'message', fn)`) and as window
 * CustomEvents (`confab:message`). A throwing host callback is reported, never rethrown
 * into the widget.
 */
export interface HostEvents {
  ready: void;
  open: void;
  close: void;
  message: { author: 'visitor' | 'operator'; text: string; conversationId: string };
  unread: { count: number };
  /** A request from the offline form reached the server. */
  lead: { leadId: string; name?: string; phone?: string; email?: string; message?: string };
  /** The visitor rated a finished chat. */
  rating: { conversationId: string; score: number; comment?: string };
}

export type HostEventName = keyof HostEvents;
type Listener = (detail: unknown) => void;

export const HOST_EVENTS: readonly HostEventName[] = ['ready', 'open', 'close', 'message', 'unread', 'lead', 'rating'];

export function createEmitter() {
  const listeners = new Map<string, Set<Listener>>();
  return {
    on(name: string, listener: Listener) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)!.add(listener);
    },
    off(name: string, listener: Listener) {
      listeners.get(name)?.delete(listener);
    },
    emit<E extends HostEventName>(name: E, detail: HostEvents[E]) {
      for (const listener of listeners.get(name) ?? []) {
        try {
          listener(detail);
        } catch (error) {
          console.error(`Confab: a "${name}" listener threw`, error);
        }
      }
      dispatchEvent(new CustomEvent(`confab:${name}`, { detail }));
    },
  };
}

export type Emitter = ReturnType<typeof createEmitter>;
