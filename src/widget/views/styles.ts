/**
 * Lazily loaded views bring their own styles. `mount` tells this module how to add a
 * stylesheet to the widget's shadow root; a view chunk calls `addStyles` when it loads.
 */
let adopt: ((css: string) => void) | undefined;
const pending: string[] = [];

export function setStyleTarget(target: (css: string) => void): void {
  adopt = target;
  pending.splice(0).forEach(target);
}

export function addStyles(css: string): void {
  if (adopt) adopt(css);
  else pending.push(css);
}
