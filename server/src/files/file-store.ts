/**
 * Where uploaded files live, behind the three operations the server needs: on disk
 * (below) or in an S3-compatible object store (s3-file-store.ts), chosen at start-up
 * without the rest changing. Keys are chosen by the server (random ids), never taken
 * from a file name. Another store (a database, another cloud's API) is one more
 * implementation of this interface passed as `fileStore` to startServer.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface FileStore {
  /**
   * Stores the stream's bytes under `key`, replacing nothing: keys are new each time.
   * @param size  the body's length in bytes (known: it was counted and checked before)
   */
  put(key: string, body: Readable, size: number): Promise<void>;
  /** The file's bytes (or those from `start` to `end`, inclusive) and its whole size; undefined when there is no such file. */
  get(key: string, range?: { start: number; end: number }): Promise<{ body: Readable; size: number } | undefined>;
  /** Deletes the file; a missing file is not an error. */
  delete(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Files on disk under `root` (DATA_DIR/files by default), two levels of folders by the
 * key's first characters so no folder grows huge. A file is written beside its place
 * and renamed into it, so a reader never sees half a file.
 */
export function diskFileStore(root: string): FileStore {
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error('not a storage key');
    return join(root, key.slice(0, 2), key);
  };
  return {
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(join(root, key.slice(0, 2)), { recursive: true });
      const partial = `${path}.part`;
      try {
        await pipeline(body, createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    },
    async get(key, range) {
      const path = pathOf(key);
      try {
        const { size } = await stat(path);
        return { body: createReadStream(path, range), size };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
