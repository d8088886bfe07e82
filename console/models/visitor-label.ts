/**
 * How the console names a visitor. The visitor id is a bearer credential (whoever holds
 * it reads the visitor's chats), so it is never shown: anonymous visitors get a short
 * number derived from it instead.
 *
 * Derivation: FNV-1a (32-bit) over the id's UTF-16 code units, then `1000 + hash % 9000`,
 * so the number always has four digits ("Visitor #4821"). The same id gives the same
 * number in every console and after every reload. Four digits reveal about 13 bits of a
 * hash of an id with at least 96 random bits, which does not help anyone guess the id.
 * Two visitors can share a number (about a 2% chance among 20 open chats): it is a label
 * for people, not a key — the console keys everything by conversation.
 */
import type { ConversationSummary, Lead, OnlineVisitor } from '../../src/protocol';

/** The name the server puts on a conversation whose visitor gave none. */
const SERVER_PLACEHOLDER_NAME = 'Visitor';

export function visitorNumber(visitorId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < visitorId.length; i++) {
    hash ^= visitorId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 1000 + (hash % 9000);
}

export const anonymousLabel = (visitorId: string) => `Visitor #${visitorNumber(visitorId)}`;

export type Trust = 'verified' | 'unverified' | 'anonymous';

export interface VisitorLabel {
  /** What the console shows as the visitor's name. */
  name: string;
  email: string | null;
  /** verified: a signed identity token; unverified: typed by the visitor or the page. */
  trust: Trust;
}

/** The label of a conversation's visitor (`visitorNameGiven`, when the server sends it, settles a visitor literally named "Visitor"). */
export function conversationLabel(c: ConversationSummary): VisitorLabel {
  const given = c.visitorNameGiven ?? c.visitorName !== SERVER_PLACEHOLDER_NAME;
  const name = given && c.visitorName.trim() ? c.visitorName : anonymousLabel(c.visitorId);
  const email = c.visitorEmail;
  const trust: Trust = c.verified ? 'verified' : given || email ? 'unverified' : 'anonymous';
  return { name, email, trust };
}

export function onlineLabel(v: OnlineVisitor): string {
  return v.name?.trim() ? v.name : anonymousLabel(v.visitorId);
}

export function leadLabel(lead: Lead): string {
  return lead.name?.trim() ? lead.name : anonymousLabel(lead.visitorId);
}

/** The words shown beside a name: what the operator may rely on. */
export const TRUST_TEXT: Record<Trust, string> = {
  verified: 'verified',
  unverified: 'unverified',
  anonymous: 'anonymous',
};

/** "1 page", "3 pages": how far a visitor has browsed this visit. */
export const pagesText = (count: number): string => `${count} ${count === 1 ? 'page' : 'pages'}`;
