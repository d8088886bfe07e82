/**
 * Uploads the files of one message: for each, a grant over the socket, then the bytes by
 * HTTP (XMLHttpRequest, for its upload progress). The grant is asked with the file's
 * key first, so a file the server already has (its answer was lost, the page reloaded)
 * comes back as the stored attachment and its bytes are not sent again. Shared by the
 * widget and the operator console.
 */
import { signal } from '@preact/signals';
import type { AckError, Attachment, ErrorCode, UploadGrant, UploadGrantAck, UploadGrantPayload } from '../../protocol';
import type { FileRef } from './files';

/** How far each file's bytes have gone, 0–1, by key, while it uploads. */
export const progress = signal<ReadonlyMap<string, number>>(new Map());
/** Uploads in flight by message client id, to cancel them. */
const inFlight = new Map<string, Set<XMLHttpRequest>>();

const setProgress = (key: string, share: number | null) => {
  const next = new Map(progress.peek());
  if (share === null) next.delete(key);
  else next.set(key, share);
  progress.value = next;
};

const fail = (code: ErrorCode, message: string): AckError => ({ ok: false, error: { code, message } });

/** The upload route's status codes, as the ack codes the outbox knows (429 and 5xx may pass). */
function httpError(status: number, body: unknown): AckError {
  const code = (body as { error?: { code?: string } } | null)?.error?.code;
  if (status === 413) return fail('too_large', 'too large');
  if (status === 415) return fail('type_not_allowed', 'type not allowed');
  if (status === 401) return fail('grant_invalid', 'grant expired');
  if (status === 429) return fail('rate_limited', 'rate limited');
  if (code === 'quota') return fail('quota', 'quota');
  return fail('internal', `upload failed (${status})`);
}

/** POSTs the bytes; rejects when the network fails or the upload is cancelled. */
function post(grant: UploadGrant, blob: Blob, key: string, group: Set<XMLHttpRequest>) {
  const xhr = new XMLHttpRequest();
  group.add(xhr);
  return new Promise<{ ok: true; attachment: Attachment } | AckError>((resolve, reject) => {
    xhr.open('POST', grant.url);
    xhr.setRequestHeader('Authorization', `Bearer ${grant.token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) setProgress(key, event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON (a proxy's error page): the status says enough.
      }
      const attachment = (body as { attachment?: Attachment } | null)?.attachment;
      resolve(xhr.status === 201 && attachment ? { ok: true, attachment } : httpError(xhr.status, body));
    };
    xhr.onerror = () => reject(new Error('network'));
    xhr.onabort = () => reject(new Error('cancelled'));
    setProgress(key, 0);
    xhr.send(blob);
  }).finally(() => {
    group.delete(xhr);
    setProgress(key, null);
  });
}

export interface UploadPorts {
  /** Asks the server for the right to upload (the widget's or the console's socket). */
  grant(payload: UploadGrantPayload): Promise<UploadGrantAck>;
  /** The bytes of a file waiting to be sent. */
  read(key: string): Promise<Blob | undefined>;
}

/**
 * Uploads each file of a message in turn and gives the attachment ids, or the first
 * refusal. Rejects (to be retried) when the network fails or `cancel` is called.
 * @param group  the message's client id: `cancel(group)` stops its uploads
 */
export async function uploadFiles(
  ports: UploadPorts,
  files: readonly FileRef[],
  group: string,
): Promise<{ ok: true; ids: string[] } | AckError> {
  const requests = inFlight.get(group) ?? new Set<XMLHttpRequest>();
  inFlight.set(group, requests);
  try {
    const ids: string[] = [];
    for (const file of files) {
      const { key, name, size, mime, durationMs } = file;
      let answer: { ok: true; attachment: Attachment } | AckError | undefined;
      // A grant may expire between the ask and the bytes (a slow start): one fresh try.
      for (
        let attempt = 0;
        attempt < 2 && (!answer || (!answer.ok && answer.error.code === 'grant_invalid'));
        attempt++
      ) {
        const granted = await ports.grant({ key, name, size, mime, ...(durationMs ? { durationMs } : {}) });
        if (!granted.ok) return granted;
        if ('attachment' in granted) answer = { ok: true, attachment: granted.attachment };
        else {
          const blob = await ports.read(key);
          if (!blob) return fail('invalid', 'the file is no longer available');
          answer = await post(granted.grant, blob, key, requests);
        }
      }
      if (!answer?.ok) return answer ?? fail('internal', 'upload failed');
      ids.push(answer.attachment.id);
    }
    return { ok: true, ids };
  } finally {
    inFlight.delete(group);
  }
}

/** Stops the uploads of a message; its `uploadFiles` rejects. */
export function cancelUploads(group: string): void {
  for (const request of inFlight.get(group) ?? []) request.abort();
}

/** Whether a message's files are on their way now. */
export const uploading = (group: string): boolean => inFlight.has(group);
