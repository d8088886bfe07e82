/**
 * Sites and operators change without a restart: the sites file is read again when it
 * changes on disk (editors and `confab-server operator add` both trigger it) and on
 * SIGHUP. A file that no longer parses is reported and the sites in use are kept.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from './log';
import { loadSites, type SiteConfig } from './sites';

/** Editors write a file in several steps; one reload after they settle is enough. */
const SETTLE_MS = 150;

export function watchSitesFile(file: string, apply: (sites: SiteConfig[]) => void, logger: Logger) {
  let timer: ReturnType<typeof setTimeout> | undefined;

  const reload = (why: string) => {
    try {
      const sites = loadSites(file);
      apply(sites);
      logger.info(
        { sites: sites.length, operators: sites.reduce((n, s) => n + s.operators.length, 0), why },
        'sites reloaded',
      );
    } catch (error) {
      logger.error({ why, problem: (error as Error).message }, 'sites file not reloaded; the sites in use stay');
    }
  };

  // The folder is watched, not the file: saving by rename replaces the file's inode.
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(file), (_event, name) => {
      if (name !== null && name !== basename(file)) return;
      clearTimeout(timer);
      timer = setTimeout(() => reload('file changed'), SETTLE_MS);
    });
    watcher.on('error', (error) =>
      logger.warn({ err: error }, 'watching the sites file stopped; SIGHUP still reloads it'),
    );
  } catch (error) {
    logger.warn({ err: error }, 'cannot watch the sites file; send SIGHUP to reload it');
  }

  return {
    reload,
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
