/**
 * Message text as text nodes, with http(s), mailto and tel links made clickable.
 * Nothing here ever becomes markup: untrusted text is only ever text.
 */
import type { ComponentChild } from 'preact';
import { safeHref } from '../../protocol/rules';

const LINK = /\b(?:https?:\/\/[^\s<>"']+|mailto:[^\s<>"']+|tel:\+?[\d\-() ]{3,20}\d)/gi;
/** Trailing punctuation belongs to the sentence, not the URL. */
const TRAILING = /[.,;:!?)\]}]+$/;

export function RichText({ text }: { text: string }) {
  const parts: ComponentChild[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const link = match[0].replace(TRAILING, '');
    const href = safeHref(link);
    if (!href) continue;
    parts.push(text.slice(last, match.index));
    parts.push(
      <a href={href} target="_blank" rel="noopener noreferrer">
        {link}
      </a>,
    );
    last = match.index + link.length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}
