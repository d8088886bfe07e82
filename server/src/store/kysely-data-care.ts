/**
 * Data care, on either engine: retention (what is old is deleted or stripped of its IP
 * address), and one visitor's data exported or erased.
 */
import type { ContextSnapshot } from '../../../src/protocol';
import { ATTACHMENT } from './kysely-attachments';
import { EMAIL_COLUMNS } from './kysely-mail';
import type {
  AttachmentRow,
  ConversationRow,
  MessageRow,
  OutgoingEmail,
  PageViewRow,
  Store,
  VisitorRow,
} from './types';
import type { Db, Writer } from './writer';

type DataCareMethods = Pick<Store, 'purgeBefore' | 'exportVisitor' | 'eraseVisitor'>;

interface Reads {
  visitor(q: Db, site: string, id: string): Promise<VisitorRow | undefined>;
  conversations(q: Db, site: string, visitorId: string): Promise<ConversationRow[]>;
  messages(q: Db, conversationId: string): Promise<MessageRow[]>;
}

/** Snapshots are JSON text: the IP address is cleared by rewriting the JSON, the same on both engines. */
const withoutIp = (json: string) => JSON.stringify({ ...(JSON.parse(json) as object), ip: null });
const HAS_IP = '%"ip":"%';

export function dataCareMethods(
  db: Db,
  writer: Writer,
  store: Pick<Store, 'listLeads' | 'pageViews'>,
  reads: Reads,
): DataCareMethods {
  return {
    purgeBefore: (before) =>
      writer.write(async (trx) => {
        const pageViews = await trx.deleteFrom('pageViews').where('startedAt', '<', before).executeTakeFirst();
        const sessions = await trx.deleteFrom('operatorSessions').where('expiresAt', '<', before).executeTakeFirst();
        const visitors = await trx
          .updateTable('visitors')
          .set({ ip: null })
          .where('lastSeenAt', '<', before)
          .where('ip', 'is not', null)
          .executeTakeFirst();
        let snapshots = 0;
        const contexts = await trx
          .selectFrom('conversations')
          .select(['id', 'context'])
          .where('createdAt', '<', before)
          .where('context', 'like', HAS_IP)
          .execute();
        for (const row of contexts) {
          await trx
            .updateTable('conversations')
            .set({ context: withoutIp(row.context!) })
            .where('id', '=', row.id)
            .execute();
          snapshots++;
        }
        const leads = await trx
          .selectFrom('leads')
          .select(['id', 'snapshot'])
          .where('createdAt', '<', before)
          .where('snapshot', 'like', HAS_IP)
          .execute();
        for (const row of leads) {
          await trx
            .updateTable('leads')
            .set({ snapshot: withoutIp(row.snapshot!) })
            .where('id', '=', row.id)
            .execute();
          snapshots++;
        }
        return {
          pageViews: Number(pageViews.numDeletedRows),
          sessions: Number(sessions.numDeletedRows),
          ipAddresses: Number(visitors.numUpdatedRows) + snapshots,
        };
      }),

    async exportVisitor(site, visitorId) {
      const visitor = await reads.visitor(db, site, visitorId);
      if (!visitor) return undefined;
      const conversations = await reads.conversations(db, site, visitorId);
      const contexts = await db
        .selectFrom('conversations')
        .select(['id', 'context'])
        .where('site', '=', site)
        .where('visitorId', '=', visitorId)
        .execute();
      const contextOf = new Map(
        contexts.map((c) => [c.id, c.context ? (JSON.parse(c.context) as ContextSnapshot) : null]),
      );
      return {
        visitor,
        conversations: await Promise.all(
          conversations.map(async (c) => ({
            ...c,
            context: contextOf.get(c.id) ?? null,
            messages: await reads.messages(db, c.id),
          })),
        ),
        // Quarantined requests are this visitor's data too.
        leads: [
          ...(await store.listLeads(site, { limit: 100_000 })),
          ...(await store.listLeads(site, { limit: 100_000, spam: true })),
        ].filter((lead) => lead.visitorId === visitorId),
        pageViews: (await store.pageViews(site, visitorId)) as PageViewRow[],
        attachments: (await db
          .selectFrom('attachments')
          .select(ATTACHMENT)
          .where('site', '=', site)
          .where((eb) =>
            eb.or([eb('visitorId', '=', visitorId), eb('conversationId', 'in', [...contextOf.keys(), ''])]),
          )
          .orderBy('createdAt')
          .execute()) as AttachmentRow[],
        emails: (await db
          .selectFrom('emailOutbox')
          .select(EMAIL_COLUMNS)
          .where('site', '=', site)
          .where('conversationId', 'in', [...contextOf.keys(), ''])
          .orderBy('createdAt')
          .execute()) as OutgoingEmail[],
      };
    },

    eraseVisitor: (site, visitorId) =>
      writer.write(async (trx) => {
        const conversationIds = (
          await trx
            .selectFrom('conversations')
            .select('id')
            .where('site', '=', site)
            .where('visitorId', '=', visitorId)
            .execute()
        ).map((c) => c.id);
        // The rows only: the caller deletes the files (Store.visitorFileKeys, read before).
        await trx
          .deleteFrom('attachments')
          .where('site', '=', site)
          .where((eb) => eb.or([eb('visitorId', '=', visitorId), eb('conversationId', 'in', [...conversationIds, ''])]))
          .execute();
        if (conversationIds.length) {
          // A follow-up carries the visitor's address and the transcript: it goes with the chat.
          await trx.deleteFrom('emailOutbox').where('conversationId', 'in', conversationIds).execute();
          await trx.deleteFrom('messages').where('conversationId', 'in', conversationIds).execute();
          await trx.deleteFrom('conversations').where('id', 'in', conversationIds).execute();
        }
        await trx.deleteFrom('leads').where('site', '=', site).where('visitorId', '=', visitorId).execute();
        await trx.deleteFrom('pageViews').where('site', '=', site).where('visitorId', '=', visitorId).execute();
        // Visitor ids are 22 random characters: found in a body, they are this visitor's.
        await trx
          .deleteFrom('webhookDeliveries')
          .where('site', '=', site)
          .where('body', 'like', `%${visitorId}%`)
          .execute();
        const visitor = await trx
          .deleteFrom('visitors')
          .where('site', '=', site)
          .where('id', '=', visitorId)
          .executeTakeFirst();
        return visitor.numDeletedRows > 0n;
      }),
  };
}
