/**
 * The console's search: a filter over what the console has loaded (conversation
 * summaries, the messages seen this session, requests). It does not ask the server, so
 * it cannot find a conversation the console never received.
 *
 * The query is split into words as the server's search splits and folds it
 * (src/protocol/search-words.ts); every word must begin a word of the visitor label, name,
 * e-mail, phone or loaded text, as it must on the server: a filter that found "der" inside
 * "order" listed what the server's answer to the same search left out. A word of three or
 * more digits also matches inside a phone number, however it is written (spaces, dashes,
 * brackets): a request's phone is no text the server searches.
 */
import { beginsAWord, searchWordsOf, type ConversationSummary, type Lead, type LeadStatus } from '../../src/protocol';

export type ConversationStatusFilter = 'any' | 'open' | 'closed' | 'spam';
/** 'any', 'me', 'none' (nobody took it yet) or an operator id. */
export type OperatorFilter = string;

/** How far back: by the last activity of a conversation, the arrival of a request. */
export type PeriodFilter = 'any' | 'today' | '7d' | '30d';

export interface ConversationFilter {
  query: string;
  status: ConversationStatusFilter;
  operator: OperatorFilter;
  period: PeriodFilter;
}

export interface LeadFilter {
  query: string;
  /** 'spam' shows only the quarantined requests; every other choice leaves them out. */
  status: 'any' | LeadStatus | 'spam';
  period: PeriodFilter;
}

export const NO_CONVERSATION_FILTER: ConversationFilter = { query: '', status: 'any', operator: 'any', period: 'any' };
export const NO_LEAD_FILTER: LeadFilter = { query: '', status: 'any', period: 'any' };

const DAY_MS = 86_400_000;

/** The earliest time a period lets in; "today" starts at the operator's local midnight. */
export function periodStart(period: PeriodFilter, now: number): number {
  if (period === 'any') return -Infinity;
  if (period === 'today') {
    const midnight = new Date(now);
    midnight.setHours(0, 0, 0, 0);
    return midnight.getTime();
  }
  return now - (period === '7d' ? 7 : 30) * DAY_MS;
}

const digits = (text: string) => text.replace(/\D/g, '');

/** Whether every word of `query` begins a word of one of `fields`, or, all digits, is in one of `phones`. */
export function matchesQuery(
  query: string,
  fields: readonly (string | null | undefined)[],
  phones: readonly (string | null | undefined)[] = [],
): boolean {
  const wanted = searchWordsOf(query);
  const words = searchWordsOf([...fields, ...phones].filter(Boolean).join('\n'));
  const numbers = phones.map((phone) => digits(phone ?? '')).filter((d) => d.length > 0);
  return wanted.every(
    (prefix) => beginsAWord(prefix, words) || (/^\d{3,}$/.test(prefix) && numbers.some((n) => n.includes(prefix))),
  );
}

export function matchesConversation(
  c: ConversationSummary,
  filter: ConversationFilter,
  me: string | undefined,
  searchable: { label: string; texts?: readonly string[] },
  now = Date.now(),
): boolean {
  if (c.updatedAt < periodStart(filter.period, now)) return false;
  if (filter.status === 'open' && c.status !== 'open') return false;
  if (filter.status === 'closed' && c.status !== 'closed') return false;
  if (filter.status === 'spam' && c.closeReason !== 'spam') return false;
  if (filter.operator === 'me' && (!me || c.operatorId !== me)) return false;
  if (filter.operator === 'none' && c.operatorId) return false;
  if (!['any', 'me', 'none'].includes(filter.operator) && c.operatorId !== filter.operator) return false;
  return matchesQuery(filter.query, [
    searchable.label,
    c.visitorName,
    c.visitorEmail,
    c.lastMessage?.text,
    ...(searchable.texts ?? []),
  ]);
}

export function matchesLead(lead: Lead, filter: LeadFilter, label: string, now = Date.now()): boolean {
  if (lead.createdAt < periodStart(filter.period, now)) return false;
  if ((filter.status === 'spam') !== Boolean(lead.spam)) return false;
  if (filter.status !== 'any' && filter.status !== 'spam' && lead.status !== filter.status) return false;
  return matchesQuery(filter.query, [label, lead.name, lead.email, lead.message], [lead.phone]);
}

const EMPTY_STATUS: Record<LeadFilter['status'], string> = {
  any: 'No requests yet.',
  new: 'No new requests.',
  in_work: 'No requests in work.',
  done: 'No requests done.',
  spam: 'No requests in quarantine.',
};

/**
 * What an empty request list says: the search when one was typed, the period when one was
 * chosen, else the status filter itself ("No requests in quarantine.", not "Nothing
 * matches the search." after the last spam was released).
 */
export function emptyLeadListText(filter: LeadFilter, loaded: number): string {
  if (filter.query.trim()) return 'Nothing loaded matches the search.';
  if (loaded > 0 && filter.period !== 'any') return 'No requests in this period.';
  // Any status leaves the quarantine out: what is loaded is all spam.
  if (loaded > 0 && filter.status === 'any') return 'No requests outside quarantine.';
  return EMPTY_STATUS[filter.status];
}
