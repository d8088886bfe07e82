/**
 * Operators change without a restart: `confab-server operator add|remove` edits the sites
 * file and the running server reads it again.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/log';
import { hashPassword } from '../../server/src/passwords';
import { watchSitesFile } from '../../server/src/sites-watch';
import { PASSWORD, connectOperator, startHarness, type Harness } from '../support/server';

const main = fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'confab-reload-'));
const sitesFile = join(folder, 'sites.json');
const logLines: string[] = [];
let harness: Harness;
let watcher: ReturnType<typeof watchSitesFile>;

beforeAll(async () => {
  const passwordHash = await hashPassword(PASSWORD, { ln: 12, r: 8, p: 1 });
  writeFileSync(
    sitesFile,
    JSON.stringify({
      sites: [
        {
          id: 'shop',
          name: 'Shop',
          allowedOrigins: [],
          operators: [{ id: 'anna', login: 'anna', name: 'Anna', passwordHash }],
        },
      ],
    }),
  );
  harness = await startHarness({ sites: sitesFile });
  watcher = watchSitesFile(
    sitesFile,
    (sites) => harness.server.reloadSites(sites),
    createLogger('info', { write: (line: string) => void logLines.push(line) }),
  );
});
afterAll(async () => {
  watcher.close();
  await harness.cleanup();
  rmSync(folder, { recursive: true, force: true });
});

function cli(args: string[], input: string) {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(input);
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, output })),
  );
}

const loginStatus = (login: string, password: string) =>
  fetch(`${harness.server.url}/api/operator/login`, { method: 'POST', body: JSON.stringify({ login, password }) }).then(
    (res) => res.status,
  );

async function eventually(check: () => Promise<boolean>, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the change was not picked up');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('operators without a restart', () => {
  it('operator add: the new operator logs in on the running server', { timeout: 20_000 }, async () => {
    expect(await loginStatus('bea', 'bea-password-1')).toBe(401);
    const added = await cli(
      ['operator', 'add', '--sites', sitesFile, '--site', 'shop', '--login', 'bea', '--name', 'Bea'],
      'bea-password-1\n',
    );
    expect(added).toMatchObject({ code: 0 });
    await eventually(async () => (await loginStatus('bea', 'bea-password-1')) === 200);
    expect(await loginStatus('anna', PASSWORD)).toBe(200);
    expect(logLines.some((line) => line.includes('"msg":"sites reloaded"'))).toBe(true);
  });

  it('operator remove: their open console is closed and they can no longer log in', { timeout: 20_000 }, async () => {
    const { socket } = await connectOperator(harness.server.url, 'bea', 'bea-password-1');
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect((await cli(['operator', 'remove', '--sites', sitesFile, '--login', 'bea'], '')).code).toBe(0);
    expect(await closed).toBe('io server disconnect');
    expect(await loginStatus('bea', 'bea-password-1')).toBe(401);
  });

  it('a file that no longer parses is reported and the sites in use stay', { timeout: 20_000 }, async () => {
    writeFileSync(sitesFile, '{"sites": [');
    await eventually(async () => logLines.some((line) => line.includes('sites file not reloaded')));
    expect(await loginStatus('anna', PASSWORD)).toBe(200);
  });

  it('hash-password reads the password on stdin and prints a hash with its cost', { timeout: 20_000 }, async () => {
    const { code, output } = await cli(['hash-password'], 'correct horse\n');
    expect(code).toBe(0);
    expect(output.trim()).toMatch(/^scrypt\$ln=15,r=8,p=1\$[\w-]+\$[\w-]+$/);
  });
});
