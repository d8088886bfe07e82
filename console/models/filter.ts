/**
 * The console's search: a filter over what the console has loaded (conversation
 * summaries, the messages seen this session, requests). It does not ask the server, so
 * it cannot find a conversation the console never received.
 *
 * The query is split into words; every word must occur (case- and accent-insensitive) in
 * the visitor label, name, e-mail, phone or loaded text. A word with three or more digits
 * also matches a phone number written with spaces, dashes or brackets.
 */
import type { ConversationSummary, Lead, LeadStatus } from '../../src/protocol';

export type ConversationStatusFilter = 'any' | 'open' | 'closed' | 'spam';
/** 'any', 'me', 'none' (nobody took it yet) or an operator id. */
export type OperatorFilter = string;

export interface ConversationFilter {
  query: string;
  status: ConversationStatusFilter;
  operator: OperatorFilter;
}

export interface LeadFilter {
  query: string;
  status: 'any' | LeadStatus;
}

export const NO_CONVERSATION_FILTER: ConversationFilter = { query: '', status: 'any', operator: 'any' };
export const NO_LEAD_FILTER: LeadFilter = { query: '', status: 'any' };

/** Lower case without accents, so "Zoë" is found by "zoe". */
export const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

const digits = (text: string) => text.replace(/\D/g, '');

/** Whether every word of `query` is in one of `fields`. */
export function matchesQuery(query: string, fields: readonly (string | null | undefined)[]): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const present = fields.filter((f): f is string => !!f);
  const haystack = fold(present.join('\n'));
  const numbers = present.map(digits).filter((d) => d.length > 0);
  return words.every((word) => {
    if (haystack.includes(word)) return true;
    const wanted = digits(word);
    return wanted.length >= 3 && wanted.length === word.replace(/[\s()+.-]/g, '').length && numbers.some((n) => n.includes(wanted));
  });
}

export function matchesConversation(
  c: ConversationSummary,
  filter: ConversationFilter,
  me: string | undefined,
  searchable: { label: string; texts?: readonly string[] },
): boolean {
  if (filter.status === 'open' && c.status !== 'open') return false;
  if (filter.status === 'closed' && c.status !== 'closed') return false;
  if (filter.status === 'spam' && c.closeReason !== 'spam') return false;
  if (filter.operator === 'me' && (!me || c.operatorId !== me)) return false;
  if (filter.operator === 'none' && c.operatorId) return false;
  if (!['any', 'me', 'none'].includes(filter.operator) && c.operatorId !== filter.operator) return false;
  return matchesQuery(filter.query, [searchable.label, c.visitorName, c.visitorEmail, c.lastMessage?.text, ...(searchable.texts ?? [])]);
}

export function matchesLead(lead: Lead, filter: LeadFilter, label: string): boolean {
  if (filter.status !== 'any' && lead.status !== filter.status) return false;
  return matchesQuery(filter.query, [label, lead.name, lead.email, lead.phone, lead.message]);
}
