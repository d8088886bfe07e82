/** The requests ("leads") part of the SQLite store. */
import type Database from 'better-sqlite3';
import type { ContextSnapshot, Lead, LeadStatus, PageContext } from '../../../src/protocol';
import type { Store } from './types';

interface LeadRow {
  id: string;
  site: string;
  visitorId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  message: string | null;
  context: string | null;
  snapshot: string | null;
  status: LeadStatus;
  operatorId: string | null;
  createdAt: number;
  updatedAt: number;
}

const COLUMNS = `id, site, visitor_id AS visitorId, name, phone, email, message, context, snapshot, status,
  operator_id AS operatorId, created_at AS createdAt, updated_at AS updatedAt`;

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
    operatorId: row.operatorId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

type LeadMethods = Pick<Store, 'insertLead' | 'findLead' | 'getLead' | 'listLeads' | 'updateLeadStatus'>;

export function leadMethods(db: Database.Database, newId: () => string, now: () => number): LeadMethods {
  const q = {
    insert: db.prepare(`INSERT INTO leads
      (id, site, visitor_id, client_id, name, phone, email, message, context, snapshot, status, created_at, updated_at)
      VALUES (@id, @site, @visitorId, @clientId, @name, @phone, @email, @message, @context, @snapshot, 'new', @now, @now)
      ON CONFLICT (site, visitor_id, client_id) DO NOTHING`),
    find: db.prepare(`SELECT ${COLUMNS} FROM leads WHERE site = ? AND visitor_id = ? AND client_id = ?`),
    get: db.prepare(`SELECT ${COLUMNS} FROM leads WHERE id = ?`),
    list: db.prepare(`SELECT ${COLUMNS} FROM leads
      WHERE site = @site AND (@status IS NULL OR status = @status) AND created_at >= @since
      ORDER BY created_at DESC LIMIT @limit`),
    update: db.prepare(`UPDATE leads SET status = ?, operator_id = ?, updated_at = ? WHERE id = ?`),
  };
  return {
    insertLead(lead) {
      const inserted = q.insert.run({
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
        now: now(),
      });
      const row = q.find.get(lead.site, lead.visitorId, lead.clientId) as LeadRow;
      return { lead: toLead(row), duplicate: inserted.changes === 0 };
    },
    findLead(site, visitorId, clientId) {
      const row = q.find.get(site, visitorId, clientId) as LeadRow | undefined;
      return row && toLead(row);
    },
    getLead(id) {
      const row = q.get.get(id) as LeadRow | undefined;
      return row && { ...toLead(row), site: row.site };
    },
    listLeads: (site, { status, since = 0, limit = 200 } = {}) =>
      (q.list.all({ site, status: status ?? null, since, limit }) as LeadRow[]).map(toLead),
    updateLeadStatus(id, status, operatorId) {
      q.update.run(status, operatorId, now(), id);
      const row = q.get.get(id) as LeadRow | undefined;
      return row && toLead(row);
    },
  };
}
