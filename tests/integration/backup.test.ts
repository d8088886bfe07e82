/** `confab-server backup`: an online copy of the SQLite store while the server writes. */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/protocol';
import { backupCommand } from '../../server/src/backup';
import { openSqliteStore } from '../../server/src/store';
import { connectVisitor, startHarness, testStore, visitorSend, type Harness } from '../support/server';

let harness: Harness;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'confab-backup-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.cleanup();
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

describe.skipIf(testStore !== 'sqlite')('backup', () => {
  it('copies the store while the server runs and keeps writing; the copy opens as a store', async () => {
    const { socket } = await connectVisitor(harness.server.url);
    const first = await visitorSend(socket, 'before the backup');
    expect(first.ok).toBe(true);
    // Messages keep arriving during the backup.
    const during = Array.from({ length: 20 }, (_, i) => visitorSend(socket, `during ${i}`, newId()));
    const target = join(tempDir(), 'copy.sqlite');
    const log: string[] = [];
    const code = await backupCommand(
      [target],
      { DATA_DIR: harness.dataDir },
      { log: (m: string) => void log.push(m), error: (m: string) => void log.push(m) },
    );
    await Promise.all(during);
    socket.disconnect();
    expect(code).toBe(0);
    expect(log[0]).toMatch(/^backed up \d+ pages to /);

    const restored = tempDir();
    renameSync(target, join(restored, 'confab.sqlite'));
    const store = openSqliteStore(restored, newId);
    const conversationId = first.ok ? first.message.conversationId : '';
    const messages = await store.lastMessages(conversationId, 100);
    expect(messages[0]).toMatchObject({ seq: 1, text: 'before the backup' });
    // A consistent copy: numbered without gaps, whatever point of the writes it caught.
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    await store.close();
  });

  it('refuses with the reason: no store, an existing file, PostgreSQL, no file named', async () => {
    const out: string[] = [];
    const console = { log: (m: string) => void out.push(m), error: (m: string) => void out.push(m) };
    expect(await backupCommand([join(tempDir(), 'x.sqlite')], { DATA_DIR: tempDir() }, console)).toBe(1);
    expect(out.pop()).toMatch(/no store at .*set DATA_DIR/);
    const existing = join(tempDir(), 'exists.sqlite');
    await backupCommand([existing], { DATA_DIR: harness.dataDir }, console);
    expect(await backupCommand([existing], { DATA_DIR: harness.dataDir }, console)).toBe(1);
    expect(out.pop()).toMatch(/exists already/);
    expect(await backupCommand(['x'], { DATABASE_URL: 'postgres://db/confab' }, console)).toBe(2);
    expect(out.pop()).toMatch(/pg_dump/);
    expect(await backupCommand([], {}, console)).toBe(2);
    expect(out.pop()).toMatch(/^usage: confab-server backup/);
  });
});
