/**
 * A search hit's row shows the message that matched, its matched words in <mark>: as
 * text nodes only, so what a visitor wrote can never become markup in the console.
 */
import { snippet } from './models/snippet';

export function MatchPreview({ text, query }: { text: string; query: string }) {
  return <>{snippet(text, query).map((piece, i) => (piece.hit ? <mark key={i}>{piece.text}</mark> : piece.text))}</>;
}
