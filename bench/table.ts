// Formats the results table: one row per figure, each beside the floor measured in the same run.

export interface ResultRow {
  /** What was measured, and on which backend. */
  readonly what: string;
  /** The size: subscribers, messages, connections, concurrency. */
  readonly size: string;
  readonly value: string;
  readonly floor: string;
  /** value ÷ floor, or "—" when there is no floor. */
  readonly ratio: string;
  readonly target: string;
}

const COLUMNS: readonly { key: keyof ResultRow; title: string }[] = [
  { key: 'what', title: 'scenario' },
  { key: 'size', title: 'N / M' },
  { key: 'value', title: 'value' },
  { key: 'floor', title: 'floor' },
  { key: 'ratio', title: 'ratio' },
  { key: 'target', title: 'target' },
];

export function formatTable(rows: readonly ResultRow[]): string {
  const widths = COLUMNS.map(({ key, title }) => Math.max(title.length, ...rows.map((row) => row[key].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(COLUMNS.map((column) => column.title)), rule, ...rows.map((row) => line(COLUMNS.map(({ key }) => row[key])))].join('\n');
}

/** 12,345 or 12.3 (three significant digits below 100). */
export function formatNumber(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return 'n/a';
  const text = Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3);
  return unit ? `${text} ${unit}` : text;
}

export function formatRatio(value: number, floor: number): string {
  const ratio = value / floor;
  return Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a';
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  return Math.abs(bytes) >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${Math.round(bytes)} B`;
}
