/**
 * Files as the widget and the console handle them before the server has them: what the
 * outbox keeps of each (the bytes wait in the blob store under `key`), and the checks
 * made before anything is sent — the server checks again, by the bytes.
 */
import { LIMITS, type UploadSettings } from '../../protocol';

/** A file of an outgoing message; its bytes are in the blob store under `key`. */
export interface FileRef {
  /** The upload key: stable across reloads, so a re-upload after a lost answer is harmless. */
  key: string;
  name: string;
  size: number;
  mime: string;
  /** Voice messages: the recorded length. */
  durationMs?: number;
}

/** Why a file cannot be sent; the views word each one with the limit. */
export type FileProblem = 'type' | 'size' | 'count' | 'empty';

/** `audio/webm;codecs=opus` → `audio/webm`: sites allow types without parameters. */
export const baseMime = (mime: string): string => mime.split(';')[0]!.trim().toLowerCase();

/** Whether a file of this type and size may be sent to a site with these settings. */
export function checkFile(file: { size: number; type: string }, uploads: UploadSettings): FileProblem | null {
  if (!uploads.types.includes(baseMime(file.type))) return 'type';
  if (file.size > uploads.maxBytes) return 'size';
  if (file.size === 0) return 'empty';
  return null;
}

/**
 * Splits picked files into those that may go and the first problem met, keeping the
 * per-message limit with the files already chosen.
 */
export function pickFiles<F extends { size: number; type: string; name: string }>(
  files: readonly F[],
  uploads: UploadSettings,
  alreadyChosen: number,
): { accepted: F[]; problem: FileProblem | null; refused: { name: string; problem: FileProblem }[] } {
  const accepted: F[] = [];
  // Each refused file with its own reason, so the person knows which ones did not go and why.
  const refused: { name: string; problem: FileProblem }[] = [];
  for (const file of files) {
    const found = checkFile(file, uploads);
    if (found) refused.push({ name: file.name, problem: found });
    else if (alreadyChosen + accepted.length >= LIMITS.attachmentsPerMessage)
      refused.push({ name: file.name, problem: 'count' });
    else accepted.push(file);
  }
  return { accepted, problem: refused[0]?.problem ?? null, refused };
}

/** 1536 → "1.5 KB", in the reader's number format. */
export function formatSize(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit && value < 10 ? 1 : 0 }).format(value)} ${units[unit]}`;
}

/** 65_000 → "1:05". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The short names of the allowed types, for the error that says what may be sent ("PNG, JPEG, PDF"). */
export function typeNames(types: readonly string[]): string {
  const names = types.map((type) => {
    const sub = type.split('/')[1] ?? type;
    if (type.startsWith('audio/')) return 'audio';
    if (sub.includes('word') || sub.endsWith('.text')) return 'DOC';
    if (sub.includes('sheet') || sub.includes('excel')) return 'XLS';
    if (sub.includes('presentation') || sub.includes('powerpoint')) return 'PPT';
    if (sub === 'plain') return 'TXT';
    return sub.toUpperCase();
  });
  return [...new Set(names)].join(', ');
}
