/**
 * The script-tag build's widget entry: takes the parts the loader hands over (see
 * shared-parts.ts), then mounts the widget. A loader.js from an older release hands
 * none over: the widget.js it loads must come from the same release.
 */
import { mount as mountWidget } from '../widget/index';
import type { MountWidget } from './contract';
import { useLoaderParts } from './shared-parts';

export const mount: MountWidget = (options) => {
  useLoaderParts(options.loader);
  return mountWidget(options);
};
