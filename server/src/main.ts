/**
 * `confab-server` (and `npm start`, which adds --demo): starts the server from the
 * validated configuration (see config.ts), or runs a management command
 * (`confab-server hash-password`, `confab-server operator ...`).
 */
import { s3FileStore } from './files/s3-file-store';
import { backupCommand } from './backup';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './log';
import { runCli } from './operator-cli';
import { startServer, type RunningServer } from './server';
import { loadSites, type SiteConfig } from './sites';
import { watchSitesFile } from './sites-watch';

/** The demo's API token is published in the README; any other site's is known to its owner only. */
const tokenHint = (site: SiteConfig, config: Config) =>
  config.demo && site.id === 'demo' ? 'demo-api-token' : `<the ${site.id} API token>`;

/** What the operator of the server reads first: only URLs that exist for these sites. */
function banner(url: string, sites: SiteConfig[], config: Config): string {
  const lines = [
    '',
    'Confab is running.',
    '',
    ...(config.demo ? [`  Sample site       ${url}/`, `  Designer          ${url}/designer/`] : []),
    `  Operator console  ${url}/operator/${config.demo ? '   (log in as anna / demo, or max / demo)' : ''}`,
    `  Widget loader     ${url}/loader.js`,
    `  Health            ${url}/healthz  ${url}/readyz  ${url}/metrics`,
    ...sites
      .filter((site) => site.apiTokenSha256)
      .map(
        (site) =>
          `  Requests API      curl -H 'Authorization: Bearer ${tokenHint(site, config)}' ${url}/api/sites/${site.id}/leads`,
      ),
    '',
    `  Sites file        ${config.sitesFile} (${sites.map((site) => site.id).join(', ')}); reloaded on change and on SIGHUP`,
    '',
    'Press Ctrl+C to stop.',
  ];
  return lines.join('\n');
}

async function serve(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger(config.logLevel);
  let sites: SiteConfig[];
  try {
    sites = loadSites(config.sitesFile);
  } catch (error) {
    console.error(`Confab cannot start; fix the configuration:\n  - SITES_FILE: ${(error as Error).message}`);
    process.exit(78);
  }
  let server: RunningServer;
  try {
    server = await startServer({
      port: config.port,
      host: config.host,
      publicUrl: config.publicUrl,
      trustProxy: config.trustProxy,
      dataDir: config.dataDir,
      filesDir: config.filesDir,
      ...(config.s3 ? { fileStore: s3FileStore(config.s3) } : {}),
      databaseUrl: config.databaseUrl,
      retentionDays: config.retentionDays,
      redisUrl: config.redisUrl,
      presenceGraceMs: config.presenceGraceMs,
      ...(config.smtpUrl && config.mailFrom ? { mail: { smtpUrl: config.smtpUrl, from: config.mailFrom } } : {}),
      sites,
      demoPages: config.demo,
      logger,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint =
      code === 'EADDRINUSE'
        ? `PORT: ${config.port} is taken by another program; choose another PORT.`
        : code === 'EACCES'
          ? `PORT: ${config.port} needs privileges; use a port above 1023 behind the reverse proxy.`
          : (error as Error).message;
    console.error(`Confab cannot start; fix the configuration:\n  - ${hint}`);
    process.exit(78);
  }
  const watcher = watchSitesFile(config.sitesFile, (next) => server.reloadSites(next), logger);
  process.on('SIGHUP', () => watcher.reload('SIGHUP'));
  if (process.stdout.isTTY || config.demo) console.log(banner(server.url, sites, config));
  logger.info({ url: server.url, port: config.port, host: config.host, demo: config.demo }, 'listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Whatever happens below, the process ends within the shutdown timeout.
    setTimeout(() => {
      logger.error({ signal }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 2000).unref();
    logger.info({ signal }, 'shutting down: not ready, finishing acknowledgements in flight');
    watcher.close();
    const { unfinishedAcks } = await server.drain(config.shutdownTimeoutMs);
    await server.close();
    logger.info({ unfinishedAcks }, 'stopped');
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

const command = process.argv[2];
if (command === 'backup') process.exit(await backupCommand(process.argv.slice(3)));
else if (command && !command.startsWith('-')) process.exit(await runCli(process.argv.slice(2)));
else await serve();
