/**
 * The voice recorder's states with a stand-in for the browser's MediaRecorder and
 * getUserMedia (happy-dom has neither): permission asked on the first recording only,
 * refused and unsupported, the timer and its limit, listen / delete / record again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VoiceRecorder } from '../../../src/widget/attachments/recorder';
import { disposeModel } from '../../../src/widget/models/dispose';

/** Records what the recorder asks of it and answers like a browser would. */
class FakeMediaRecorder {
  static isTypeSupported = (type: string) => type === 'audio/webm;codecs=opus';
  static instances: FakeMediaRecorder[] = [];
  state: 'inactive' | 'recording' = 'inactive';
  mimeType: string;
  ondataavailable: ((event: { data: Blob }) => void) | null = null;
  onstop: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(
    public stream: MediaStream,
    options?: { mimeType?: string },
  ) {
    this.mimeType = options?.mimeType ?? 'audio/webm';
    FakeMediaRecorder.instances.push(this);
  }
  start() {
    this.state = 'recording';
  }
  stop() {
    this.state = 'inactive';
    this.ondataavailable?.({ data: new Blob(['opus-bytes'], { type: this.mimeType }) });
    this.onstop?.();
  }
}

function fakeMedia(answer: () => Promise<MediaStream>) {
  const stopped: string[] = [];
  const asks: MediaStreamConstraints[] = [];
  const stream = { getTracks: () => [{ stop: () => stopped.push('track') }] } as unknown as MediaStream;
  return {
    stopped,
    asks,
    stream,
    media: {
      getUserMedia: (constraints: MediaStreamConstraints) => {
        asks.push(constraints);
        return answer().then(() => stream);
      },
      MediaRecorder: FakeMediaRecorder as unknown as typeof MediaRecorder,
    },
  };
}

let now = 0;
beforeEach(() => {
  vi.useFakeTimers();
  now = 1_000;
  FakeMediaRecorder.instances = [];
});
afterEach(() => vi.useRealTimers());

describe('voice recorder', () => {
  it('is unsupported without MediaRecorder, and says so before asking anything', () => {
    const recorder = new VoiceRecorder({ maxMs: 60_000, media: undefined });
    expect(recorder.state.value).toBe('unsupported');
    disposeModel(recorder);
  });

  it('asks for the microphone only when recording starts, then records, times and stops', async () => {
    const { media, asks, stopped } = fakeMedia(() => Promise.resolve({} as MediaStream));
    const recorder = new VoiceRecorder({ maxMs: 60_000, media, now: () => now });
    expect(recorder.state.value).toBe('idle');
    expect(asks).toEqual([]);

    const starting = recorder.start();
    expect(recorder.state.value).toBe('asking');
    await starting;
    expect(asks).toEqual([{ audio: true }]);
    expect(recorder.state.value).toBe('recording');
    expect(FakeMediaRecorder.instances[0]!.mimeType).toBe('audio/webm;codecs=opus');

    now += 3_400;
    vi.advanceTimersByTime(400);
    expect(recorder.elapsedMs.value).toBe(3_400);

    recorder.stop();
    expect(recorder.state.value).toBe('recorded');
    const clip = recorder.clip.value!;
    expect(clip.durationMs).toBe(3_400);
    expect(clip.mime).toBe('audio/webm');
    expect(await clip.blob.text()).toBe('opus-bytes');
    expect(clip.url).toMatch(/^blob:/);
    // The microphone is released after each recording.
    expect(stopped).toEqual(['track']);
    disposeModel(recorder);
  });

  it('stops by itself at the limit', async () => {
    const { media } = fakeMedia(() => Promise.resolve({} as MediaStream));
    const recorder = new VoiceRecorder({ maxMs: 5_000, media, now: () => now });
    await recorder.start();
    now += 7_000;
    vi.advanceTimersByTime(200);
    expect(recorder.state.value).toBe('recorded');
    expect(recorder.clip.value!.durationMs).toBe(5_000);
    disposeModel(recorder);
  });

  it('deletes the clip and records again', async () => {
    const { media, asks } = fakeMedia(() => Promise.resolve({} as MediaStream));
    const recorder = new VoiceRecorder({ maxMs: 60_000, media, now: () => now });
    await recorder.start();
    recorder.stop();
    recorder.discard();
    expect(recorder.clip.value).toBeNull();
    expect(recorder.state.value).toBe('idle');
    await recorder.start();
    expect(recorder.state.value).toBe('recording');
    expect(FakeMediaRecorder.instances).toHaveLength(2);
    // The second recording asks the browser again, which remembers the visitor's answer.
    expect(asks).toHaveLength(2);
    disposeModel(recorder);
  });

  it('reports a refused microphone as denied and any other failure as failed', async () => {
    const refused = fakeMedia(() => Promise.reject(new DOMException('no', 'NotAllowedError')));
    const denied = new VoiceRecorder({ maxMs: 60_000, media: refused.media });
    await denied.start();
    expect(denied.state.value).toBe('denied');
    const missing = fakeMedia(() => Promise.reject(new DOMException('none', 'NotFoundError')));
    const failed = new VoiceRecorder({ maxMs: 60_000, media: missing.media });
    await failed.start();
    expect(failed.state.value).toBe('failed');
    disposeModel(denied);
    disposeModel(failed);
  });
});
