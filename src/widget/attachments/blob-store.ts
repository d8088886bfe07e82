/**
 * The bytes of files waiting to be sent, by their upload key. IndexedDB when the browser
 * gives us one, so a reload does not lose a picked file or a recording; memory when it
 * does not (privacy modes, consent not yet given), for this page view. The bytes are
 * kept as an ArrayBuffer with their type: every IndexedDB stores those, not every one
 * stores a Blob.
 */
const DATABASE = 'confab-files';
const STORE = 'files';
/**
 * Beside a file's bytes, under this prefix and its key: the file's message has entered the
 * outbox, so once no message names the key, nothing will send it again (see keeper.ts).
 */
const QUEUED = 'queued:';

interface StoredFile {
  bytes: ArrayBuffer;
  type: string;
}

let opening: Promise<IDBDatabase | null> | undefined;

function open(): Promise<IDBDatabase | null> {
  opening ??= new Promise((resolve) => {
    try {
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
  return opening;
}

/** Runs one request in its own transaction; undefined when IndexedDB is unavailable or fails. */
async function run<T>(mode: IDBTransactionMode, call: (store: IDBObjectStore) => IDBRequest): Promise<T | undefined> {
  const db = await open();
  if (!db) return undefined;
  return new Promise((resolve) => {
    try {
      const request = call(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result as T);
      request.onerror = () => resolve(undefined);
    } catch {
      resolve(undefined);
    }
  });
}

/**
 * A store over the one database; each page view has one (`blobs` below), and a test makes
 * a second to see what a reloaded page would find.
 */
export function createBlobStore() {
  const memory = new Map<string, Blob>();
  /** Keys whose bytes are in IndexedDB (written or read there): only these are ever marked queued. */
  const persisted = new Set<string>();

  /** The file was sent or given up: its bytes go. */
  const remove = async (key: string): Promise<void> => {
    memory.delete(key);
    persisted.delete(key);
    // Nothing of this page view went to IndexedDB (no consent yet): do not even open it.
    if (!opening) return;
    await run('readwrite', (store) => store.delete(key));
    await run('readwrite', (store) => store.delete(QUEUED + key));
  };

  return {
    /**
     * Keeps `blob` under `key`; resolves once it is written (or kept in memory only).
     * @param persist  false while the visitor has not consented to storage: memory only
     */
    async put(key: string, blob: Blob, persist = true): Promise<void> {
      memory.set(key, blob);
      if (!persist) return;
      const stored: StoredFile = { bytes: await blob.arrayBuffer(), type: blob.type };
      await run('readwrite', (store) => store.put(stored, key));
      persisted.add(key);
    },
    async get(key: string): Promise<Blob | undefined> {
      const kept = memory.get(key);
      if (kept) return kept;
      const stored = await run<StoredFile>('readonly', (store) => store.get(key));
      if (!stored?.bytes) return undefined;
      persisted.add(key);
      return new Blob([stored.bytes], { type: stored.type });
    },
    delete: remove,
    /** These files' message is in the outbox: `sweep` may let them go once no message names them. */
    async markQueued(keys: readonly string[]): Promise<void> {
      // Bytes not in memory can only be in IndexedDB (a page before this one put them there);
      // bytes kept in memory alone (no consent) get no mark, and IndexedDB stays unopened.
      const stored = keys.filter((key) => persisted.has(key) || !memory.has(key));
      await Promise.all(stored.map((key) => run('readwrite', (store) => store.put(1, QUEUED + key))));
    },
    /**
     * Deletes the files of messages that left the outbox while no page was watching (the
     * server's replay settled them before the attachment chunks loaded). Only files marked
     * queued: a file still waiting in a composer, this tab's or another's, is never swept.
     */
    async sweep(named: (key: string) => boolean): Promise<void> {
      const keys = (await run<IDBValidKey[]>('readonly', (store) => store.getAllKeys())) ?? [];
      for (const stored of keys) {
        const key = typeof stored === 'string' && stored.startsWith(QUEUED) ? stored.slice(QUEUED.length) : '';
        if (key && !named(key)) await remove(key);
      }
    },
  };
}

export const blobs = createBlobStore();
export const putBlob = blobs.put;
export const getBlob = blobs.get;
export const deleteBlob = blobs.delete;
