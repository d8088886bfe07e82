/**
 * Attachments on either engine: an upload's row from its grant (single use, hashed) to
 * the message it goes out with, and the sweeps that remove unsent and old files' rows.
 * The files themselves are the file store's (files/file-store.ts): these methods return
 * storage keys for the caller to delete once the rows are gone.
 */
import type { AttachmentRow, FinishedUpload, Store, StoredAttachment } from './types';
import type { Db, Writer } from './writer';

type AttachmentMethods = Pick<
  Store,
  | 'grantUpload'
  | 'claimUpload'
  | 'findUpload'
  | 'finishUpload'
  | 'dropUpload'
  | 'getAttachment'
  | 'getAttachments'
  | 'uploadedBytes'
  | 'storedFileBytes'
  | 'removeAttachments'
  | 'removeMessageAttachments'
  | 'visitorFileKeys'
>;

export const ATTACHMENT = [
  'id',
  'site',
  'sender',
  'uploadKey',
  'visitorId',
  'conversationId',
  'messageId',
  'status',
  'grantExpiresAt',
  'name',
  'declaredMime',
  'declaredSize',
  'mime',
  'kind',
  'size',
  'width',
  'height',
  'durationMs',
  'storageKey',
  'createdAt',
  'updatedAt',
] as const;

/** What a message keeps of a finished upload. */
export function storedAttachment(row: AttachmentRow): StoredAttachment {
  return {
    id: row.id,
    kind: row.kind ?? 'file',
    name: row.name,
    mime: row.mime ?? 'application/octet-stream',
    size: row.size ?? 0,
    ...(row.width !== null && row.height !== null ? { width: row.width, height: row.height } : {}),
    ...(row.durationMs !== null ? { durationMs: row.durationMs } : {}),
  };
}

export function attachmentMethods(db: Db, writer: Writer, newId: () => string, now: () => number): AttachmentMethods {
  const byId = (q: Db, id: string) =>
    q.selectFrom('attachments').select(ATTACHMENT).where('id', '=', id).executeTakeFirst() as Promise<
      AttachmentRow | undefined
    >;

  return {
    grantUpload: (upload) =>
      writer.write(async (trx) => {
        const at = now();
        const existing = (await trx
          .selectFrom('attachments')
          .select(ATTACHMENT)
          .where('sender', '=', upload.sender)
          .where('uploadKey', '=', upload.uploadKey)
          .executeTakeFirst()) as AttachmentRow | undefined;
        if (existing?.status === 'ready') return { attachment: existing, ready: true };
        const grant = {
          status: 'granted' as const,
          grantHash: upload.grantHash,
          grantExpiresAt: upload.grantExpiresAt,
          name: upload.name,
          declaredMime: upload.declaredMime,
          declaredSize: upload.declaredSize,
          durationMs: upload.durationMs,
          conversationId: upload.conversationId,
          updatedAt: at,
        };
        if (existing) {
          // The earlier grant (used or not) is void: an upload still running under it cannot finish.
          await trx.updateTable('attachments').set(grant).where('id', '=', existing.id).execute();
          return { attachment: (await byId(trx, existing.id))!, ready: false };
        }
        const id = newId();
        await trx
          .insertInto('attachments')
          .values({
            ...grant,
            id,
            site: upload.site,
            sender: upload.sender,
            uploadKey: upload.uploadKey,
            visitorId: upload.visitorId,
            messageId: null,
            mime: null,
            kind: null,
            size: null,
            width: null,
            height: null,
            storageKey: null,
            createdAt: at,
          })
          .execute();
        return { attachment: (await byId(trx, id))!, ready: false };
      }),

    claimUpload: (grantHash) =>
      writer.write(async (trx) => {
        const claimed = await trx
          .updateTable('attachments')
          .set({ status: 'uploading', updatedAt: now() })
          .where('grantHash', '=', grantHash)
          .where('status', '=', 'granted')
          .where('grantExpiresAt', '>', now())
          .returning('id')
          .executeTakeFirst();
        return claimed ? byId(trx, claimed.id) : undefined;
      }),

    finishUpload: (id, grantHash, done: FinishedUpload) =>
      writer.write(async (trx) => {
        const finished = await trx
          .updateTable('attachments')
          .set({ ...done, status: 'ready', grantHash: null, grantExpiresAt: null, updatedAt: now() })
          .where('id', '=', id)
          .where('grantHash', '=', grantHash)
          .where('status', '=', 'uploading')
          .executeTakeFirst();
        return finished.numUpdatedRows > 0n ? byId(trx, id) : undefined;
      }),

    dropUpload: (id, grantHash) =>
      writer.write(async (trx) => {
        await trx
          .deleteFrom('attachments')
          .where('id', '=', id)
          .where('grantHash', '=', grantHash)
          .where('status', '!=', 'ready')
          .execute();
      }),

    findUpload: (sender, uploadKey) =>
      db
        .selectFrom('attachments')
        .select(ATTACHMENT)
        .where('sender', '=', sender)
        .where('uploadKey', '=', uploadKey)
        .executeTakeFirst() as Promise<AttachmentRow | undefined>,
    getAttachment: (id) => byId(db, id),
    getAttachments: async (ids) =>
      ids.length
        ? ((await db.selectFrom('attachments').select(ATTACHMENT).where('id', 'in', ids).execute()) as AttachmentRow[])
        : [],

    uploadedBytes: async (sender) => {
      const row = await db
        .selectFrom('attachments')
        .select((eb) => eb.fn.sum<number | string | null>(eb.fn.coalesce('size', 'declaredSize')).as('bytes'))
        .where('sender', '=', sender)
        .executeTakeFirst();
      return Number(row?.bytes ?? 0);
    },

    storedFileBytes: async () => {
      const row = await db
        .selectFrom('attachments')
        .select((eb) => eb.fn.sum<number | string | null>('size').as('bytes'))
        .where('status', '=', 'ready')
        .executeTakeFirst();
      return Number(row?.bytes ?? 0);
    },

    removeAttachments: (before, unsentOnly, limit) =>
      writer.write(async (trx) => {
        // Unsent uploads expire from their latest grant; sent ones age from their upload.
        const age = unsentOnly ? 'updatedAt' : 'createdAt';
        let query = trx
          .selectFrom('attachments')
          .select(['id', 'messageId', 'storageKey'])
          .where(age, '<', before)
          .orderBy(age)
          .limit(limit);
        if (unsentOnly) query = query.where('messageId', 'is', null);
        const rows = await query.execute();
        if (!rows.length) return [];
        const ids = rows.map((r) => r.id);
        const gone = new Set(ids);
        // A message keeps showing only the attachments that are still there.
        const messageIds = [...new Set(rows.flatMap((r) => (r.messageId ? [r.messageId] : [])))];
        if (messageIds.length) {
          const messages = await trx
            .selectFrom('messages')
            .select(['id', 'attachments'])
            .where('id', 'in', messageIds)
            .execute();
          for (const message of messages) {
            const kept = (JSON.parse(message.attachments ?? '[]') as StoredAttachment[]).filter((a) => !gone.has(a.id));
            await trx
              .updateTable('messages')
              .set({ attachments: kept.length ? JSON.stringify(kept) : null })
              .where('id', '=', message.id)
              .execute();
          }
        }
        await trx.deleteFrom('attachments').where('id', 'in', ids).execute();
        return rows.flatMap((r) => (r.storageKey ? [r.storageKey] : []));
      }),

    removeMessageAttachments: (messageId) =>
      writer.write(async (trx) => {
        const rows = await trx
          .deleteFrom('attachments')
          .where('messageId', '=', messageId)
          .returning('storageKey')
          .execute();
        return rows.flatMap((r) => (r.storageKey ? [r.storageKey] : []));
      }),

    visitorFileKeys: async (site, visitorId) => {
      const rows = await db
        .selectFrom('attachments')
        .select('storageKey')
        .where('site', '=', site)
        .where((eb) =>
          eb.or([
            eb('visitorId', '=', visitorId),
            eb(
              'conversationId',
              'in',
              eb.selectFrom('conversations').select('id').where('site', '=', site).where('visitorId', '=', visitorId),
            ),
          ]),
        )
        .where('storageKey', 'is not', null)
        .execute();
      return rows.map((r) => r.storageKey!);
    },
  };
}
