/** Medians with their spread, and the bench's table rows. */

export const median = (values: number[]): number => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** "median (min–max)" of the finite values, or "n/a". */
export function spread(values: number[], digits = 0): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return 'n/a';
  const fmt = (v: number) => v.toFixed(digits);
  return `${fmt(median(finite))} (${fmt(Math.min(...finite))}–${fmt(Math.max(...finite))})`;
}

/** a / b, or "—" where the ratio says nothing (b is zero or missing). */
export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(b) < 1e-9) return '—';
  return `${(a / b).toFixed(2)}×`;
}

export function printTable(title: string, header: string[], rows: string[][], widths: number[]): void {
  console.log(`\n${title}`);
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[i]!))).join('');
  console.log(line(header));
  rows.forEach((row) => console.log(line(row)));
}

/** Rotates `items` by `by`: interleaved runs, so no variant always goes first. */
export const rotate = <T>(items: T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length]!);
