/**
 * Whether a visitor can reach an operator now: inside business hours, and someone in
 * the routing group for the visitor's page is available. Recomputed when presence
 * changes and at every schedule boundary; a visitor is told only when it changes.
 */
import type { Availability, OperatorStatus } from '../../src/protocol';
import { isOpen } from './hours';
import type { Presence } from './presence';
import type { SiteConfig } from './sites';

/** The routing group for a page: the first rule whose prefix the path starts with. */
export function groupForUrl(site: SiteConfig, url: string | undefined): string | undefined {
  if (!url || !site.routing) return undefined;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  return site.routing.find((rule) => path.startsWith(rule.pathPrefix))?.group;
}

/** Operators who answer for `group`: those listing it, or listing no groups at all. */
export function operatorsFor(site: SiteConfig, group: string | undefined) {
  return site.operators.filter((op) => !group || !op.groups || op.groups.includes(group));
}

/**
 * The routing effect of a status: only `available` is offered new chats and transfers.
 * `busy` keeps answering the chats it has; `break` (or `away`), `dnd` and `off` take
 * nothing new either (`off` also hands its chats back: assignment.ts); `offline` is an
 * operator with no console. The visitor's online/offline decision follows from this.
 */
export const takesNewChats = (status: OperatorStatus): boolean => status === 'available';

export function availabilityFor(
  site: SiteConfig,
  group: string | undefined,
  presence: Presence,
  now: Date = new Date(),
): Availability {
  if (!isOpen(site.hours, now)) return { online: false, reason: 'hours' };
  const statuses = operatorsFor(site, group).map((op) => presence.status(site.id, op.id));
  if (statuses.some(takesNewChats)) return { online: true };
  // Someone is at work answering other chats: the visitor is told so, not "no one is here".
  return { online: false, reason: statuses.includes('busy') ? 'busy' : 'nobody' };
}

export const sameAvailability = (a: Availability | undefined, b: Availability) =>
  a?.online === b.online && a?.reason === b.reason;
