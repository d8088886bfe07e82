/**
 * The typed envelope between the loader and the widget bundle. The widget's entry
 * exports `mount: MountWidget`; a change on either side fails the type check.
 */
import type { NextSlice } from '../widget/slices';
import type { Transport, TransportOptions } from '../widget/transport';
import type { WidgetConfig, parseConfig } from './config';
import type { styleHost } from './launcher';
import type { adoptStyles } from './styles';

/** A queued call: the command name followed by its arguments. */
export type Command = [name: string, ...args: unknown[]];

/** The launcher the loader drew; the widget drives its label, icon and badge from then on. */
export interface Launcher {
  button: HTMLButtonElement;
  icon: SVGPathElement;
}

/** Loader code the widget also needs: handed over so the widget need not download it again. */
export interface LoaderParts {
  parseConfig: typeof parseConfig;
  adoptStyles: typeof adoptStyles;
  styleHost: typeof styleHost;
}

export interface MountOptions {
  config: WidgetConfig;
  host: HTMLElement;
  root: ShadowRoot;
  launcher: Launcher;
  /** Calls made before the widget arrived, replayed in order. */
  queue: Command[];
  /** Whoever mounts the widget hands these over: the script-tag build relies on them (src/loader/shared-parts.ts). */
  loader: LoaderParts;
  deps?: {
    /** The designer's preview: a transport that needs no server. */
    createTransport?: (options: TransportOptions) => Transport;
    /**
     * When the next slice of mounting runs (src/widget/slices.ts); null: all at once,
     * within `mount` (the unit tests, which read the DOM right after it).
     */
    nextSlice?: NextSlice | null;
  };
}

export interface WidgetInstance {
  command(name: string, args: unknown[]): void;
}

export type MountWidget = (options: MountOptions) => WidgetInstance;

export interface WidgetModule {
  mount: MountWidget;
}
