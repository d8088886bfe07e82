/**
 * A conversation written out for the visitor or an operator to keep: plain text, or an
 * HTML page made only of escaped text (no markup from anyone's message survives, and the
 * page's own policy forbids scripts, styles from elsewhere and every fetch).
 */
import type { Transcript, TranscriptFormat } from '../../src/protocol';
import type { ConversationRow, MessageRow } from './store';

export interface TranscriptSource {
  siteName: string;
  conversation: ConversationRow;
  messages: MessageRow[];
  /** Operator names by id; an operator no longer configured is "Operator". */
  operatorName: (id: string | null) => string;
  /** "You" in the visitor's copy, "Visitor" in an operator's. */
  visitorLabel: string;
  /** Times are written in UTC with the offset, so the file reads the same anywhere. */
  timeZone?: string;
  /** A message's files as links (signed download URLs, valid for an hour); none when uploads are off. */
  files?: (message: MessageRow) => { name: string; url: string }[];
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function stamp(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);
}

function lines(source: TranscriptSource) {
  const timeZone = source.timeZone ?? 'UTC';
  return source.messages.map((m) => ({
    who:
      m.author === 'operator'
        ? source.operatorName(m.operatorId)
        : m.author === 'visitor'
          ? source.visitorLabel
          : 'Confab',
    when: stamp(m.createdAt, timeZone),
    text: m.deletedAt ? '(message deleted)' : m.text,
    files: m.deletedAt ? [] : (source.files?.(m) ?? []),
  }));
}

export function buildTranscript(source: TranscriptSource, format: TranscriptFormat): Transcript {
  const timeZone = source.timeZone ?? 'UTC';
  const title = `${source.siteName}: chat of ${stamp(source.conversation.createdAt, timeZone)}`;
  const day = new Date(source.conversation.createdAt).toISOString().slice(0, 10);
  const entries = lines(source);
  if (format === 'text') {
    const fileLines = (files: { name: string; url: string }[]) => files.map((f) => `[file] ${f.name}: ${f.url}\n`);
    const body = [
      title,
      '',
      ...entries.map((e) => `[${e.when}] ${e.who}:\n${e.text}\n${fileLines(e.files).join('')}`),
    ].join('\n');
    return { filename: `chat-${day}.txt`, mime: 'text/plain; charset=utf-8', body };
  }
  const items = entries
    .map(
      (e) =>
        `<li><p class="meta">${escapeHtml(e.who)} · <time>${escapeHtml(e.when)}</time></p><p class="text">${escapeHtml(e.text)}</p>${e.files
          .map((f) => `<p class="file"><a href="${escapeHtml(f.url)}" rel="noreferrer">${escapeHtml(f.name)}</a></p>`)
          .join('')}</li>`,
    )
    .join('\n');
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}ol{list-style:none;padding:0}.meta{color:#555;font-size:.875rem;margin:1rem 0 0}.text{white-space:pre-wrap;margin:0}</style>
</head><body><h1>${escapeHtml(title)}</h1>
<ol>
${items}
</ol></body></html>
`;
  return { filename: `chat-${day}.html`, mime: 'text/html; charset=utf-8', body };
}
