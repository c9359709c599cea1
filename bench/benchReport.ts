// How the bench prints: one table a section, each figure beside its baseline, and the figures
// kept for bench-results.json.

export type Cell = string | number | undefined;

export function fmt(value: number | undefined, digits = 1): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const int = (value: number | undefined) => fmt(value, 0);

export function printTable(title: string, header: string[], rows: Cell[][], notes: string[] = []): void {
  const cells = [header, ...rows.map((row) => row.map((cell) => (cell === undefined ? '-' : String(cell))))];
  const widths = header.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ');
  console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('-+-'));
  for (const row of cells.slice(1)) console.log(line(row));
  for (const note of notes) console.log(`  ${note}`);
}

export const results: Record<string, unknown> = {};
