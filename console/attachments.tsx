/**
 * Attachments in the console, looking as they do in the widget: images as thumbnails
 * that open full size in a modal, files as name, size and a download link, voice as a
 * player with its length. Signed URLs are renewed shortly before they expire, or when
 * the browser could not load one.
 */
import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import type { Attachment } from '../src/protocol';
import { formatDuration, formatSize } from '../src/widget/attachments/files';
import { Modal } from './dialog';
import type { OperatorSession } from './session';

const RENEW_BEFORE_MS = 60_000;
const renewed = signal<ReadonlyMap<string, { url: string; urlExpiresAt: number }>>(new Map());
const renewing = new Set<string>();

async function renew(s: OperatorSession, id: string) {
  if (renewing.has(id)) return;
  renewing.add(id);
  try {
    const fresh = await s.attachmentUrl(id);
    if (fresh) renewed.value = new Map(renewed.peek()).set(id, fresh);
  } catch {
    // No answer in time: the next load error asks again.
  } finally {
    renewing.delete(id);
  }
}

function useLink(s: OperatorSession, attachment: Attachment): [string, () => void] {
  const link = renewed.value.get(attachment.id) ?? attachment;
  useEffect(() => {
    const wait = link.urlExpiresAt - Date.now() - RENEW_BEFORE_MS;
    if (wait <= 0) {
      void renew(s, attachment.id);
      return;
    }
    const timer = setTimeout(() => void renew(s, attachment.id), wait);
    return () => clearTimeout(timer);
  }, [link.urlExpiresAt]);
  return [link.url, () => void renew(s, attachment.id)];
}

function Image({ s, attachment }: { s: OperatorSession; attachment: Attachment }) {
  const [url, onError] = useLink(s, attachment);
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="thumb" aria-label={`Open image ${attachment.name}`} onClick={() => setOpen(true)}>
        <img src={url} alt="" width={attachment.width} height={attachment.height} loading="lazy" onError={onError} />
      </button>
      {open && (
        <Modal title={attachment.name} onClose={() => setOpen(false)}>
          <img class="full" src={url} alt={attachment.name} />
          <p>
            <a href={url} download={attachment.name} target="_blank" rel="noopener noreferrer">
              Download
            </a>{' '}
            <button type="button" data-autofocus onClick={() => setOpen(false)}>
              Close
            </button>
          </p>
        </Modal>
      )}
    </>
  );
}

function Voice({ s, attachment }: { s: OperatorSession; attachment: Attachment }) {
  const [url, onError] = useLink(s, attachment);
  return (
    <span class="voice">
      {/* biome-ignore lint/a11y/useMediaCaption: a voice message; there are no captions to offer */}
      <audio controls preload="metadata" src={url} aria-label={`Voice message ${attachment.name}`} onError={onError} />
      {attachment.durationMs ? <span class="size">{formatDuration(attachment.durationMs)}</span> : null}
    </span>
  );
}

function File({ s, attachment }: { s: OperatorSession; attachment: Attachment }) {
  const [url] = useLink(s, attachment);
  return (
    <span class="file">
      <span class="name">{attachment.name}</span> <span class="size">{formatSize(attachment.size, 'en')}</span>{' '}
      <a href={url} download={attachment.name} target="_blank" rel="noopener noreferrer">
        Download<span class="sr-only"> {attachment.name}</span>
      </a>
    </span>
  );
}

export function Attachments({ s, list }: { s: OperatorSession; list: readonly Attachment[] }) {
  return (
    <span class="files">
      {list.map((attachment) => {
        const Kind = attachment.kind === 'image' ? Image : attachment.kind === 'voice' ? Voice : File;
        return <Kind key={attachment.id} s={s} attachment={attachment} />;
      })}
    </span>
  );
}
