/**
 * Page views end together: every page view ended during one turn of the event loop (a
 * navigation, a disconnect) is written by one statement at the end of the turn. When
 * thousands of visitors leave at once, the server builds and runs a handful of UPDATEs
 * instead of one per visitor, and the messages being sent meanwhile do not queue behind
 * thousands of writes.
 */
import type { Store } from './store';

export interface PageViewEnds {
  /** Ends the page view; settles once that is stored. */
  end(id: number): Promise<void>;
  /**
   * Settles once every end asked for so far is stored (before the store closes). An end
   * asked for after it (a page view a slow start left behind) is refused, never written
   * to the closed store.
   */
  settled(): Promise<void>;
}

/** Ids per statement: far below either engine's limit on bound parameters. */
const IDS_PER_STATEMENT = 1_000;

export function createPageViewEnds(store: Pick<Store, 'endPageViews'>): PageViewEnds {
  let ids: number[] = [];
  let written: Promise<void> | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let closing = false;

  const write = async (batch: number[]) => {
    for (let i = 0; i < batch.length; i += IDS_PER_STATEMENT) {
      await store.endPageViews(batch.slice(i, i + IDS_PER_STATEMENT));
    }
  };

  return {
    end(id) {
      if (closing) return Promise.reject(new Error(`page view ${id} not ended: the server is shutting down`));
      ids.push(id);
      written ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        const batch = ids;
        ids = [];
        written = undefined;
        const done = write(batch);
        inFlight = Promise.allSettled([inFlight, done]);
        return done;
      });
      return written;
    },
    async settled() {
      closing = true;
      await written?.catch(() => {});
      await inFlight;
    },
  };
}
