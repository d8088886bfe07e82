/** The requests ("leads") part of the store, on either engine. */
import type { Selectable } from 'kysely';
import type { ContextSnapshot, Lead, PageContext } from '../../../src/protocol';
import type { Database } from './schema';
import type { Store } from './types';
import type { Db, Writer } from './writer';

const COLUMNS = [
  'id',
  'site',
  'visitorId',
  'name',
  'phone',
  'email',
  'message',
  'context',
  'snapshot',
  'status',
  'spamReason',
  'operatorId',
  'createdAt',
  'updatedAt',
] as const;

type LeadRow = Omit<Selectable<Database['leads']>, 'clientId'>;

function toLead(row: LeadRow): Lead {
  return {
    id: row.id,
    visitorId: row.visitorId,
    ...(row.name ? { name: row.name } : {}),
    ...(row.phone ? { phone: row.phone } : {}),
    ...(row.email ? { email: row.email } : {}),
    ...(row.message ? { message: row.message } : {}),
    context: row.context ? (JSON.parse(row.context) as PageContext) : null,
    ...(row.snapshot ? { snapshot: JSON.parse(row.snapshot) as ContextSnapshot } : {}),
    status: row.status,
    ...(row.spamReason ? { spam: row.spamReason } : {}),
    operatorId: row.operatorId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

type LeadMethods = Pick<
  Store,
  'insertLead' | 'findLead' | 'getLead' | 'listLeads' | 'updateLeadStatus' | 'restoreLead'
>;

export function leadMethods(db: Db, writer: Writer, newId: () => string, now: () => number): LeadMethods {
  const find = (q: Db, site: string, visitorId: string, clientId: string) =>
    q
      .selectFrom('leads')
      .select(COLUMNS)
      .where('site', '=', site)
      .where('visitorId', '=', visitorId)
      .where('clientId', '=', clientId)
      .executeTakeFirst();
  const get = (q: Db, id: string) => q.selectFrom('leads').select(COLUMNS).where('id', '=', id).executeTakeFirst();

  return {
    insertLead: (lead) =>
      writer.write(async (trx) => {
        const at = now();
        const inserted = await trx
          .insertInto('leads')
          .values({
            id: newId(),
            site: lead.site,
            visitorId: lead.visitorId,
            clientId: lead.clientId,
            name: lead.name ?? null,
            phone: lead.phone ?? null,
            email: lead.email ?? null,
            message: lead.message ?? null,
            context: lead.context ? JSON.stringify(lead.context) : null,
            snapshot: lead.snapshot ? JSON.stringify(lead.snapshot) : null,
            status: 'new',
            spamReason: lead.spam ?? null,
            createdAt: at,
            updatedAt: at,
          })
          .onConflict((conflict) => conflict.columns(['site', 'visitorId', 'clientId']).doNothing())
          .returning('id')
          .executeTakeFirst();
        const row = (await find(trx, lead.site, lead.visitorId, lead.clientId))!;
        return { lead: toLead(row), duplicate: inserted === undefined };
      }),
    async findLead(site, visitorId, clientId) {
      const row = await find(db, site, visitorId, clientId);
      return row && toLead(row);
    },
    async getLead(id) {
      const row = await get(db, id);
      return row && { ...toLead(row), site: row.site };
    },
    listLeads: async (site, { status, since = 0, limit = 200, spam = false } = {}) => {
      let query = db
        .selectFrom('leads')
        .select(COLUMNS)
        .where('site', '=', site)
        .where('spamReason', spam ? 'is not' : 'is', null)
        .where('createdAt', '>=', since);
      if (status) query = query.where('status', '=', status);
      return (await query.orderBy('createdAt', 'desc').limit(limit).execute()).map(toLead);
    },
    updateLeadStatus: (id, status, operatorId) =>
      writer.write(async (trx) => {
        await trx.updateTable('leads').set({ status, operatorId, updatedAt: now() }).where('id', '=', id).execute();
        const row = await get(trx, id);
        return row && toLead(row);
      }),
    // Conditional: of two operators pressing "Not spam" at once, one update finds it quarantined.
    restoreLead: (id) =>
      writer.write(async (trx) => {
        const lifted = await trx
          .updateTable('leads')
          .set({ spamReason: null, updatedAt: now() })
          .where('id', '=', id)
          .where('spamReason', 'is not', null)
          .executeTakeFirst();
        if (lifted.numUpdatedRows === 0n) return undefined;
        const row = await get(trx, id);
        return row && toLead(row);
      }),
  };
}
