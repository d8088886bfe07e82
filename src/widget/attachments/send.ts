/**
 * A visitor message with files: the uploads, then `message:send` with the attachment
 * ids under the message's own client id, so the outbox treats it like any message. Once
 * the server has stored it, the files' bytes leave the browser; when the ack is lost and
 * the server's replay settles the message instead, keeper.ts lets them go.
 */
import type { SendMessageAck, SendMessagePayload } from '../../protocol';
import type { Transport } from '../transport';
import { blobs, getBlob } from './blob-store';
import type { FileRef } from './files';
import { uploadFiles } from './upload';

export async function sendWithFiles(
  transport: Transport,
  message: SendMessagePayload,
  files: readonly FileRef[],
): Promise<SendMessageAck> {
  const keys = files.map((file) => file.key);
  // From now on the message may be settled by the server's replay, with no page watching.
  await blobs.markQueued(keys);
  const uploaded = await uploadFiles(
    { grant: (payload) => transport.request('upload:grant', payload), read: getBlob },
    files,
    message.clientId,
  );
  if (!uploaded.ok) return uploaded;
  const ack = await transport.send({ ...message, attachments: uploaded.ids });
  // Stored (or, after a spam close, never to be): the bytes go.
  if (ack.ok || ack.error.code === 'blocked') await Promise.all(keys.map((key) => blobs.delete(key)));
  return ack;
}
