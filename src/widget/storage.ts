/**
 * Key-value storage for one site. localStorage when the browser lets us use it; memory
 * when it throws (privacy modes, sandboxed iframes, a full quota), so the widget keeps
 * working for this page view instead of failing.
 */
export interface Storage {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  remove(key: string): void;
  /** Whether values survive a reload. */
  readonly persistent: boolean;
  /** Starts writing to the browser (after consent), including what was kept in memory. */
  persist(): void;
  /**
   * Calls `handler` when another tab of this site writes `key` (the browser's `storage`
   * event; never for this tab's own writes). Returns the unsubscribe.
   */
  watch<T>(key: string, handler: (value: T | undefined) => void): () => void;
}

function openLocalStorage(): globalThis.Storage | null {
  try {
    const store = window.localStorage;
    const probe = '__confab_probe__';
    store.setItem(probe, probe);
    store.removeItem(probe);
    return store;
  } catch {
    return null;
  }
}

/**
 * @param persist  false in consent mode: nothing is written to the browser until
 *                 `persist()` is called (values live in memory meanwhile)
 */
export function createStorage(namespace: string, persist = true): Storage {
  const memory = new Map<string, string>();
  let backing = openLocalStorage();
  let writing = persist;
  const prefix = `confab:${namespace}:`;

  const read = (key: string): string | null => {
    if (backing) {
      try {
        return backing.getItem(prefix + key);
      } catch {
        backing = null;
      }
    }
    return memory.get(key) ?? null;
  };
  const write = (key: string, raw: string) => {
    if (!backing || !writing) return;
    try {
      backing.setItem(prefix + key, raw);
    } catch {
      // Quota or revoked access: keep going from memory, which already has the value.
      backing = null;
    }
  };

  return {
    get<T>(key: string): T | undefined {
      // While writing to the browser, the browser's copy is the truth: another tab may
      // have changed it since this tab last wrote.
      const raw = (writing && backing ? read(key) : null) ?? memory.get(key) ?? read(key);
      if (raw === null) return undefined;
      try {
        return JSON.parse(raw) as T;
      } catch {
        return undefined;
      }
    },
    set(key, value) {
      const raw = JSON.stringify(value);
      memory.set(key, raw);
      write(key, raw);
    },
    remove(key) {
      memory.delete(key);
      try {
        backing?.removeItem(prefix + key);
      } catch {
        backing = null;
      }
    },
    watch(key, handler) {
      const onStorage = (event: StorageEvent) => {
        if (writing && event.key === prefix + key) handler(this.get(key));
      };
      addEventListener('storage', onStorage);
      return () => removeEventListener('storage', onStorage);
    },
    get persistent() {
      return backing !== null && writing;
    },
    persist() {
      if (writing) return;
      writing = true;
      memory.forEach((raw, key) => write(key, raw));
    },
  };
}
