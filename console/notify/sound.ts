/**
 * A short two-note chime made with Web Audio: no audio file to load or host. One
 * oscillator per chime (its pitch steps up halfway), so one chime is one `start()`.
 * The AudioContext is made on first use and reused; a browser that has not seen a click
 * on the page yet may keep it suspended, and then the chime is silently skipped.
 */
let context: AudioContext | null = null;

export function playChime(): void {
  const Context = globalThis.AudioContext;
  if (!Context) return;
  try {
    context ??= new Context();
    if (context.state === 'suspended') void context.resume();
    const now = context.currentTime;
    const tone = context.createOscillator();
    const volume = context.createGain();
    tone.type = 'sine';
    tone.frequency.setValueAtTime(660, now);
    tone.frequency.setValueAtTime(880, now + 0.09);
    // A quick attack and decay: no click at either end.
    volume.gain.setValueAtTime(0.0001, now);
    volume.gain.exponentialRampToValueAtTime(0.2, now + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, now + 0.25);
    tone.connect(volume).connect(context.destination);
    tone.start(now);
    tone.stop(now + 0.26);
  } catch {
    // No audio device or a refused context: notifications still show.
  }
}
