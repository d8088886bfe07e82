/**
 * A visitor's earlier conversations and requests: from what the console has loaded (the
 * server lists the site's latest 500 conversations and 200 requests at login), matched by
 * visitor id — the same browser — and those the server's `visitor:history` names, which
 * adds a verified user's other devices and what is older than the loaded list. Never
 * matched by a name or e-mail: anyone can type those.
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
  fromServer?: { conversations: ReadonlySet<string>; leads: ReadonlySet<string> },
): VisitorHistory {
  const sameVisitor = <T extends { visitorId: string }>(item: T) => item.visitorId === current.visitorId;
  return {
    conversations: [...conversations]
      .filter(
        (c) =>
          (sameVisitor(c) || fromServer?.conversations.has(c.id)) &&
          c.id !== current.id &&
          c.createdAt <= current.createdAt,
      )
      .sort((a, b) => a.createdAt - b.createdAt),
    leads: [...leads]
      .filter((lead) => sameVisitor(lead) || fromServer?.leads.has(lead.id))
      .sort((a, b) => a.createdAt - b.createdAt),
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
