/**
 * A visitor's (or colleague's) message text in the console, with the web addresses in it
 * made clickable. Only http and https become links, each opening in a new tab with
 * neither the opener nor the referrer passed on; everything else stays plain text nodes,
 * so nothing typed in a chat ever becomes markup.
 */
import type { ComponentChild } from 'preact';

const WEB_ADDRESS = /\bhttps?:\/\/[^\s<>"']+/gi;
/** Trailing punctuation belongs to the sentence, not the address. */
const TRAILING = /[.,;:!?)\]}]+$/;

/** The address as a link target, or undefined when it is not a well-formed http(s) URL. */
export function webHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function LinkedText({ text }: { text: string }) {
  const parts: ComponentChild[] = [];
  let last = 0;
  for (const match of text.matchAll(WEB_ADDRESS)) {
    const address = match[0].replace(TRAILING, '');
    const href = webHref(address);
    if (!href) continue;
    parts.push(text.slice(last, match.index));
    parts.push(
      <a href={href} target="_blank" rel="noopener noreferrer">
        {address}
      </a>,
    );
    last = match.index + address.length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}
