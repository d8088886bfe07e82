/**
 * Turns keystrokes into few "typing" signals: one on the first key, again at most every
 * few seconds while typing goes on, and one "stopped" after a pause or on send.
 */
export function createTypingSignal(emit: (typing: boolean) => void, pauseMs = 3000, repeatMs = 2500) {
  let typing = false;
  let lastSent = 0;
  let pauseTimer: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    clearTimeout(pauseTimer);
    if (typing) {
      typing = false;
      emit(false);
    }
  };

  return {
    input() {
      const now = Date.now();
      if (!typing || now - lastSent >= repeatMs) {
        typing = true;
        lastSent = now;
        emit(true);
      }
      clearTimeout(pauseTimer);
      pauseTimer = setTimeout(stop, pauseMs);
    },
    stop,
    /** Forgets the pause timer without a word to the server (the widget is going away). */
    dispose() {
      clearTimeout(pauseTimer);
    },
  };
}
