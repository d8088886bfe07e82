/**
 * Lazily loaded views bring their own styles. `mount` tells this module how to add a
 * stylesheet to its shadow root; a view chunk calls `addStyles` once, when it loads.
 * Every stylesheet added so far is kept and given to each new target: a chunk loads
 * once per page, but the widget may be mounted again (the designer remounts it).
 */
let adopt: ((css: string) => void) | undefined;
const added: string[] = [];

export function setStyleTarget(target: (css: string) => void): void {
  adopt = target;
  added.forEach(target);
}

export function addStyles(css: string): void {
  if (added.includes(css)) return;
  added.push(css);
  adopt?.(css);
}
