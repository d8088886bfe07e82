/**
 * A short two-note chime made with Web Audio: no audio file to fetch. Browsers that
 * have not seen a gesture on the page keep the context suspended; then nothing plays,
 * as it should.
 *
 * With `messageId`, once per message across the visitor's tabs (each gets the message):
 * the first tab to take the message's Web Lock rings, and holds it long enough that the
 * others find it taken. Without Web Locks each tab rings for itself.
 */
export function chime(messageId?: string): void {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!messageId || !locks) {
    ring();
    return;
  }
  void locks.request(`confab:chime:${messageId}`, { ifAvailable: true }, (lock) => {
    if (!lock) return;
    ring();
    return new Promise((resolve) => setTimeout(resolve, CLAIM_MS));
  });
}

/** How long a message's chime stays claimed: far longer than the relay takes to reach every tab. */
const CLAIM_MS = 10_000;

function ring(): void {
  try {
    const audio = new AudioContext();
    if (audio.state !== 'running') {
      void audio.close();
      return;
    }
    const gain = audio.createGain();
    gain.connect(audio.destination);
    const start = audio.currentTime;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.45);
    [660, 880].forEach((frequency, i) => {
      const tone = audio.createOscillator();
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(start + i * 0.12);
      tone.stop(start + 0.45);
    });
    setTimeout(() => void audio.close(), 600);
  } catch {
    // No Web Audio: stay quiet.
  }
}
