/**
 * `confab-server operator add|remove|list` and `confab-server hash-password`: operators
 * are managed in the sites file, which a running server reloads when it changes. The
 * password is read from standard input, never from the command line (where `ps` shows it).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { hashPassword } from './passwords';
import { parseSites } from './sites';
import { resolveSecrets } from './secrets';
import { dirname } from 'node:path';

const USAGE = `usage:
  confab-server hash-password                 reads a password on stdin, prints its hash
  confab-server operator list   --sites FILE
  confab-server operator add    --sites FILE --site SITE --login LOGIN --name NAME [--id ID] [--title TITLE]
                                (reads the password on stdin)
  confab-server operator remove --sites FILE --login LOGIN
--sites defaults to SITES_FILE.`;

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

type RawSites = {
  sites: Array<Record<string, unknown> & { id?: unknown; operators?: Array<Record<string, unknown>> }>;
};

/** Writes beside the file and renames over it, so a running server never reads half a file. */
function writeSites(file: string, raw: RawSites) {
  // The result must load as the server would load it (secret references resolved).
  parseSites(resolveSecrets(raw, process.env, dirname(file)));
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(raw, null, 2)}\n`);
  renameSync(temporary, file);
}

export async function runCli(args: string[]): Promise<number> {
  const [command, action] = args;
  if (command === 'hash-password') {
    // `npm run hash-password -- 'secret'` of the first release still works.
    const password = args[1] ?? (await readPassword());
    if (!password) {
      console.error(USAGE);
      return 2;
    }
    console.log(await hashPassword(password));
    return 0;
  }
  if (command !== 'operator') {
    console.error(USAGE);
    return 2;
  }
  const file = option(args, 'sites') ?? process.env.SITES_FILE;
  if (!file) {
    console.error(`--sites FILE or SITES_FILE is needed.\n${USAGE}`);
    return 2;
  }
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSites;
  const login = option(args, 'login');

  if (action === 'list') {
    for (const site of raw.sites)
      for (const op of site.operators ?? []) console.log(`${String(site.id)}\t${String(op.login)}\t${String(op.name)}`);
    return 0;
  }
  if (action === 'add') {
    const siteId = option(args, 'site');
    const name = option(args, 'name');
    if (!siteId || !login || !name) {
      console.error(USAGE);
      return 2;
    }
    const site = raw.sites.find((s) => s.id === siteId);
    if (!site) {
      console.error(`No site "${siteId}" in ${file}.`);
      return 1;
    }
    const password = await readPassword();
    if (password.length < 8) {
      console.error('Use a password of at least 8 characters.');
      return 1;
    }
    const title = option(args, 'title');
    site.operators = [
      ...(site.operators ?? []),
      {
        id: option(args, 'id') ?? login,
        login,
        name,
        ...(title ? { title } : {}),
        passwordHash: await hashPassword(password),
      },
    ];
    writeSites(file, raw);
    console.log(`Added ${login} to ${siteId}. A running server picks the change up by itself.`);
    return 0;
  }
  if (action === 'remove') {
    if (!login) {
      console.error(USAGE);
      return 2;
    }
    const site = raw.sites.find((s) => s.operators?.some((op) => op.login === login));
    if (!site) {
      console.error(`No operator "${login}" in ${file}.`);
      return 1;
    }
    site.operators = site.operators!.filter((op) => op.login !== login);
    writeSites(file, raw);
    console.log(`Removed ${login} from ${String(site.id)}. Their open console sessions end at the next reconnect.`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}
