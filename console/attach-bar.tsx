/**
 * Files and voice for the operator's reply, with the widget's checks: the site's types
 * and size limit, five files a message. Attach (or drop, or paste an image), see the
 * chosen files with remove, record a voice message — listen, delete and record again,
 * or send it. The bytes stay in memory until the reply is sent.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LIMITS, newId, type UploadSettings } from '../src/protocol';
import {
  formatDuration,
  formatSize,
  pickFiles,
  typeNames,
  type FileProblem,
  type FileRef,
} from '../src/widget/attachments/files';
import { VoiceRecorder } from '../src/widget/attachments/recorder';
import { disposeModel } from '../src/widget/models/dispose';

export interface ChosenFile {
  file: Blob;
  ref: FileRef;
}

export function describeProblem(problem: FileProblem, uploads: UploadSettings): string {
  if (problem === 'type') return `This type of file cannot be sent. Allowed: ${typeNames(uploads.types)}.`;
  if (problem === 'size') return `This file is too large. The limit is ${formatSize(uploads.maxBytes, 'en')}.`;
  if (problem === 'count') return `At most ${LIMITS.attachmentsPerMessage} files per message.`;
  return 'This file is empty.';
}

/** The files chosen for the next reply and why the last one was refused. */
export function useChosenFiles(uploads: UploadSettings | null) {
  const [chosen, setChosen] = useState<ChosenFile[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  return {
    chosen,
    problem,
    add(files: readonly File[]) {
      if (!uploads) return;
      const picked = pickFiles(files, uploads, chosen.length);
      setProblem(picked.problem && describeProblem(picked.problem, uploads));
      const added = picked.accepted.map((file) => ({
        file,
        ref: { key: newId(), name: file.name.slice(0, LIMITS.attachmentName), size: file.size, mime: file.type },
      }));
      setChosen((list) => [...list, ...added]);
    },
    addRecording(blob: Blob, mime: string, durationMs: number): ChosenFile[] {
      const ref = {
        key: newId(),
        name: `voice-message.${mime.split('/')[1] ?? 'webm'}`,
        size: blob.size,
        mime,
        durationMs,
      };
      const next = [...chosen, { file: blob, ref }];
      setChosen(next);
      return next;
    },
    remove: (key: string) => setChosen((list) => list.filter((c) => c.ref.key !== key)),
    clear() {
      setChosen([]);
      setProblem(null);
    },
  };
}

export type ChosenFiles = ReturnType<typeof useChosenFiles>;

export function ChosenList({ files }: { files: ChosenFiles }) {
  if (!files.chosen.length && !files.problem) return null;
  return (
    <div class="chosen-files">
      {files.problem && <p role="alert">{files.problem}</p>}
      {files.chosen.length > 0 && (
        <ul aria-label="Files to send">
          {files.chosen.map(({ ref }) => (
            <li key={ref.key}>
              <span class="name">{ref.name}</span>{' '}
              <span class="size">{ref.durationMs ? formatDuration(ref.durationMs) : formatSize(ref.size, 'en')}</span>{' '}
              <button type="button" aria-label={`Remove ${ref.name}`} onClick={() => files.remove(ref.key)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The operator's recorder: record, stop, listen, delete or send; the limit is shown. */
export function RecorderBar({
  uploads,
  onSend,
}: {
  uploads: UploadSettings;
  onSend: (blob: Blob, mime: string, durationMs: number) => void;
}) {
  const recorder = useMemo(() => new VoiceRecorder({ maxMs: uploads.voiceMaxMs }), [uploads.voiceMaxMs]);
  useEffect(() => () => disposeModel(recorder), [recorder]);
  const state = recorder.state.value;
  const clip = recorder.clip.value;
  const limit = formatDuration(uploads.voiceMaxMs);
  return (
    <div class="recorder">
      {state === 'recording' ? (
        <>
          <span role="timer">
            Recording {formatDuration(recorder.elapsedMs.value)} / {limit}
          </span>
          <button type="button" onClick={recorder.stop}>
            Stop
          </button>
        </>
      ) : clip ? (
        <>
          {/* biome-ignore lint/a11y/useMediaCaption: the operator's own recording, played back before sending */}
          <audio controls src={clip.url} aria-label="Your recording" />
          <span>{formatDuration(clip.durationMs)}</span>
          <button type="button" onClick={recorder.discard}>
            Delete
          </button>
          <button
            type="button"
            onClick={() => {
              onSend(clip.blob, clip.mime, clip.durationMs);
              recorder.discard();
            }}
          >
            Send recording
          </button>
        </>
      ) : state === 'denied' ? (
        <p role="alert">The microphone is blocked. Allow it in the browser’s site settings to record.</p>
      ) : state === 'unsupported' ? (
        <p role="alert">This browser cannot record audio.</p>
      ) : (
        <>
          {state === 'failed' && <p role="alert">The recording failed. Try again.</p>}
          <button type="button" disabled={state === 'asking'} onClick={() => void recorder.start()}>
            Record
          </button>
          <span>Up to {limit}</span>
        </>
      )}
    </div>
  );
}
