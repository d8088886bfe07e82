/**
 * The attach chunk, loaded the first time the visitor picks, drops or pastes a file or
 * opens the recorder: checks files against the site's limits (with the reason in the
 * visitor's language), keeps their bytes in the blob store, shows the row of chosen
 * files with remove, and records voice messages to listen to, delete or send.
 */
import { signal, type Signal } from '@preact/signals';
import type { Ref } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { addEnglish, locale, t } from '../../i18n';
import enAttach from '../../i18n/locales/en-attach';
import { LIMITS, newId, type UploadSettings } from '../../protocol';
import { ATTACH_CSS } from '../../themes/attach-css';
import { getBlob, putBlob } from '../attachments/blob-store';
import { formatDuration, formatSize, pickFiles, typeNames, type FileProblem, type FileRef } from '../attachments/files';
import { keepFiles } from '../attachments/keeper';
import { VoiceRecorder } from '../attachments/recorder';
import { disposeModel } from '../models/dispose';
import type { WidgetModel } from '../widget';
import { tool } from './composer';
import { CloseIcon } from './icons';
import { lazyView } from './lazy';
import { addStyles } from './styles';

addStyles(ATTACH_CSS);
addEnglish(enAttach);

/** The last reason a file was not taken, per widget, until the next pick (worded when shown). */
const problems = new WeakMap<WidgetModel, Signal<FileProblem | null>>();
const problemOf = (widget: WidgetModel) => {
  const problem = problems.get(widget) ?? signal<FileProblem | null>(null);
  problems.set(widget, problem);
  return problem;
};

function describe(problem: FileProblem, uploads: UploadSettings): string {
  if (problem === 'type') return t('attach.error.type', { types: typeNames(uploads.types) });
  if (problem === 'size') return t('attach.error.size', { size: formatSize(uploads.maxBytes, locale.peek().code) });
  if (problem === 'count') return t('attach.error.count', { count: LIMITS.attachmentsPerMessage });
  return t('attach.error.empty');
}

/**
 * Checks files and adds those that may go to the next message, their bytes stored first
 * (so a reload after sending still has them). Resolves once they are added.
 */
export async function stageFiles(widget: WidgetModel, files: readonly File[]): Promise<void> {
  const uploads = widget.conversation.site.peek()?.uploads;
  if (!uploads) return;
  void keepFiles(widget);
  const { accepted, problem } = pickFiles(files, uploads, widget.chat.files.peek().length);
  problemOf(widget).value = problem;
  const persist = widget.session.consented.peek();
  const refs = await Promise.all(
    accepted.map(async (file, i): Promise<FileRef> => {
      const key = newId();
      // A pasted image is often called "image.png" whatever it is: give it a useful name.
      const name = (file.name || `file-${i + 1}`).slice(0, LIMITS.attachmentName);
      await putBlob(key, file, persist);
      return { key, name, size: file.size, mime: file.type.split(';')[0]! };
    }),
  );
  if (refs.length) widget.chat.choose([...widget.chat.files.peek(), ...refs]);
}

/**
 * A chosen file: a thumbnail for an image, otherwise its name and size. After a reload the
 * bytes come back from the blob store, so the row looks as it did.
 */
function Chosen({ file, widget }: { file: FileRef; widget: WidgetModel }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!file.mime.startsWith('image/')) return;
    let live = true;
    let made: string | undefined;
    void getBlob(file.key).then((blob) => {
      if (!live || !blob) return;
      made = URL.createObjectURL(blob);
      setUrl(made);
    });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [file.key]);
  return (
    <li>
      {url && <img src={url} alt="" />}
      <span class="name" dir="auto">
        {file.name}
      </span>
      <span class="size">
        {file.durationMs ? formatDuration(file.durationMs) : formatSize(file.size, locale.value.code)}
      </span>
      <button
        type="button"
        class="icon-button"
        aria-label={t('attach.remove', { name: file.name })}
        // Its bytes go with it: keeper.ts lets go of what nothing names any more.
        onClick={() => widget.chat.choose(widget.chat.files.peek().filter((other) => other.key !== file.key))}
      >
        <CloseIcon />
      </button>
    </li>
  );
}

/**
 * Files chosen before a reload whose bytes did not survive it (no IndexedDB, or it was
 * cleared) cannot be sent: they leave the row instead of failing later.
 */
async function dropLost(widget: WidgetModel): Promise<void> {
  const chosen = widget.chat.files.peek();
  const present = await Promise.all(chosen.map(async (file) => (await getBlob(file.key)) !== undefined));
  if (present.includes(false)) {
    const lost = new Set(chosen.filter((_, i) => !present[i]).map((file) => file.key));
    widget.chat.choose(widget.chat.files.peek().filter((file) => !lost.has(file.key)));
  }
}

/** Record → stop → listen → delete (and record again) or send, with the time and the limit shown. */
function Recorder({ widget, uploads, done }: { widget: WidgetModel; uploads: UploadSettings; done: () => void }) {
  const recorder = useMemo(() => new VoiceRecorder({ maxMs: uploads.voiceMaxMs }), [uploads.voiceMaxMs]);
  useEffect(() => () => disposeModel(recorder), [recorder]);
  const state = recorder.state.value;
  const clip = recorder.clip.value;
  const limit = formatDuration(uploads.voiceMaxMs);
  const send = async () => {
    if (!clip) return;
    const key = newId();
    const extension = clip.mime.split('/')[1] === 'mp4' ? 'm4a' : (clip.mime.split('/')[1] ?? 'webm');
    await putBlob(key, clip.blob, widget.session.consented.peek());
    widget.chat.choose([
      ...widget.chat.files.peek(),
      { key, name: `voice-message.${extension}`, size: clip.blob.size, mime: clip.mime, durationMs: clip.durationMs },
    ]);
    widget.chat.submit();
    recorder.discard();
    done();
  };
  return (
    <div class="recorder">
      {state === 'recording' ? (
        <>
          <span class="rec" role="timer">
            {t('voice.recording')} {formatDuration(recorder.elapsedMs.value)} / {limit}
          </span>
          <button type="button" class="link" onClick={recorder.stop}>
            {t('voice.stop')}
          </button>
        </>
      ) : clip ? (
        <>
          {/* biome-ignore lint/a11y/useMediaCaption: the visitor's own recording, played back before sending */}
          <audio controls src={clip.url} aria-label={t('attach.voice')} />
          <span>{formatDuration(clip.durationMs)}</span>
          <button type="button" class="link danger" onClick={recorder.discard}>
            {t('voice.delete')}
          </button>
          <button type="button" class="link" onClick={() => void send()}>
            {t('voice.send')}
          </button>
        </>
      ) : state === 'unsupported' || state === 'denied' || state === 'failed' ? (
        <p class="problem" role="alert">
          {t(`voice.${state}`)}
        </p>
      ) : (
        <>
          <button type="button" class="link" disabled={state === 'asking'} onClick={() => void recorder.start()}>
            {t('voice.record')}
          </button>
          <span class="size">{state === 'asking' ? t('voice.asking') : t('voice.limit', { limit })}</span>
        </>
      )}
    </div>
  );
}

/** The emoji picker: a chunk of its own, so opening it does not wait for the recorder's code. */
const EmojiPicker = lazyView(() => import('./emoji-picker').then((m) => m.EmojiPicker));

/** Above the composer: why a file was not taken, the chosen files, the recorder or the emoji when open. */
export function Tools({ widget, inputRef }: { widget: WidgetModel; inputRef: Ref<HTMLTextAreaElement> }) {
  const uploads = widget.conversation.site.value?.uploads;
  const files = widget.chat.files.value;
  const problem = problemOf(widget).value;
  const open = tool.value;
  const close = () => (tool.value = '');
  useEffect(() => {
    void keepFiles(widget);
    void dropLost(widget);
  }, [widget]);
  return (
    <>
      {uploads && (files.length > 0 || problem || open === 'voice') && (
        <div class="tray">
          {problem && (
            <p class="problem" role="alert">
              {describe(problem, uploads)}
            </p>
          )}
          {files.length > 0 && (
            <ul class="chosen" aria-label={t('attach.chosen')}>
              {files.map((file) => (
                <Chosen key={file.key} file={file} widget={widget} />
              ))}
            </ul>
          )}
          {open === 'voice' && <Recorder widget={widget} uploads={uploads} done={close} />}
        </div>
      )}
      {open === 'emoji' && <EmojiPicker widget={widget} inputRef={inputRef} />}
    </>
  );
}
