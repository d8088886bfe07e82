/**
 * A returning visitor: `count` messages stored for a new visitor id through the server's
 * own store (the same rows the socket API writes), alternating visitor and operator.
 * Message i (from 1) contains "Message i of count", so the bench can find the newest.
 */
import { newId } from '../../src/protocol';
import type { Store } from '../../server/src/store';

export async function seedReturningVisitor(
  store: Store,
  site: string,
  operatorId: string,
  count: number,
): Promise<string> {
  const visitorId = newId();
  await store.touchVisitor({ id: visitorId, site });
  const owner = `v:${visitorId}`;
  const { conversation } = await store.openConversation(site, owner, visitorId);
  for (let i = 1; i <= count; i++) {
    const fromVisitor = i % 2 === 1;
    await store.appendMessage({
      conversationId: conversation.id,
      sender: fromVisitor ? owner : `o:${operatorId}`,
      clientId: newId(),
      author: fromVisitor ? 'visitor' : 'operator',
      operatorId: fromVisitor ? null : operatorId,
      text: `Message ${i} of ${count}: a question about an order and its delivery, with enough words to wrap.`,
    });
  }
  return visitorId;
}
