/**
 * The script-tag loader: the only code every host page downloads.
 *
 *   <script async src="https://chat.example.com/loader.js" data-site="demo"></script>
 *
 * `document.currentScript` is read synchronously at the top level: it is null once
 * this first turn of the event loop is over.
 */
import type { UpdateOptions } from './api';
import { boot, type ConfabFunction } from './boot';
import { parseConfig } from './config';
import type { WidgetModule } from './contract';

declare global {
  interface Window {
    Confab?: ConfabFunction;
  }
}

const script = document.currentScript as HTMLScriptElement | null;

if (script) {
  const config = parseConfig({ ...script.dataset }, script.src, console.warn);
  const existing = window.Confab;
  if (config) {
    config.nonce = script.nonce || undefined;
    if (existing?.ready) {
      // Included twice: the first widget stays and takes the second tag's settings.
      existing('update', config.input as UpdateOptions);
    } else {
      window.Confab = boot(
        config,
        // biome-ignore lint/style/useTemplate: concatenation minifies 3 B smaller, and this file has a 1.5 KB budget
        () => import(/* webpackIgnore: true */ config.base + 'widget/widget.js') as Promise<WidgetModule>,
        existing?.q as Iterable<unknown>[] | undefined,
      );
    }
  }
}
