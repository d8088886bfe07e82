/**
 * Lets the bytes of files go once nothing can send them any more. A file is named by the
 * composer (chosen, not sent) or by an outbox entry (its message on the way); when a name
 * goes — the message was acknowledged, settled from the server's replay after a lost ack,
 * cancelled, refused for good, or the file removed from the composer, in this tab or
 * another — its bytes leave the blob store.
 *
 * This lives in the attachment chunks, which load whenever files are in play (picked,
 * shown, uploading), so the open chat carries none of it. A message settled while none
 * of them was loaded (a reload, then the replay, with the panel closed) is caught by the
 * sweep when one loads: its files were marked queued when they were first sent.
 */
import { effect } from '@preact/signals';
import type { ChatModel } from '../models/chat';
import type { WidgetModel } from '../widget';
import { blobs } from './blob-store';

const kept = new WeakSet<ChatModel>();

/** The keys of the files the composer and the outbox name now. */
function namedKeys(chat: ChatModel): Set<string> {
  const refs = [...chat.files.value, ...chat.waiting.value.flatMap((item) => item.payload.files ?? [])];
  return new Set(refs.map((file) => file.key));
}

/** Starts watching the widget's files (once per chat model); resolves after the first sweep. */
export function keepFiles({ chat, session }: WidgetModel): Promise<void> {
  if (kept.has(chat)) return Promise.resolve();
  kept.add(chat);
  let held = new Set<string>();
  effect(() => {
    const named = namedKeys(chat);
    for (const key of held) if (!named.has(key)) void blobs.delete(key);
    held = named;
  });
  // Before consent nothing is in IndexedDB from this visitor's choice: leave it unopened.
  return session.consented.peek() ? blobs.sweep((key) => held.has(key)) : Promise.resolve();
}
