/**
 * `npm start`: the reference server with the sample site and the operator console.
 * PORT (8080), HOST (127.0.0.1), DATA_DIR (./data), DATABASE_URL (PostgreSQL instead of
 * SQLite) and SITES_FILE move things around; PUBLIC_URL is the address people use, and
 * REDIS_URL makes this process one node of several (README "Scale out").
 * PRESENCE_GRACE_MS shortens the operators' grace period (tests).
 */
import { startServer } from './server';

const port = Number(process.env.PORT ?? 8080);
const server = await startServer({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  dataDir: process.env.DATA_DIR,
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  publicUrl: process.env.PUBLIC_URL || undefined,
  presenceGraceMs: process.env.PRESENCE_GRACE_MS ? Number(process.env.PRESENCE_GRACE_MS) : undefined,
  sites: process.env.SITES_FILE,
});

console.log(`
Confab is running.

  Sample site       ${server.publicUrl}/
  Operator console  ${server.publicUrl}/operator/   (log in as anna / demo, or max / demo)
  Designer          ${server.publicUrl}/designer/
  Widget loader     ${server.publicUrl}/loader.js
  Requests API      curl -H 'Authorization: Bearer demo-api-token' ${server.publicUrl}/api/sites/demo/leads

Press Ctrl+C to stop.`);

const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
