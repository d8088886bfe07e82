/**
 * `npm start`: the reference server with the sample site and the operator console.
 * PORT (8080), HOST (127.0.0.1), DATA_DIR (./data), DATABASE_URL (PostgreSQL instead of
 * SQLite) and SITES_FILE move things around.
 */
import { backupCommand } from './backup';
import { startServer } from './server';

if (process.argv[2] === 'backup') process.exit(await backupCommand(process.argv.slice(3)));

const port = Number(process.env.PORT ?? 8080);
const server = await startServer({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  dataDir: process.env.DATA_DIR,
  databaseUrl: process.env.DATABASE_URL || undefined,
  retentionDays: process.env.RETENTION_DAYS ? Number(process.env.RETENTION_DAYS) : undefined,
  sites: process.env.SITES_FILE,
});

console.log(`
Confab is running.

  Sample site       ${server.url}/
  Operator console  ${server.url}/operator/   (log in as anna / demo, or max / demo)
  Designer          ${server.url}/designer/
  Widget loader     ${server.url}/loader.js
  Requests API      curl -H 'Authorization: Bearer demo-api-token' ${server.url}/api/sites/demo/leads

Press Ctrl+C to stop.`);

const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
