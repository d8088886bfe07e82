/**
 * The `Confab(name, ...args)` commands the widget answers, each checked before it acts:
 * a wrong call is reported in the console with the fix and otherwise ignored.
 */
import { LIMITS } from '../protocol';
import { isLanguageTag } from '../protocol/rules';
import type { Emitter, HostEventName } from './events';
import { HOST_EVENTS } from './events';

export interface CommandTarget {
  open(): void;
  close(): void;
  toggle(): void;
  update(options: Record<string, unknown>): void;
  send(text: string): void;
  identify(token: string): void;
  reset(): void;
  consent(given: boolean): void;
  theme(input: Record<string, unknown>): void;
  locale(code: string): void;
  /** Removes the panel (the designer's preview remounts the widget). */
  destroy(): void;
  emitter: Emitter;
}

/** Every wrong call is explained as `Confab('name', …): how to call it`. */
const usage = (name: string, fix: string) => console.warn(`Confab('${name}', …): ${fix}`);

function checkListener(name: string, args: unknown[]): [HostEventName, (detail: unknown) => void] | null {
  const [event, listener] = args;
  if (!HOST_EVENTS.includes(event as HostEventName) || typeof listener !== 'function') {
    usage(name, `pass an event (${HOST_EVENTS.join(', ')}) and a function.`);
    return null;
  }
  return [event as HostEventName, listener as (detail: unknown) => void];
}

export function runCommand(target: CommandTarget, name: unknown, args: unknown[]): void {
  switch (name) {
    case 'open':
      target.open();
      return;
    case 'close':
      target.close();
      return;
    case 'toggle':
      target.toggle();
      return;
    case 'on':
    case 'off': {
      const checked = checkListener(name, args);
      if (checked) target.emitter[name](...checked);
      return;
    }
    case 'update':
      if (typeof args[0] === 'object' && args[0] !== null) target.update(args[0] as Record<string, unknown>);
      else usage('update', "pass an object, e.g. { position: 'left' }.");
      return;
    case 'send': {
      const text = typeof args[0] === 'string' ? args[0].trim() : '';
      if (text && text.length <= LIMITS.messageText) target.send(text);
      else usage('send', `pass a text of 1 to ${LIMITS.messageText} characters.`);
      return;
    }
    case 'identify':
      if (typeof args[0] === 'string' && args[0].split('.').length === 3) target.identify(args[0]);
      else usage('identify', 'pass the identity token your server signed.');
      return;
    case 'reset':
      target.reset();
      return;
    case 'consent':
      if (args[0] === true) target.consent(true);
      else usage('consent', 'pass true once the visitor has agreed.');
      return;
    case 'theme':
      if (typeof args[0] === 'object' && args[0] !== null) target.theme(args[0] as Record<string, unknown>);
      else usage('theme', "pass an object, e.g. { mode: 'dark' }.");
      return;
    case 'locale':
      if (typeof args[0] === 'string' && isLanguageTag(args[0])) target.locale(args[0].toLowerCase());
      else usage('locale', "pass a language code like 'de'.");
      return;
    case 'destroy':
      target.destroy();
      return;
    default:
      usage(
        String(name),
        'no such command; use open, close, toggle, on, off, update, send, identify, reset, consent, theme or locale.',
      );
  }
}
