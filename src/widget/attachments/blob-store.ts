/**
 * The bytes of files waiting to be sent, by their upload key. IndexedDB when the browser
 * gives us one, so a reload does not lose a picked file or a recording; memory when it
 * does not (privacy modes, consent not yet given), for this page view. The bytes are
 * kept as an ArrayBuffer with their type: every IndexedDB stores those, not every one
 * stores a Blob.
 */
const DATABASE = 'confab-files';
const STORE = 'files';

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
    },
    async get(key: string): Promise<Blob | undefined> {
      const kept = memory.get(key);
      if (kept) return kept;
      const stored = await run<StoredFile>('readonly', (store) => store.get(key));
      return stored?.bytes ? new Blob([stored.bytes], { type: stored.type }) : undefined;
    },
    /** The file was sent or given up: its bytes go. */
    async delete(key: string): Promise<void> {
      memory.delete(key);
      await run('readwrite', (store) => store.delete(key));
    },
    /** The blob already in memory (a thumbnail for a file picked in this page view). */
    inMemory: (key: string): Blob | undefined => memory.get(key),
  };
}

export const blobs = createBlobStore();
export const putBlob = blobs.put;
export const getBlob = blobs.get;
export const deleteBlob = blobs.delete;
export const blobInMemory = blobs.inMemory;
