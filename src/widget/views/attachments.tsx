/**
 * Files, images and voice messages in the conversation — the chunk loaded when the first
 * one shows. Images are thumbnails that open full size in a dialog (focus moves in,
 * Escape and the close button bring it back); files are a name, a size and a download
 * link; voice is a player with its length. Signed URLs expire: each is renewed with
 * `attachment:url` shortly before, or when the browser fails to load it.
 * Outgoing messages show each file's upload progress and a cancel.
 */
import { signal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { addEnglish, locale, t, type MessageKey } from '../../i18n';
import enAttach from '../../i18n/locales/en-attach';
import type { Attachment } from '../../protocol';
import { ATTACH_CSS } from '../../themes/attach-css';
import { formatDuration, formatSize } from '../attachments/files';
import { keepFiles } from '../attachments/keeper';
import { cancelUploads, progress } from '../attachments/upload';
import type { OutboxItem } from '../outbox';
import type { MessageDraft } from '../models/chat';
import type { WidgetModel } from '../widget';
import { addStyles } from './styles';

addStyles(ATTACH_CSS);
addEnglish(enAttach);

/** Renew a URL this long before it expires. */
const RENEW_BEFORE_MS = 60_000;

type Link = Pick<Attachment, 'url' | 'urlExpiresAt'>;
/** URLs renewed in this page view, by attachment id. */
const renewed = signal<ReadonlyMap<string, Link>>(new Map());
const renewing = new Set<string>();

async function renew(id: string, widget: WidgetModel): Promise<void> {
  if (renewing.has(id)) return;
  renewing.add(id);
  try {
    const answer = await widget.ask('attachment:url', { attachmentId: id });
    if (answer.ok) {
      renewed.value = new Map(renewed.peek()).set(id, { url: answer.url, urlExpiresAt: answer.urlExpiresAt });
    }
  } catch {
    // No answer in time: the next render or load error asks again.
  } finally {
    renewing.delete(id);
  }
}

/** The attachment's current URL, renewed ahead of its expiry while it is on screen. */
function useLink(attachment: Attachment, widget: WidgetModel): [string, () => void] {
  const link = renewed.value.get(attachment.id) ?? attachment;
  useEffect(() => {
    const wait = link.urlExpiresAt - Date.now() - RENEW_BEFORE_MS;
    if (wait <= 0) {
      void renew(attachment.id, widget);
      return;
    }
    const timer = setTimeout(() => void renew(attachment.id, widget), wait);
    return () => clearTimeout(timer);
  }, [link.urlExpiresAt]);
  return [link.url, () => void renew(attachment.id, widget)];
}

/** The full-size image as a modal dialog; focus stays inside until it closes. */
function Viewer({ attachment, url, close }: { attachment: Attachment; url: string; close: () => void }) {
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => closeButton.current?.focus(), []);
  return (
    <div
      class="viewer"
      role="dialog"
      aria-modal="true"
      aria-label={attachment.name}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          // The panel closes on Escape too; here Escape closes only the image.
          event.stopPropagation();
          close();
        } else if (event.key === 'Tab') {
          const stops = [...event.currentTarget.querySelectorAll<HTMLElement>('a,button')];
          const root = event.currentTarget.getRootNode() as ShadowRoot;
          const at = stops.indexOf(root.activeElement as HTMLElement);
          const next = (at + (event.shiftKey ? stops.length - 1 : 1)) % stops.length;
          event.preventDefault();
          stops[next]?.focus();
        }
      }}
    >
      <div class="bar">
        <span class="name" dir="auto">
          {attachment.name}
        </span>
        <a href={url} download={attachment.name} target="_blank" rel="noopener noreferrer">
          {t('attach.download')}
        </a>
        <button type="button" class="link" ref={closeButton} onClick={close}>
          {t('attach.close')}
        </button>
      </div>
      <img src={url} alt={attachment.name} />
    </div>
  );
}

function Image({ attachment, widget }: { attachment: Attachment; widget: WidgetModel }) {
  const [url, onError] = useLink(attachment, widget);
  const [open, setOpen] = useState(false);
  const thumb = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button
        type="button"
        class="thumb"
        ref={thumb}
        aria-label={t('attach.open', { name: attachment.name })}
        onClick={() => setOpen(true)}
      >
        <img src={url} alt="" width={attachment.width} height={attachment.height} loading="lazy" onError={onError} />
      </button>
      {open && (
        <Viewer
          attachment={attachment}
          url={url}
          close={() => {
            setOpen(false);
            thumb.current?.focus();
          }}
        />
      )}
    </>
  );
}

function Voice({ attachment, widget }: { attachment: Attachment; widget: WidgetModel }) {
  const [url, onError] = useLink(attachment, widget);
  return (
    <div class="voice">
      {/* biome-ignore lint/a11y/useMediaCaption: a voice message; the conversation has no captions to offer */}
      <audio controls preload="metadata" src={url} aria-label={t('attach.voice')} onError={onError} />
      {attachment.durationMs ? <span class="size">{formatDuration(attachment.durationMs)}</span> : null}
    </div>
  );
}

function File({ attachment, widget }: { attachment: Attachment; widget: WidgetModel }) {
  const [url] = useLink(attachment, widget);
  return (
    <div class="file">
      <span class="name" dir="auto">
        {attachment.name}
      </span>
      <span class="size">{formatSize(attachment.size, locale.value.code)}</span>
      <a href={url} download={attachment.name} target="_blank" rel="noopener noreferrer">
        {t('attach.download')}
        <span class="sr-only"> {attachment.name}</span>
      </a>
    </div>
  );
}

/** A message's attachments (`list`), or an outgoing message's files (`item`). */
export function Files({
  list,
  item,
  widget,
}: {
  list?: readonly Attachment[];
  item?: OutboxItem<MessageDraft>;
  widget: WidgetModel;
}) {
  // Files are in play: from now on their bytes go once nothing names them.
  useEffect(() => void keepFiles(widget), [widget]);
  if (item) return <PendingFiles item={item} widget={widget} />;
  return <Attachments list={list ?? []} widget={widget} />;
}

function Attachments({ list, widget }: { list: readonly Attachment[]; widget: WidgetModel }) {
  return (
    <div class="files">
      {list.map((attachment) => {
        const Kind = attachment.kind === 'image' ? Image : attachment.kind === 'voice' ? Voice : File;
        return <Kind key={attachment.id} attachment={attachment} widget={widget} />;
      })}
    </div>
  );
}

const UPLOAD_REFUSALS = ['too_large', 'type_not_allowed', 'quota'];

/** An outgoing message's files: progress while they upload, why they were refused, and cancel. */
function PendingFiles({ item, widget }: { item: OutboxItem<MessageDraft>; widget: WidgetModel }) {
  const shares = progress.value;
  const files = item.payload.files ?? [];
  const cancel = () => {
    cancelUploads(item.clientId);
    // Out of the outbox, its files' bytes go too (keeper.ts sees to that).
    widget.chat.cancel(item.clientId);
  };
  return (
    <div class="files">
      {files.map((file) => {
        const share = shares.get(file.key);
        return (
          <div class="upload" key={file.key}>
            <span class="file">
              <span class="name" dir="auto">
                {file.name}
              </span>
              <span class="size">
                {file.durationMs ? formatDuration(file.durationMs) : formatSize(file.size, locale.value.code)}
              </span>
            </span>
            {share !== undefined && (
              <progress value={share} max={1} aria-label={t('attach.uploading', { name: file.name })} />
            )}
          </div>
        );
      })}
      {item.refused && UPLOAD_REFUSALS.includes(item.refused) && (
        <span>{t(`attach.refused.${item.refused}` as MessageKey)}</span>
      )}
      <button type="button" class="link" onClick={cancel}>
        {t('attach.cancel')}
      </button>
    </div>
  );
}
