/**
 * A visitor message with files: the uploads, then `message:send` with the attachment
 * ids under the message's own client id, so the outbox treats it like any message. Once
 * the server has stored it, the files' bytes leave the browser.
 */
import type { SendMessageAck, SendMessagePayload } from '../../protocol';
import type { Transport } from '../transport';
import { deleteBlob, getBlob } from './blob-store';
import type { FileRef } from './files';
import { uploadFiles } from './upload';

export async function sendWithFiles(
  transport: Transport,
  message: SendMessagePayload,
  files: readonly FileRef[],
): Promise<SendMessageAck> {
  const uploaded = await uploadFiles(
    { grant: (payload) => transport.request('upload:grant', payload), read: getBlob },
    files,
    message.clientId,
  );
  if (!uploaded.ok) return uploaded;
  const ack = await transport.send({ ...message, attachments: uploaded.ids });
  if (ack.ok) await Promise.all(files.map((file) => deleteBlob(file.key)));
  return ack;
}
