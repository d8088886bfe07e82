/**
 * The store contract: every Store operation, run against both engines — the embedded
 * SQLite file and a real PostgreSQL cluster — with the same expectations. Concurrency
 * is tested across several connections (several store instances on one database), so
 * numbering and dedupe are shown to rest on the database, not on this process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/protocol';
import {
  AttachmentUnavailableError,
  openPostgresStore,
  openSqliteStore,
  readAttachments,
  type Store,
} from '../../server/src/store';
import { matchesQuery } from '../../console/models/filter';
import { holdsWords } from '../../server/src/search-match';
import { searchWordsOf } from '../../src/protocol';
import { postgresSkipReason, startPostgres, type PostgresCluster } from '../support/postgres';

interface Engine {
  name: string;
  skip?: string;
  setup(): Promise<void>;
  /** A store on a fresh, empty database. */
  fresh(): Promise<Database>;
  teardown(): Promise<void>;
}

interface Database {
  /** Another store (its own connection or pool) on the same database. */
  open(now?: () => number): Promise<Store>;
  drop(): Promise<void>;
}

const dirs: string[] = [];
const sqlite: Engine = {
  name: 'SQLite',
  setup: async () => {},
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'confab-contract-'));
    dirs.push(dir);
    return {
      open: async (now) => openSqliteStore(dir, newId, now),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  teardown: async () => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })),
};

let cluster: PostgresCluster | undefined;
const postgres: Engine = {
  name: 'PostgreSQL',
  skip: postgresSkipReason(),
  async setup() {
    cluster = await startPostgres();
  },
  async fresh() {
    const url = await cluster!.createDatabase();
    return { open: (now) => openPostgresStore(url, newId, now), drop: () => cluster!.dropDatabase(url) };
  },
  teardown: async () => cluster?.stop(),
};

const visitor = (site = 'shop') => ({ id: newId(), site });

describe.each([sqlite, postgres])('the store on $name', (engine) => {
  if (engine.skip) {
    it.skip(`skipped: ${engine.skip}`, () => {});
    return;
  }
  let clock = 1_700_000_000_000;
  const now = () => clock;
  let db: Database;
  let store: Store;

  beforeAll(async () => {
    await engine.setup();
    db = await engine.fresh();
    store = await db.open(now);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await db?.drop();
    await engine.teardown();
  });

  /** A conversation with a fresh owner, opened now. */
  async function conversation(context?: Parameters<Store['openConversation']>[3]) {
    const v = visitor();
    await store.touchVisitor({ ...v, name: 'Ann' });
    return (await store.openConversation('shop', `v:${v.id}`, v.id, context)).conversation;
  }
  const send = (conversationId: string, text: string, sender = 'v:someone', clientId = newId()) =>
    store.appendMessage({ conversationId, sender, clientId, author: 'visitor', operatorId: null, text });

  it('reports its engine', () => {
    expect(store.engine).toBe(engine === sqlite ? 'sqlite' : 'postgres');
  });

  describe('visitors', () => {
    it('creates a visitor, keeps the first touch, fills gaps, and counts a new visit after 30 idle minutes', async () => {
      const v = visitor();
      const first = { landing: 'https://shop.example/?utm_source=x', at: 1 };
      const created = await store.touchVisitor({ ...v, name: 'Ann', firstTouch: first, ip: '10.0.0.1' });
      expect(created).toMatchObject({
        ...v,
        name: 'Ann',
        visits: 1,
        firstTouch: first,
        ip: '10.0.0.1',
        blockedAt: null,
      });
      clock += 60_000;
      const again = await store.touchVisitor({
        ...v,
        email: 'ann@example.com',
        firstTouch: { landing: 'https://other', at: 2 },
      });
      expect(again).toMatchObject({
        name: 'Ann',
        email: 'ann@example.com',
        visits: 1,
        firstTouch: first,
        lastSeenAt: clock,
      });
      clock += 31 * 60_000;
      expect(await store.touchVisitor(v)).toMatchObject({ visits: 2, visitStartedAt: clock });
      expect(await store.getVisitor('shop', v.id)).toMatchObject({ visits: 2 });
      expect(await store.getVisitor('other', v.id)).toBeUndefined();
    });

    it("raises the revision of the visitor's conversations when their name or e-mail changes, and only then", async () => {
      const v = visitor();
      await store.touchVisitor({ ...v, name: 'Ann' });
      const first = (await store.openConversation('shop', `v:${v.id}`, v.id)).conversation;
      const bystander = await conversation();
      const revision = async (id: string) => (await store.getConversationListRow(id))!.revision;
      const before = { mine: await revision(first.id), theirs: await revision(bystander.id) };

      // The same name again, or no name given: the list row is unchanged.
      await store.touchVisitor({ ...v, name: 'Ann' });
      await store.touchVisitor(v);
      expect(await revision(first.id)).toBe(before.mine);

      // Two summaries of one chat that cross on their way are ordered by revision: the one
      // with the new name must be the higher, or a console could keep the old name.
      await store.touchVisitor({ ...v, name: 'Ann Smith' });
      const renamed = await store.getConversationListRow(first.id);
      expect(renamed).toMatchObject({ visitorName: 'Ann Smith' });
      expect(renamed!.revision).toBeGreaterThan(before.mine);
      await store.touchVisitor({ ...v, email: 'ann@example.com' });
      expect(await store.getConversationListRow(first.id)).toMatchObject({
        visitorEmail: 'ann@example.com',
        revision: renamed!.revision + 1,
      });
      expect(await revision(bystander.id)).toBe(before.theirs);
    });

    it('blocks a visitor id, and a verified user on every device', async () => {
      const device = visitor();
      const otherDevice = visitor();
      await store.touchVisitor({ ...device, userId: 'user-1' });
      await store.touchVisitor({ ...otherDevice, userId: 'user-1' });
      expect(await store.isBlocked('shop', `v:${device.id}`, device.id)).toBe(false);
      await store.blockVisitor('shop', device.id);
      expect(await store.isBlocked('shop', `v:${device.id}`, device.id)).toBe(true);
      expect(await store.isBlocked('shop', 'u:user-1', otherDevice.id)).toBe(true);
      expect(await store.isBlocked('shop', `v:${otherDevice.id}`, otherDevice.id)).toBe(false);
      expect(await store.isBlocked('other', 'u:user-1', device.id)).toBe(false);
    });
  });

  describe('conversations', () => {
    it('opens one conversation per owner until it is closed, with its context', async () => {
      const v = visitor();
      const owner = `v:${v.id}`;
      const context = { page: null, firstTouch: null, lastTouch: null, env: null, ip: '10.0.0.2', region: null };
      const opened = await store.openConversation('shop', owner, v.id, context);
      expect(opened).toMatchObject({
        created: true,
        conversation: { owner, status: 'open', lastSeq: 0, lastChange: 0 },
      });
      expect(await store.openConversation('shop', owner, v.id)).toMatchObject({
        created: false,
        conversation: { id: opened.conversation.id },
      });
      expect(await store.conversationContext(opened.conversation.id)).toEqual(context);
      expect(await store.getConversation(opened.conversation.id)).toEqual(opened.conversation);

      expect(await store.closeConversation(opened.conversation.id, 'visitor')).toBe(true);
      expect(await store.closeConversation(opened.conversation.id, 'operator')).toBe(false);
      expect(await store.getConversation(opened.conversation.id)).toMatchObject({
        status: 'closed',
        closeReason: 'visitor',
        ratingState: 'pending',
      });
      clock += 1;
      const next = await store.openConversation('shop', owner, v.id);
      expect(next.created).toBe(true);
      expect((await store.latestConversation('shop', owner))!.id).toBe(next.conversation.id);
      expect((await store.recentConversations('shop', owner, 5)).map((c) => c.id)).toEqual([
        opened.conversation.id,
        next.conversation.id,
      ]);
      expect((await store.recentConversations('shop', owner, 1)).map((c) => c.id)).toEqual([next.conversation.id]);
    });

    it('a conversation closed as spam asks for no rating', async () => {
      const c = await conversation();
      await store.closeConversation(c.id, 'spam');
      expect(await store.getConversation(c.id)).toMatchObject({ closeReason: 'spam', ratingState: null });
    });

    it('hands a device’s conversations to its verified user', async () => {
      const c = await conversation();
      await store.adoptConversations('shop', c.visitorId, 'u:user-2');
      expect((await store.latestConversation('shop', 'u:user-2'))!.id).toBe(c.id);
      expect(await store.latestConversation('shop', `v:${c.visitorId}`)).toBeUndefined();
    });

    it('is taken by one operator only, and lists with the visitor and the last message', async () => {
      const c = await conversation();
      expect(await store.assignOperator(c.id, 'anna')).toBe(true);
      expect(await store.assignOperator(c.id, 'max')).toBe(false);
      await send(c.id, 'first');
      clock += 1;
      await send(c.id, 'second');
      const row = await store.getConversationListRow(c.id);
      expect(row).toMatchObject({
        id: c.id,
        operatorId: 'anna',
        visitorName: 'Ann',
        lastText: 'second',
        lastAuthor: 'visitor',
        lastSeq: 2,
      });
      const listed = await store.listConversations('shop', 500);
      expect(listed[0]!.id).toBe(c.id);
      expect(listed.find((l) => l.id === c.id)).toEqual(row);
    });

    it('raises its revision with every change a console lists, and only then', async () => {
      const c = await conversation();
      const revisions: number[] = [(await store.getConversationListRow(c.id))!.revision];
      const revisedBy = async (change: () => Promise<unknown>) => {
        await change();
        revisions.push((await store.getConversationListRow(c.id))!.revision);
      };
      await revisedBy(() => store.assignOperator(c.id, 'anna'));
      await revisedBy(() => send(c.id, 'first'));
      const sent = await store.appendToOpenConversation({
        site: 'shop',
        owner: c.owner,
        visitorId: c.visitorId,
        sender: `v:${c.visitorId}`,
        clientId: newId(),
        text: 'second',
      });
      expect(sent!.conversation.revision).toBe(revisions.at(-1)! + 1);
      revisions.push(sent!.conversation.revision);
      await revisedBy(() => store.editMessage(sent!.message.id, 'second, edited'));
      await revisedBy(() => store.markRead(c.id, 'operator', 2));
      // Nothing changed: a lower read mark is refused and leaves the revision.
      await revisedBy(() => store.markRead(c.id, 'operator', 1));
      await revisedBy(() => store.transferConversation(c.id, 'anna', 'max', 'yours'));
      await revisedBy(() => store.releaseConversations('shop', 'max'));
      await revisedBy(() => store.closeConversation(c.id, 'visitor'));
      await revisedBy(() => store.setRating(c.id, 'given', 5, null));
      expect(revisions.slice(1).map((r, i) => r - revisions[i]!)).toEqual([1, 1, 1, 1, 1, 0, 1, 1, 1, 1]);
      expect(await store.getConversation(c.id)).toMatchObject({ revision: revisions.at(-1) });
    });

    it('lines up waiting chats by their visitor’s first message, not by their opening', async () => {
      const opened = async () => {
        const v = visitor('line-shop');
        return (await store.openConversation('line-shop', `v:${v.id}`, v.id)).conversation;
      };
      const slower = await opened();
      clock += 1;
      const quicker = await opened();
      clock += 1;
      expect(await store.waitingConversations('line-shop')).toEqual([]);
      await send(quicker.id, 'first to write');
      clock += 1;
      await send(slower.id, 'opened first, wrote second');
      clock += 1;
      await send(quicker.id, 'a second message changes nothing');
      expect((await store.waitingConversations('line-shop')).map((c) => c.id)).toEqual([quicker.id, slower.id]);
      // A chat the visitor never wrote in (an operator's, handed back) lines up by its opening.
      const unanswered = await opened();
      await store.appendMessage({
        conversationId: unanswered.id,
        sender: 'o:anna',
        clientId: newId(),
        author: 'operator',
        operatorId: 'anna',
        text: 'Can I help you find something?',
      });
      expect((await store.waitingConversations('line-shop')).map((c) => c.id)).toEqual([
        quicker.id,
        slower.id,
        unanswered.id,
      ]);
    });

    it('finds open conversations idle since a time', async () => {
      const c = await conversation();
      const idle = await store.idleConversations(clock + 1);
      expect(idle.map((i) => i.id)).toContain(c.id);
      expect((await store.idleConversations(clock)).map((i) => i.id)).not.toContain(c.id);
      await store.closeConversation(c.id, 'timeout');
      expect((await store.idleConversations(clock + 1)).map((i) => i.id)).not.toContain(c.id);
    });

    it('raises read marks only upwards, and keeps ratings', async () => {
      const c = await conversation();
      expect(await store.markRead(c.id, 'visitor', 3)).toBe(true);
      expect(await store.markRead(c.id, 'visitor', 2)).toBe(false);
      expect(await store.markRead(c.id, 'operator', 1)).toBe(true);
      await store.setRating(c.id, 'given', 4, 'good');
      expect(await store.getConversation(c.id)).toMatchObject({
        visitorReadSeq: 3,
        operatorReadSeq: 1,
        ratingState: 'given',
        ratingScore: 4,
        ratingComment: 'good',
      });
    });
  });

  describe('messages', () => {
    it('gives messages ids in the usual format that sort by the time they were stored', async () => {
      const v = visitor();
      await store.touchVisitor(v);
      const c = (await store.openConversation('shop', `v:${v.id}`, v.id)).conversation;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        clock += 1;
        ids.push((await send(c.id, `operator ${i}`, 'o:anna')).message.id);
        clock += 1;
        const quick = await store.appendToOpenConversation({
          site: 'shop',
          owner: `v:${v.id}`,
          visitorId: v.id,
          sender: `v:${v.id}`,
          clientId: newId(),
          text: `visitor ${i}`,
        });
        ids.push(quick!.message.id);
      }
      for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      // Byte order (SQLite's for TEXT): new messages land at the end of the index on id.
      expect([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ids);
    });

    it('numbers messages, stores each (sender, client id) once, and quotes replies', async () => {
      const c = await conversation();
      const first = await send(c.id, 'hello', 'v:a', 'client-a-1');
      expect(first).toMatchObject({
        duplicate: false,
        message: { seq: 1, changeSeq: 1, text: 'hello', clientId: 'client-a-1' },
      });
      const again = await send(c.id, 'hello again', 'v:a', 'client-a-1');
      expect(again).toEqual({ duplicate: true, message: first.message });
      expect(await store.findMessage('v:a', 'client-a-1')).toEqual(first.message);
      expect(await store.findMessage('v:b', 'client-a-1')).toBeUndefined();
      const reply = await store.appendMessage({
        conversationId: c.id,
        sender: 'o:anna',
        clientId: newId(),
        author: 'operator',
        operatorId: 'anna',
        text: 'hi',
        replyTo: first.message.id,
      });
      expect(reply.message).toMatchObject({
        seq: 2,
        replyTo: first.message.id,
        replyAuthor: 'visitor',
        replyText: 'hello',
        operatorId: 'anna',
      });
      expect(await store.getMessage(reply.message.id)).toEqual(reply.message);
      expect((await store.getConversation(c.id))!.lastSeq).toBe(2);
      await expect(send('no-such-conversation', 'x')).rejects.toThrow();
    });

    it('appends a visitor’s message to their open conversation in one write, and writes nothing where it must decline', async () => {
      const v = visitor();
      const owner = `v:${v.id}`;
      await store.touchVisitor(v);
      const message = (text: string, clientId = newId()) => ({
        site: 'shop',
        owner,
        visitorId: v.id,
        sender: owner,
        clientId,
        text,
      });
      // No open conversation yet: declined, nothing opened.
      expect(await store.appendToOpenConversation(message('first'))).toBeUndefined();
      expect(await store.latestConversation('shop', owner)).toBeUndefined();

      const { conversation } = await store.openConversation('shop', owner, v.id);
      clock += 5;
      const first = await store.appendToOpenConversation(message('hello', 'client-1'));
      expect(first).toMatchObject({
        conversation: { id: conversation.id, lastSeq: 1, lastChange: 1, updatedAt: clock },
        message: { conversationId: conversation.id, seq: 1, changeSeq: 1, author: 'visitor', text: 'hello' },
      });
      // What it answers is what was stored.
      expect(await store.findMessage(owner, 'client-1')).toEqual(first!.message);
      // Numbering continues with either path.
      await send(conversation.id, 'by the other path', owner);
      expect((await store.appendToOpenConversation(message('third')))!.message.seq).toBe(3);

      // A resend is left to the caller: nothing is numbered again.
      expect(await store.appendToOpenConversation(message('hello again', 'client-1'))).toBeUndefined();
      expect((await store.getConversation(conversation.id))!.lastSeq).toBe(3);

      // Another owner's open conversation is not this one's.
      const stranger = await store.appendToOpenConversation({ ...message('not yours'), owner: 'v:somebody-else' });
      expect(stranger).toBeUndefined();

      // Closed: declined.
      await store.closeConversation(conversation.id, 'visitor');
      expect(await store.appendToOpenConversation(message('after the end'))).toBeUndefined();
      expect((await store.getConversation(conversation.id))!.lastSeq).toBe(3);
    });

    it('declines a blocked visitor’s message, and a verified user’s blocked on another device', async () => {
      const device = visitor();
      const otherDevice = visitor();
      await store.touchVisitor({ ...device, userId: 'user-blocked-elsewhere' });
      await store.touchVisitor({ ...otherDevice, userId: 'user-blocked-elsewhere' });
      const userOwner = 'u:user-blocked-elsewhere';
      const asUser = await store.openConversation('shop', userOwner, otherDevice.id);
      const asDevice = await store.openConversation('shop', `v:${device.id}`, device.id);
      const send = (owner: string, visitorId: string) =>
        store.appendToOpenConversation({
          site: 'shop',
          owner,
          visitorId,
          sender: `v:${visitorId}`,
          clientId: newId(),
          text: 'hi',
        });
      expect(await send(userOwner, otherDevice.id)).toBeDefined();
      expect(await send(`v:${device.id}`, device.id)).toBeDefined();

      await store.blockVisitor('shop', device.id);
      expect(await send(`v:${device.id}`, device.id)).toBeUndefined();
      expect(await send(userOwner, otherDevice.id)).toBeUndefined();
      expect((await store.getConversation(asUser.conversation.id))!.lastSeq).toBe(1);
      expect((await store.getConversation(asDevice.conversation.id))!.lastSeq).toBe(1);
    });

    it('lists several conversations in one read', async () => {
      const a = await conversation();
      const b = await conversation();
      const rows = await store.getConversationListRows([a.id, b.id, 'no-such-conversation']);
      expect(rows.map((row) => row.id).sort()).toEqual([a.id, b.id].sort());
      expect(rows[0]).toMatchObject({ visitorName: 'Ann', lastText: null });
      expect(await store.getConversationListRows([])).toEqual([]);
    });

    it('lists more conversations in one call than one prepared read holds, each once, with its last message', async () => {
      const many = await Promise.all(Array.from({ length: 37 }, () => conversation()));
      await send(many[36]!.id, 'the last one speaks');
      const ids = [...many.map((c) => c.id), many[0]!.id, 'no-such-conversation'];
      const rows = await store.getConversationListRows(ids);
      expect(rows.map((row) => row.id).sort()).toEqual(many.map((c) => c.id).sort());
      expect(rows.find((row) => row.id === many[36]!.id)).toMatchObject({ lastText: 'the last one speaks' });
    });

    it('numbers edits and deletes as changes, and replays every change after a number', async () => {
      const c = await conversation();
      const a = await send(c.id, 'one');
      const b = await send(c.id, 'two');
      await send(c.id, 'three');
      const edited = await store.editMessage(a.message.id, 'one, edited');
      expect(edited).toMatchObject({ seq: 1, changeSeq: 4, text: 'one, edited' });
      expect(edited!.editedAt).toBe(clock);
      const deleted = await store.deleteMessage(b.message.id);
      expect(deleted).toMatchObject({ seq: 2, changeSeq: 5, text: '' });
      expect(await store.editMessage(b.message.id, 'back')).toBeUndefined();
      expect(await store.deleteMessage(b.message.id)).toBeUndefined();
      expect((await store.changesAfter(c.id, 3, 10)).map((m) => [m.seq, m.changeSeq])).toEqual([
        [1, 4],
        [2, 5],
      ]);
      expect((await store.changesAfter(c.id, 0, 2)).map((m) => m.seq)).toEqual([1, 2]);
      expect(await store.changesAfter(c.id, 5, 10)).toEqual([]);
      expect((await store.lastMessages(c.id, 2)).map((m) => m.seq)).toEqual([2, 3]);
      expect((await store.getConversation(c.id))!.lastChange).toBe(5);
    });

    it('replays exactly the messages changed after each number, with sends, edits and deletes interleaved', async () => {
      const c = await conversation();
      const stored: { id: string; seq: number; changeSeq: number }[] = [];
      // A fixed mix: edits and deletes of old and new messages between sends, so messages
      // stored later sit further from their seq, and some are changed twice.
      const steps = 'ssesdsseesdssdesss';
      for (const [i, step] of [...steps].entries()) {
        if (step === 's') {
          const { message } = await send(c.id, `message ${i}`);
          stored.push({ id: message.id, seq: message.seq, changeSeq: message.changeSeq });
          continue;
        }
        const target = stored[(i * 7) % stored.length]!;
        const changed =
          step === 'e' ? await store.editMessage(target.id, `edit ${i}`) : await store.deleteMessage(target.id);
        if (changed) target.changeSeq = changed.changeSeq;
      }
      const lastChange = (await store.getConversation(c.id))!.lastChange;
      for (let change = 0; change <= lastChange; change++) {
        const expected = stored
          .filter((m) => m.changeSeq > change)
          .map((m) => [m.seq, m.changeSeq])
          .sort((a, b) => a[0]! - b[0]!);
        const replayed = await store.changesAfter(c.id, change, 100);
        expect(
          replayed.map((m) => [m.seq, m.changeSeq]),
          `after change ${change}`,
        ).toEqual(expected);
        expect((await store.changesAfter(c.id, change, 3)).map((m) => m.seq)).toEqual(
          expected.slice(0, 3).map((m) => m[0]),
        );
      }
    });

    it('reads history a page at a time, before a sequence number, with edits and deletes as they are now', async () => {
      const c = await conversation();
      const other = await conversation();
      await send(other.id, 'not this conversation');
      const sent = [];
      for (let i = 1; i <= 7; i++) sent.push(await send(c.id, `m${i}`));
      await store.editMessage(sent[1]!.message.id, 'm2, edited');
      await store.deleteMessage(sent[2]!.message.id);
      const page = (before: number, limit: number) =>
        store.messagesBefore(c.id, before, limit).then((rows) => rows.map((m) => m.seq));
      expect(await page(8, 3)).toEqual([5, 6, 7]);
      expect(await page(5, 3)).toEqual([2, 3, 4]);
      expect(await page(2, 3)).toEqual([1]);
      expect(await page(1, 3)).toEqual([]);
      expect(await page(2 ** 31 - 1, 100)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const [two, three] = await store.messagesBefore(c.id, 4, 2);
      expect(two).toMatchObject({ seq: 2, text: 'm2, edited', changeSeq: 8 });
      expect(three).toMatchObject({ seq: 3, text: '', changeSeq: 9 });
      expect(three!.deletedAt).not.toBeNull();
      expect(await store.messagesBefore('no-such-conversation', 10, 10)).toEqual([]);
    });

    it('numbers concurrent senders on several connections without gaps or repeats, and stores each resend once', async () => {
      const c = await conversation();
      const others = [await db.open(now), await db.open(now)];
      const stores = [store, ...others];
      const senders = Array.from({ length: 20 }, (_, i) => `v:sender-${i}`);
      const clientIds = senders.map(() => Array.from({ length: 5 }, () => newId()));
      // Every message is sent twice at once through different connections.
      const sends = senders.flatMap((sender, s) =>
        clientIds[s]!.flatMap((clientId, m) =>
          [0, 1].map((copy) =>
            stores[(s + m + copy) % stores.length]!.appendMessage({
              conversationId: c.id,
              sender,
              clientId,
              author: 'visitor',
              operatorId: null,
              text: `${sender} ${m}`,
            }),
          ),
        ),
      );
      const results = await Promise.all(sends);
      await Promise.all(others.map((other) => other.close()));

      const stored = results.filter((r) => !r.duplicate).map((r) => r.message);
      expect(stored).toHaveLength(100);
      expect(results.filter((r) => r.duplicate)).toHaveLength(100);
      expect(stored.map((m) => m.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      const history = await store.lastMessages(c.id, 1000);
      expect(history.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(new Set(history.map((m) => m.changeSeq)).size).toBe(100);
      expect(await store.getConversation(c.id)).toMatchObject({ lastSeq: 100, lastChange: 100 });
      // Each copy's answer is the one stored message.
      for (let i = 0; i < results.length; i += 2) expect(results[i]!.message.id).toBe(results[i + 1]!.message.id);
    }, 60_000);

    it('numbers visitors’ messages into their open conversations from several connections at once without gaps, each resend once', async () => {
      const others = [await db.open(now), await db.open(now)];
      const stores = [store, ...others];
      const owners = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const v = visitor();
          await store.touchVisitor(v);
          const { conversation } = await store.openConversation('shop', `v:${v.id}`, v.id);
          return { visitorId: v.id, owner: `v:${v.id}`, conversationId: conversation.id };
        }),
      );
      // Each message twice at once, through different connections (nodes), all in one turn.
      const asked = owners.flatMap((o) => Array.from({ length: 10 }, (_, m) => ({ ...o, clientId: newId(), m })));
      const answers = await Promise.all(
        asked.flatMap((a, i) =>
          [0, 1].map((copy) =>
            stores[(i + copy) % stores.length]!.appendToOpenConversation({
              site: 'shop',
              owner: a.owner,
              visitorId: a.visitorId,
              sender: a.owner,
              clientId: a.clientId,
              text: `${a.owner} ${a.m}`,
            }),
          ),
        ),
      );
      await Promise.all(others.map((other) => other.close()));

      // Exactly one copy of each is stored; the other is left to the caller as a resend.
      for (let i = 0; i < answers.length; i += 2) expect([answers[i], answers[i + 1]].filter(Boolean)).toHaveLength(1);
      for (const o of owners) {
        const history = await store.lastMessages(o.conversationId, 100);
        expect(history.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
        expect(new Set(history.map((m) => m.clientId)).size).toBe(10);
        expect(await store.getConversation(o.conversationId)).toMatchObject({ lastSeq: 10, lastChange: 10 });
      }
      // What each answer says was stored is what is stored.
      for (const [i, a] of asked.entries()) {
        const answer = answers[2 * i] ?? answers[2 * i + 1];
        expect(answer!.message.conversationId).toBe(a.conversationId);
        expect(await store.findMessage(a.owner, a.clientId)).toEqual(answer!.message);
      }
    }, 60_000);

    it('opens one conversation when an owner’s first messages arrive at once on several connections', async () => {
      const v = visitor();
      const others = [await db.open(now), await db.open(now)];
      const opened = await Promise.all(
        [store, ...others, store, ...others].map((s) => s.openConversation('shop', `v:${v.id}`, v.id)),
      );
      await Promise.all(others.map((other) => other.close()));
      expect(new Set(opened.map((o) => o.conversation.id)).size).toBe(1);
      expect(opened.filter((o) => o.created)).toHaveLength(1);
    });
  });

  describe('search', () => {
    /** A conversation on a site of its own, so other tests' messages are never found. */
    async function saying(text: string) {
      const v = visitor('folding');
      await store.touchVisitor(v);
      const { conversation: c } = await store.openConversation('folding', `v:${v.id}`, v.id);
      await store.appendMessage({
        conversationId: c.id,
        sender: `v:${v.id}`,
        clientId: newId(),
        author: 'visitor',
        operatorId: null,
        text,
      });
      return c.id;
    }
    const found = async (text: string) => (await store.searchConversations('folding', { text })).ids.slice().sort();

    it('folds case, Latin accents and ё the same way for the words looked for and the words stored', async () => {
      const said = {
        accented: 'Two coffees at the Café Noir',
        plain: 'the cafe round the corner',
        yo: 'Ещё одна Ёлка',
        ye: 'еще одна елка',
        hedgehog: 'Їжак у саду',
        order: 'Мой ЗАКАЗ',
        polish: 'Łódź, ulica Żółta',
        german: 'Die Hauptstraße ist gesperrt',
        danish: 'Færgen til Ærø',
        turkish: 'IŞIK yanmıyor',
      };
      const ids = Object.fromEntries(
        await Promise.all(Object.entries(said).map(async ([name, text]) => [name, await saying(text)] as const)),
      ) as Record<keyof typeof said, string>;
      const cases: [query: string, finds: (keyof typeof said)[]][] = [
        ['cafe', ['accented', 'plain']],
        ['CAFÉ', ['accented', 'plain']],
        ['еще елка', ['yo', 'ye']],
        ['ЁЛКА', ['yo', 'ye']],
        ['заказ', ['order']],
        ['мой', ['order']],
        // й is not и, and Ukrainian ї is not і: different letters, different words.
        ['мои', []],
        ['їжак', ['hedgehog']],
        ['іжак', []],
        // Letters no accent-dropping reaches are written as a keyboard without them writes them.
        ['łodz zołta', ['polish']],
        ['ŁÓDŹ', ['polish']],
        ['lodz zolta', ['polish']],
        ['hauptstrasse', ['german']],
        ['HAUPTSTRAẞE', ['german']],
        ['hauptstraße', ['german']],
        ['faergen aero', ['danish']],
        ['ışık yanmiyor', ['turkish']],
        ['isik', ['turkish']],
      ];
      for (const [query, finds] of cases) {
        const expected = finds.map((name) => ids[name]).sort();
        expect({ query, found: await found(query) }).toEqual({ query, found: expected });
        // The console's filter over loaded messages and the server's snippet agree with the store.
        for (const [name, text] of Object.entries(said)) {
          const shouldFind = finds.includes(name as keyof typeof said);
          expect({ query, text, console: matchesQuery(query, [text]) }).toEqual({ query, text, console: shouldFind });
          expect({ query, text, snippet: holdsWords(text, searchWordsOf(query)) }).toEqual({
            query,
            text,
            snippet: shouldFind,
          });
        }
      }
    });

    it('finds a visitor by the words of their name or e-mail, folded as message text is', async () => {
      const named = async (name: string | undefined, email?: string) => {
        const v = visitor('names');
        await store.touchVisitor({ ...v, ...(name ? { name } : {}), ...(email ? { email } : {}) });
        return (await store.openConversation('names', `v:${v.id}`, v.id)).conversation.id;
      };
      const anna = await named('Анна Ёжикова', 'anna@example.com');
      const lukasz = await named('Łukasz Weiß');
      const later = await named(undefined);
      const byName = async (text: string) => (await store.searchConversations('names', { text })).ids.slice().sort();
      expect(await byName('анна')).toEqual([anna]);
      expect(await byName('ЕЖИКОВА')).toEqual([anna]);
      expect(await byName('АННА ежик')).toEqual([anna]);
      expect(await byName('anna@example')).toEqual([anna]);
      expect(await byName('lukasz weiss')).toEqual([lukasz]);
      expect(await byName('WEISS')).toEqual([lukasz]);
      expect(await byName('ann')).toEqual([anna]);
      expect(await byName('анна lukasz')).toEqual([]);
      // A name given later, and one changed, are found by their new words only.
      await store.touchVisitor({
        id: (await store.getConversation(later))!.visitorId,
        site: 'names',
        name: 'Zoë Ørsted',
      });
      expect(await byName('zoe orsted')).toEqual([later]);
      await store.touchVisitor({ id: (await store.getConversation(lukasz))!.visitorId, site: 'names', name: 'Luke' });
      expect(await byName('lukasz')).toEqual([]);
      expect(await byName('luke')).toEqual([lukasz]);
      expect(await byName('example')).toEqual([anna]);
    });

    it('finds an edited message by its new words, folded', async () => {
      const id = await saying('just a note');
      const [message] = await store.lastMessages(id, 1);
      await store.editMessage(message!.id, 'Ёжик в тумане');
      expect(await found('ежик')).toEqual([id]);
      expect(await found('note')).toEqual([]);
    });
  });

  describe('page views', () => {
    it('starts, ends, resumes within a window, and lists them since a time', async () => {
      const v = visitor();
      await store.touchVisitor(v);
      const a = await store.startPageView('shop', v.id, { url: 'https://shop.example/a', title: 'A' });
      clock += 1000;
      await store.endPageViews([a]);
      expect(await store.resumePageView('shop', v.id, 'https://shop.example/b', 60_000)).toBeUndefined();
      expect(await store.resumePageView('shop', v.id, 'https://shop.example/a', 60_000)).toBe(a);
      await store.endPageViews([a]);
      clock += 120_000;
      expect(await store.resumePageView('shop', v.id, 'https://shop.example/a', 60_000)).toBeUndefined();
      const since = clock;
      const b = await store.startPageView('shop', v.id, {
        url: 'https://shop.example/b',
        referrer: 'https://shop.example/a',
      });
      expect(b).not.toBe(a);
      expect(await store.pageViews('shop', v.id)).toEqual([
        {
          id: a,
          url: 'https://shop.example/a',
          title: 'A',
          referrer: null,
          startedAt: since - 121_000,
          endedAt: since - 120_000,
        },
        {
          id: b,
          url: 'https://shop.example/b',
          title: null,
          referrer: 'https://shop.example/a',
          startedAt: since,
          endedAt: null,
        },
      ]);
      expect((await store.pageViews('shop', v.id, since)).map((p) => p.id)).toEqual([b]);
      expect(await store.getVisitor('shop', v.id)).toMatchObject({ lastSeenAt: since });
    });

    it('ends many at once (visitors leaving together); one already ended keeps its end', async () => {
      const [v, w] = [visitor(), visitor()];
      await store.touchVisitor(v);
      await store.touchVisitor(w);
      const endedBefore = await store.startPageView('shop', v.id, { url: 'https://shop.example/a' });
      await store.endPageViews([endedBefore]);
      const endedAt = clock;
      clock += 5_000;
      const open = [
        await store.startPageView('shop', v.id, { url: 'https://shop.example/b' }),
        await store.startPageView('shop', w.id, { url: 'https://shop.example/c' }),
      ];
      clock += 1_000;
      await store.endPageViews([endedBefore, ...open]);
      await store.endPageViews([]);
      const views = [...(await store.pageViews('shop', v.id)), ...(await store.pageViews('shop', w.id))];
      expect(views.map((view) => [view.id, view.endedAt])).toEqual([
        [endedBefore, endedAt],
        [open[0], clock],
        [open[1], clock],
      ]);
    });
  });

  describe('requests', () => {
    it('stores a request once per client id, finds, lists, filters and updates it', async () => {
      const v = visitor();
      const lead = {
        site: 'shop',
        visitorId: v.id,
        clientId: newId(),
        name: 'Ann',
        phone: '+77011234567',
        context: null,
      };
      const first = await store.insertLead(lead);
      expect(first).toMatchObject({
        duplicate: false,
        lead: { name: 'Ann', phone: '+77011234567', status: 'new', operatorId: null },
      });
      expect(await store.insertLead({ ...lead, name: 'Changed' })).toEqual({ duplicate: true, lead: first.lead });
      expect(await store.findLead('shop', v.id, lead.clientId)).toEqual(first.lead);
      expect(await store.getLead(first.lead.id)).toEqual({ ...first.lead, site: 'shop' });
      clock += 1;
      const updated = await store.updateLeadStatus(first.lead.id, 'in_work', 'anna');
      expect(updated).toMatchObject({ status: 'in_work', operatorId: 'anna', updatedAt: clock });
      expect((await store.listLeads('shop', { status: 'in_work' })).map((l) => l.id)).toContain(first.lead.id);
      expect((await store.listLeads('shop', { status: 'new' })).map((l) => l.id)).not.toContain(first.lead.id);
      expect(await store.listLeads('shop', { since: clock + 1 })).toEqual([]);
      expect(await store.listLeads('shop', { limit: 1 })).toHaveLength(1);
      expect(await store.updateLeadStatus('no-such-lead', 'done', 'anna')).toBeUndefined();
    });

    it('keeps a quarantined request out of the list until it is restored, once', async () => {
      const v = visitor();
      const clientId = newId();
      const { lead } = await store.insertLead({
        site: 'shop',
        visitorId: v.id,
        clientId,
        message: 'maybe spam',
        context: null,
        spam: 'ip_limit',
      });
      expect(lead).toMatchObject({ spam: 'ip_limit', status: 'new' });
      expect((await store.listLeads('shop', { limit: 1000 })).map((l) => l.id)).not.toContain(lead.id);
      expect((await store.listLeads('shop', { spam: true, limit: 1000 })).map((l) => l.id)).toContain(lead.id);
      // A resend finds it, so the visitor is thanked with the same id.
      expect(await store.findLead('shop', v.id, clientId)).toEqual(lead);

      clock += 1;
      // Two restores at once: exactly one lifts the quarantine.
      const [a, b] = await Promise.all([store.restoreLead(lead.id), store.restoreLead(lead.id)]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const restored = (a ?? b)!;
      expect(restored).toMatchObject({ id: lead.id, status: 'new', updatedAt: clock });
      expect(restored).not.toHaveProperty('spam');
      expect((await store.listLeads('shop', { limit: 1000 })).map((l) => l.id)).toContain(lead.id);
      expect((await store.listLeads('shop', { spam: true, limit: 1000 })).map((l) => l.id)).not.toContain(lead.id);
      expect(await store.restoreLead(lead.id)).toBeUndefined();
      expect(await store.restoreLead('no-such-lead')).toBeUndefined();
    });
  });

  describe('operator sessions', () => {
    it('finds a session until it expires', async () => {
      await store.createSession('hash-1', 'shop', 'anna', clock + 1000);
      expect(await store.findSession('hash-1')).toEqual({ site: 'shop', operatorId: 'anna' });
      clock += 1000;
      expect(await store.findSession('hash-1')).toBeUndefined();
      expect(await store.findSession('hash-2')).toBeUndefined();
    });
  });

  describe('webhook outbox', () => {
    it('hands a due delivery to one claimer per lease, retries it when due, and records the outcome', async () => {
      const backlog = await store.webhookBacklog();
      const d = await store.enqueueWebhook({
        site: 'hooks',
        url: 'http://127.0.0.1:9/hook',
        type: 'lead.created',
        body: '{"a":1}',
      });
      expect(d).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: clock,
        lastError: null,
        body: '{"a":1}',
      });
      expect(await store.webhookBacklog()).toBe(backlog + 1);
      const other = await db.open(now);
      const claims = await Promise.all([
        store.claimWebhooks(10_000, 10),
        other.claimWebhooks(10_000, 10),
        store.claimWebhooks(10_000, 10),
      ]);
      await other.close();
      const mine = claims.flat().filter((c) => c.id === d.id);
      expect(mine).toEqual([expect.objectContaining({ attempts: 1, nextAttemptAt: clock + 10_000 })]);

      await store.finishWebhook(d.id, { status: 'pending', error: 'HTTP 503', retryAt: clock + 100 });
      expect((await store.claimWebhooks(10_000, 10)).map((c) => c.id)).not.toContain(d.id);
      clock += 100;
      expect((await store.claimWebhooks(10_000, 10)).find((c) => c.id === d.id)).toMatchObject({
        attempts: 2,
        lastError: 'HTTP 503',
      });
      await store.finishWebhook(d.id, { status: 'delivered' });
      expect(await store.listWebhooks('hooks')).toEqual([
        expect.objectContaining({ id: d.id, status: 'delivered', attempts: 2, lastError: null }),
      ]);
      expect(await store.webhookBacklog()).toBe(backlog);

      const failed = await store.enqueueWebhook({
        site: 'hooks',
        url: 'http://127.0.0.1:9/hook',
        type: 'rating.low',
        body: '{}',
      });
      await store.finishWebhook(failed.id, { status: 'failed', error: 'connection failed' });
      expect((await store.listWebhooks('hooks', { status: 'failed' })).map((w) => w.id)).toEqual([failed.id]);
      expect(await store.listWebhooks('hooks', { limit: 1 })).toHaveLength(1);
    });
  });

  describe('data care', () => {
    it('retention deletes page views, IP addresses and sessions that are old, and nothing newer', async () => {
      const fresh = await engine.fresh();
      const s = await fresh.open(now);
      const snapshot = { page: null, firstTouch: null, lastTouch: null, env: null, ip: '10.1.1.1', region: 'Asia' };
      const old = visitor();
      await s.touchVisitor({ ...old, ip: '10.1.1.1' });
      await s.startPageView('shop', old.id, { url: 'https://shop.example/old' });
      const oldChat = (await s.openConversation('shop', `v:${old.id}`, old.id, snapshot)).conversation;
      await s.insertLead({
        site: 'shop',
        visitorId: old.id,
        clientId: newId(),
        message: 'old',
        context: null,
        snapshot,
      });
      await s.createSession('old-session', 'shop', 'anna', clock + 1000);
      clock += 10 * 86_400_000;
      const recent = visitor();
      await s.touchVisitor({ ...recent, ip: '10.2.2.2' });
      await s.startPageView('shop', recent.id, { url: 'https://shop.example/new' });
      const newChat = (await s.openConversation('shop', `v:${recent.id}`, recent.id, { ...snapshot, ip: '10.2.2.2' }))
        .conversation;
      await s.createSession('new-session', 'shop', 'anna', clock + 1000);

      expect(await s.purgeBefore(clock - 5 * 86_400_000)).toEqual({ pageViews: 1, ipAddresses: 3, sessions: 1 });
      expect((await s.getVisitor('shop', old.id))!.ip).toBeNull();
      expect((await s.getVisitor('shop', recent.id))!.ip).toBe('10.2.2.2');
      expect(await s.pageViews('shop', old.id)).toEqual([]);
      expect(await s.pageViews('shop', recent.id)).toHaveLength(1);
      expect(await s.conversationContext(oldChat.id)).toEqual({ ...snapshot, ip: null });
      expect((await s.conversationContext(newChat.id))!.ip).toBe('10.2.2.2');
      expect((await s.listLeads('shop'))[0]!.snapshot).toEqual({ ...snapshot, ip: null });
      expect(await s.findSession('new-session')).toBeDefined();
      // Nothing old is left: a second sweep finds nothing.
      expect(await s.purgeBefore(clock - 5 * 86_400_000)).toEqual({ pageViews: 0, ipAddresses: 0, sessions: 0 });
      await s.close();
      await fresh.drop();
    });

    it('exports everything about one visitor, then erases it and nothing of anyone else', async () => {
      const v = visitor();
      const bystander = visitor();
      for (const who of [v, bystander]) {
        await store.touchVisitor({ ...who, name: 'Ann', ip: '10.3.3.3' });
        await store.startPageView('shop', who.id, { url: 'https://shop.example/p' });
        const { conversation: c } = await store.openConversation('shop', `v:${who.id}`, who.id);
        await store.appendMessage({
          conversationId: c.id,
          sender: `v:${who.id}`,
          clientId: newId(),
          author: 'visitor',
          operatorId: null,
          text: `hi from ${who.id}`,
        });
        await store.insertLead({
          site: 'shop',
          visitorId: who.id,
          clientId: newId(),
          message: 'call me',
          context: null,
        });
        await store.insertLead({
          site: 'shop',
          visitorId: who.id,
          clientId: newId(),
          message: 'again',
          context: null,
          spam: 'visitor_limit',
        });
        await store.enqueueWebhook({
          site: 'shop',
          url: 'http://127.0.0.1:9/',
          type: 'lead.created',
          body: JSON.stringify({ lead: { visitorId: who.id } }),
        });
        await store.enqueueEmail({
          site: 'shop',
          kind: 'transcript',
          dedupeKey: `transcript:${c.id}`,
          conversationId: c.id,
          toAddress: `${who.id}@example.com`,
          subject: 'Your chat',
          text: `hi from ${who.id}`,
        });
      }
      const exported = await store.exportVisitor('shop', v.id);
      expect(exported).toMatchObject({
        visitor: { id: v.id, name: 'Ann', ip: '10.3.3.3' },
        conversations: [{ visitorId: v.id, messages: [{ text: `hi from ${v.id}` }] }],
        leads: [
          { visitorId: v.id, message: 'call me' },
          { visitorId: v.id, message: 'again', spam: 'visitor_limit' },
        ],
        pageViews: [{ url: 'https://shop.example/p' }],
        emails: [{ toAddress: `${v.id}@example.com`, kind: 'transcript' }],
      });
      const conversationId = exported!.conversations[0]!.id;

      expect(await store.eraseVisitor('shop', v.id)).toBe(true);
      expect(await store.exportVisitor('shop', v.id)).toBeUndefined();
      expect(await store.getConversation(conversationId)).toBeUndefined();
      expect(await store.lastMessages(conversationId, 10)).toEqual([]);
      expect((await store.listLeads('shop', { limit: 1000 })).filter((l) => l.visitorId === v.id)).toEqual([]);
      expect((await store.listLeads('shop', { limit: 1000, spam: true })).filter((l) => l.visitorId === v.id)).toEqual(
        [],
      );
      expect(await store.pageViews('shop', v.id)).toEqual([]);
      expect((await store.listWebhooks('shop', { limit: 1000 })).filter((w) => w.body.includes(v.id))).toEqual([]);
      expect((await store.listEmails('shop')).filter((e) => e.toAddress.startsWith(v.id))).toEqual([]);
      expect((await store.listEmails('shop')).filter((e) => e.toAddress.startsWith(bystander.id))).toHaveLength(1);
      expect(await store.eraseVisitor('shop', v.id)).toBe(false);

      const kept = await store.exportVisitor('shop', bystander.id);
      expect(kept!.conversations[0]!.messages).toHaveLength(1);
      expect(kept!.leads).toHaveLength(2);
      expect(
        (await store.listWebhooks('shop', { limit: 1000 })).filter((w) => w.body.includes(bystander.id)),
      ).toHaveLength(1);
    });
  });

  describe('attachments', () => {
    const grant = (sender: string, visitorId: string, uploadKey = newId(), grantHash = newId()) => ({
      site: 'shop',
      sender,
      uploadKey,
      visitorId,
      conversationId: null,
      name: 'photo.png',
      declaredMime: 'image/png',
      declaredSize: 100,
      durationMs: null,
      grantHash,
      grantExpiresAt: clock + 120_000,
    });
    const done = (storageKey = newId()) => ({
      mime: 'image/png',
      kind: 'image' as const,
      size: 90,
      width: 1,
      height: 1,
      durationMs: null,
      storageKey,
    });

    it('claims a grant once across connections, not after its expiry, and voids an upload a newer grant replaced', async () => {
      const v = visitor();
      const first = grant(`v:${v.id}`, v.id);
      const { attachment } = await store.grantUpload(first);
      const other = await db.open(now);
      const claims = await Promise.all([store.claimUpload(first.grantHash), other.claimUpload(first.grantHash)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      // The same key granted again: the upload in flight under the first grant cannot finish.
      const second = { ...first, grantHash: newId() };
      expect((await store.grantUpload(second)).attachment.id).toBe(attachment.id);
      expect(await store.finishUpload(attachment.id, first.grantHash, done())).toBeUndefined();
      expect(await store.claimUpload(second.grantHash)).toMatchObject({ id: attachment.id, status: 'uploading' });
      expect(await store.finishUpload(attachment.id, second.grantHash, done())).toMatchObject({
        status: 'ready',
        size: 90,
      });
      // A finished key answers with the attachment, and no new grant.
      expect(await store.grantUpload({ ...first, grantHash: newId() })).toMatchObject({ ready: true });
      expect(await store.uploadedBytes(`v:${v.id}`)).toBe(90);

      const late = grant(`v:${v.id}`, v.id);
      await store.grantUpload(late);
      clock += 120_001;
      expect(await store.claimUpload(late.grantHash)).toBeUndefined();
      await other.close();
    });

    it('ties an upload to one message only, even when two race for it, and a resend keeps it', async () => {
      const c = await conversation();
      const sender = `v:${c.visitorId}`;
      const upload = grant(sender, c.visitorId);
      const { attachment } = await store.grantUpload(upload);
      await store.claimUpload(upload.grantHash);
      await store.finishUpload(attachment.id, upload.grantHash, done());
      const other = await db.open(now);
      const message = (s: Store, clientId: string) =>
        s.appendMessage({
          conversationId: c.id,
          sender,
          clientId,
          author: 'visitor',
          operatorId: null,
          text: '',
          attachments: [attachment.id],
        });
      const results = await Promise.allSettled([message(store, 'client-a'), message(other, 'client-b')]);
      const stored = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(stored).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(AttachmentUnavailableError);
      expect(readAttachments(stored[0]!.message)).toEqual([
        { id: attachment.id, kind: 'image', name: 'photo.png', mime: 'image/png', size: 90, width: 1, height: 1 },
      ]);
      const resent = await message(store, stored[0]!.message.clientId);
      expect(resent.duplicate).toBe(true);
      expect(resent.message.attachments).toBe(stored[0]!.message.attachments);
      expect(await store.getAttachment(attachment.id)).toMatchObject({
        messageId: stored[0]!.message.id,
        conversationId: c.id,
      });
      // Another sender cannot take someone's upload.
      const foreign = grant('v:someone-else', c.visitorId);
      const { attachment: theirs } = await store.grantUpload(foreign);
      await store.claimUpload(foreign.grantHash);
      await store.finishUpload(theirs.id, foreign.grantHash, done());
      await expect(
        store.appendMessage({
          conversationId: c.id,
          sender,
          clientId: newId(),
          author: 'visitor',
          operatorId: null,
          text: 'x',
          attachments: [theirs.id],
        }),
      ).rejects.toBeInstanceOf(AttachmentUnavailableError);
      await other.close();
    });

    it('removes unsent uploads and old files, taking them off their messages', async () => {
      const c = await conversation();
      const sender = `v:${c.visitorId}`;
      const ready = async () => {
        const upload = grant(sender, c.visitorId);
        const { attachment } = await store.grantUpload(upload);
        await store.claimUpload(upload.grantHash);
        return (await store.finishUpload(attachment.id, upload.grantHash, done(newId())))!;
      };
      const unsent = await ready();
      const sent = await ready();
      const { message } = await store.appendMessage({
        conversationId: c.id,
        sender,
        clientId: newId(),
        author: 'visitor',
        operatorId: null,
        text: 'file',
        attachments: [sent.id],
      });
      clock += 1000;
      expect(await store.removeAttachments(clock, true, 100)).toContain(unsent.storageKey);
      expect(await store.getAttachment(sent.id)).toBeDefined();
      expect(await store.visitorFileKeys('shop', c.visitorId)).toEqual([sent.storageKey]);
      expect(await store.removeAttachments(clock, false, 100)).toContain(sent.storageKey);
      expect((await store.getMessage(message.id))?.attachments).toBeNull();
    });
  });

  describe('schema', () => {
    it('keeps everything when the server starts again, and two servers starting at once migrate once', async () => {
      const fresh = await engine.fresh();
      const [a, b] = await Promise.all([fresh.open(now), fresh.open(now)]);
      const v = visitor();
      const { conversation: c } = await a.openConversation('shop', `v:${v.id}`, v.id);
      const stored = await a.appendMessage({
        conversationId: c.id,
        sender: 'v:x',
        clientId: 'client-x',
        author: 'visitor',
        operatorId: null,
        text: 'kept',
      });
      await Promise.all([a.close(), b.close()]);
      const reopened = await fresh.open(now);
      expect(await reopened.lastMessages(c.id, 10)).toEqual([stored.message]);
      expect(
        (
          await reopened.appendMessage({
            conversationId: c.id,
            sender: 'v:x',
            clientId: 'client-y',
            author: 'visitor',
            operatorId: null,
            text: 'next',
          })
        ).message.seq,
      ).toBe(2);
      await reopened.close();
      await fresh.drop();
    });
  });
});
