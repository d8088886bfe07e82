/**
 * A voice message from the microphone: asks for it only when the visitor first records,
 * counts the time, stops itself at the site's limit, and keeps the clip to listen to,
 * delete or send. The microphone is released after each recording, so the browser's
 * "recording" indicator goes off with it.
 */
import { createModel, signal, type ReadonlySignal } from '@preact/signals';
import { onDispose } from '../models/dispose';

export type RecorderState = 'idle' | 'asking' | 'recording' | 'recorded' | 'denied' | 'unsupported' | 'failed';

export interface Clip {
  blob: Blob;
  /** An object URL of the blob, for the player; revoked when the clip goes. */
  url: string;
  durationMs: number;
  mime: string;
}

export interface RecorderPorts {
  /** The site's limit in milliseconds. */
  maxMs: number;
  /** The browser's parts, replaced in tests by fakes of the same shape. */
  media?: {
    getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
    MediaRecorder: typeof MediaRecorder;
  };
  now?: () => number;
}

/** Types the server's default allowlist takes, best first; the browser picks if none fits. */
const PREFERRED = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4'];
const TICK_MS = 200;

function browserMedia(): RecorderPorts['media'] {
  if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) return undefined;
  return { getUserMedia: (c) => navigator.mediaDevices.getUserMedia(c), MediaRecorder };
}

export const VoiceRecorder = createModel(({ maxMs, media = browserMedia(), now = Date.now }: RecorderPorts) => {
  const state = signal<RecorderState>(media ? 'idle' : 'unsupported');
  const elapsedMs = signal(0);
  const clip = signal<Clip | null>(null);
  let recorder: MediaRecorder | undefined;
  let stream: MediaStream | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let startedAt = 0;

  const release = () => {
    clearInterval(timer);
    stream?.getTracks().forEach((track) => track.stop());
    stream = undefined;
  };
  const dropClip = () => {
    if (clip.peek()) URL.revokeObjectURL(clip.peek()!.url);
    clip.value = null;
  };
  onDispose(() => {
    if (recorder?.state === 'recording') {
      recorder.onstop = null;
      recorder.stop();
    }
    release();
    dropClip();
  });

  const stop = () => {
    if (recorder?.state === 'recording') recorder.stop();
  };

  return {
    state: state as ReadonlySignal<RecorderState>,
    elapsedMs: elapsedMs as ReadonlySignal<number>,
    clip: clip as ReadonlySignal<Clip | null>,

    /** Starts recording; the first time, the browser asks for the microphone. */
    async start() {
      if (!media || state.peek() === 'recording' || state.peek() === 'asking') return;
      dropClip();
      state.value = 'asking';
      try {
        stream = await media.getUserMedia({ audio: true });
      } catch (error) {
        // NotAllowedError: the visitor or a policy said no; anything else: no usable device.
        state.value = (error as DOMException)?.name === 'NotAllowedError' ? 'denied' : 'failed';
        return;
      }
      const mimeType = PREFERRED.find((type) => media.MediaRecorder.isTypeSupported?.(type));
      const chunks: Blob[] = [];
      try {
        recorder = new media.MediaRecorder(stream, mimeType ? { mimeType } : undefined);
      } catch {
        release();
        state.value = 'failed';
        return;
      }
      recorder.ondataavailable = (event) => {
        if (event.data.size) chunks.push(event.data);
      };
      recorder.onstop = () => {
        const durationMs = Math.min(maxMs, now() - startedAt);
        release();
        const mime = (recorder?.mimeType || mimeType || chunks[0]?.type || 'audio/webm').split(';')[0]!;
        const blob = new Blob(chunks, { type: mime });
        if (!blob.size) {
          state.value = 'failed';
          return;
        }
        clip.value = { blob, url: URL.createObjectURL(blob), durationMs, mime };
        elapsedMs.value = durationMs;
        state.value = 'recorded';
      };
      recorder.onerror = () => {
        release();
        state.value = 'failed';
      };
      startedAt = now();
      elapsedMs.value = 0;
      recorder.start(1000);
      state.value = 'recording';
      timer = setInterval(() => {
        elapsedMs.value = Math.min(maxMs, now() - startedAt);
        if (elapsedMs.peek() >= maxMs) stop();
      }, TICK_MS);
    },
    stop,
    /** Deletes the clip; the next `start` records again without asking. */
    discard() {
      dropClip();
      elapsedMs.value = 0;
      state.value = 'idle';
    },
  };
});

export type VoiceRecorder = InstanceType<typeof VoiceRecorder>;
