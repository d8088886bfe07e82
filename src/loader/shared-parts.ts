/**
 * The loader's config parser and style helpers, as the widget bundle sees them.
 *
 * The widget calls `parseConfig`, `adoptStyles` and `styleHost`, which the loader, already
 * on the page, has too. In the script-tag build (rollup.config.mjs) the widget's imports
 * of those modules come here instead: live bindings set to the loader's own functions,
 * handed over at mount (widget-entry.ts), so the open chat does not download them twice.
 * Apps that bundle Confab themselves, the designer and the tests import the real
 * modules: one copy there anyway.
 */
import type { LoaderParts } from './contract';

export let parseConfig: LoaderParts['parseConfig'];
export let adoptStyles: LoaderParts['adoptStyles'];
export let styleHost: LoaderParts['styleHost'];

export function useLoaderParts(parts: LoaderParts): void {
  ({ parseConfig, adoptStyles, styleHost } = parts);
}

// Only the widget uses these: its own copy.
export { reportConfig } from './config';
export { CHAT_ICON } from './launcher';
