/**
 * Where the server finds the files it serves and keeps. The TypeScript sources
 * (server/src/) and the bundled build (server/dist/) both sit one folder below the server
 * package, which sits in the repository, so the same relative steps work for both.
 */
import { fileURLToPath } from 'node:url';

const repository = new URL('../../', import.meta.url);
const inRepository = (path: string) => fileURLToPath(new URL(path, repository));

export const paths = {
  /** The widget build: loader.js and the chunks it imports. */
  widget: inRepository('dist'),
  /** The operator console build. */
  console: inRepository('console/dist'),
  /** The sample host pages and the designer, served by the demo. */
  demoSite: inRepository('demo/site'),
  designer: inRepository('demo/designer'),
  demoSites: inRepository('demo/sites.json'),
  /** The embedded store's default folder. */
  data: inRepository('data'),
};
