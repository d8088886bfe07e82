/**
 * A visitor's earlier conversations and requests, from what the console has loaded (the
 * server lists the site's latest 500 conversations and 200 requests at login). Matched
 * by visitor id, so "earlier" means the same browser; a verified user's other devices
 * need the server to group them (see the README).
 */
import type { ConversationSummary, Lead } from '../../src/protocol';

export interface VisitorHistory {
  conversations: ConversationSummary[];
  leads: Lead[];
}

export function earlierWith(
  current: ConversationSummary,
  conversations: Iterable<ConversationSummary>,
  leads: Iterable<Lead>,
): VisitorHistory {
  const sameVisitor = <T extends { visitorId: string }>(item: T) => item.visitorId === current.visitorId;
  return {
    conversations: [...conversations]
      .filter((c) => sameVisitor(c) && c.id !== current.id && c.createdAt <= current.createdAt)
      .sort((a, b) => a.createdAt - b.createdAt),
    leads: [...leads].filter(sameVisitor).sort((a, b) => a.createdAt - b.createdAt),
  };
}

/** The open conversation this visitor has now, if the console knows one. */
export function openConversationOf(
  visitorId: string,
  conversations: Iterable<ConversationSummary>,
): ConversationSummary | undefined {
  for (const c of conversations) if (c.visitorId === visitorId && c.status === 'open') return c;
  return undefined;
}
