/**
 * What `createModel` gives a model is disposal of the effects it created. Anything else
 * a model holds (a timer, a listener, a socket) is released through the same door: an
 * effect that reads nothing never re-runs, and its cleanup runs when the model is disposed.
 */
import { effect } from '@preact/signals';

export function onDispose(cleanup: () => void): void {
  effect(() => cleanup);
}

/** Disposes a model made by `createModel` (keyed by `Symbol.dispose`, where the browser has it). */
export function disposeModel(model: object): void {
  const key = (Symbol as unknown as { dispose: symbol }).dispose;
  (model as Record<symbol, () => void>)[key]!();
}
