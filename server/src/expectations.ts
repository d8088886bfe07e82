/**
 * What a visitor may expect, from what really happened on the site lately — pure
 * functions, so the arithmetic is tested alone:
 *
 * - a **pick-up time** is, in a conversation the visitor started, the time from the
 *   visitor's first message to the first operator message (a greeting counts: it is
 *   posted when the operator takes the chat); chats an operator opened (Write first)
 *   have none;
 * - a **reply time** is the time from a visitor message that follows an operator's (or
 *   opens the chat) to the next operator message;
 * - **expected wait** = median pick-up time × queue position ÷ operators available;
 * - each needs at least {@link MIN_SAMPLES} samples from the last {@link WINDOW_MS};
 *   with fewer, or nobody available, nothing is promised (null).
 */
import type { MessageTiming } from './store';

export const MIN_SAMPLES = 5;
export const WINDOW_MS = 7 * 86_400_000;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Pick-up and reply times from message timings sorted by conversation, then number. */
export function responseTimes(rows: readonly MessageTiming[]): { pickups: number[]; replies: number[] } {
  const pickups: number[] = [];
  const replies: number[] = [];
  let conversation: string | undefined;
  let operatorSeen = false;
  let visitorFirst = false;
  /** The visitor message that opened the turn now waiting for an answer. */
  let waitingSince: number | null = null;
  for (const row of rows) {
    if (row.conversationId !== conversation) {
      conversation = row.conversationId;
      operatorSeen = false;
      visitorFirst = row.author === 'visitor';
      waitingSince = null;
    }
    if (row.author === 'visitor') {
      waitingSince ??= row.createdAt;
    } else if (row.author === 'operator') {
      if (waitingSince !== null) {
        const took = Math.max(0, row.createdAt - waitingSince);
        replies.push(took);
        if (!operatorSeen && visitorFirst) pickups.push(took);
      }
      operatorSeen = true;
      waitingSince = null;
    }
  }
  return { pickups, replies };
}

/** Median of enough samples, or null. */
export function typical(samples: readonly number[]): number | null {
  return samples.length >= MIN_SAMPLES ? median(samples) : null;
}

/** Median pick-up × position ÷ available operators; null without enough data or anyone available. */
export function expectedWait(medianPickupMs: number | null, position: number, available: number): number | null {
  if (medianPickupMs === null || available < 1 || position < 1) return null;
  return Math.round((medianPickupMs * position) / available);
}
