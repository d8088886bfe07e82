/**
 * The public `Confab(...)` function, typed per command: a misspelt command or a wrong
 * argument fails to compile, and event callbacks receive the event's detail. Types
 * only; the runtime checks every call again (script-tag users have no compiler).
 */
import type { Theme } from '../themes/tokens.js';
import type { HostEventName, HostEvents } from '../widget/events.js';
import type { Position } from './config.js';

/** What `Confab('update', …)` may change at run time. */
export interface UpdateOptions {
  lang?: string;
  name?: string;
  email?: string;
  position?: Position;
  /** A hex colour like "#0b6bcb". */
  color?: string;
  /** "off": no unread count in the page title while the visitor is on another tab. */
  titleAlert?: 'on' | 'off';
  /**
   * "on": offer system notifications of replies while the visitor is on another tab
   * (asked only after the visitor's own click in the widget); "off": never. Unset: the site's setting.
   */
  notifications?: 'on' | 'off';
  /** "on": an unread count on the page's favicon while the visitor is on another tab; "off": never. Unset: the site's setting. */
  faviconBadge?: 'on' | 'off';
}

export type HostListener<E extends HostEventName> = (detail: HostEvents[E]) => void;

export interface ConfabCommands {
  (command: 'open' | 'close' | 'toggle' | 'reset' | 'destroy'): void;
  (command: 'send', text: string): void;
  (command: 'update', options: UpdateOptions): void;
  /** The identity token your server signed (a JWT). */
  (command: 'identify', token: string): void;
  (command: 'consent', given: true): void;
  (command: 'theme', theme: Theme): void;
  /** A language code like "de" or "pt-BR". */
  (command: 'locale', code: string): void;
  <E extends HostEventName>(command: 'on' | 'off', event: E, listener: HostListener<E>): void;
}

export interface ConfabFunction extends ConfabCommands {
  /** Resolves once the widget has mounted and replayed the queued calls. */
  ready: Promise<void>;
  /** The stub's queue before the loader ran; kept for the stub's signature. */
  q?: ArrayLike<unknown>[];
}
