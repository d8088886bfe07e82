/**
 * The console's filter as a query for the server's search (`conversation:search`), which
 * looks through the site's whole history: message text by full text, the visitor's name
 * and e-mail. The console's own filter keeps answering at once from what is loaded; the
 * server's hits join the list when they arrive.
 */
import type { SearchQuery } from '../../src/protocol';
import { periodStart, type ConversationFilter } from './filter';

/** The server query for a filter, or null when the filter asks for nothing the loaded list lacks. */
export function searchQueryFor(
  filter: ConversationFilter,
  me: string | undefined,
  now = Date.now(),
): SearchQuery | null {
  const text = filter.query.trim();
  if (!text && filter.status === 'any' && filter.operator === 'any' && filter.period === 'any') return null;
  const from = periodStart(filter.period, now);
  const operatorId = filter.operator === 'me' ? me : filter.operator === 'any' ? undefined : filter.operator;
  return {
    ...(text ? { text: text.slice(0, 200) } : {}),
    ...(filter.status !== 'any' ? { status: filter.status } : {}),
    ...(operatorId ? { operatorId } : {}),
    ...(Number.isFinite(from) ? { from } : {}),
    limit: 30,
  };
}

/** Whether two filters ask the server the same (the period's start moves with the clock). */
export const sameSearch = (a: SearchQuery | null, b: SearchQuery | null) =>
  JSON.stringify(a && { ...a, from: undefined }) === JSON.stringify(b && { ...b, from: undefined });
