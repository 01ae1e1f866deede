/**
 * Number and text-table formatting shared by the `silt bench` reporters (terminal table, compare,
 * thresholds, HTML). Pure functions; no I/O.
 *
 * Latencies arrive in microseconds (the result contract) and are shown in milliseconds with a
 * precision that keeps three significant digits for sub-10 ms values, which is what a reader compares.
 */

/** µs → ms text: 0.012, 1.23, 12.3, 123, 1,234. */
export function formatMs(us: number): string {
  if (!Number.isFinite(us)) return '—';
  const ms = us / 1000;
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return Math.round(ms).toLocaleString('en-US');
}

/** A rate or count, rounded, with thousands separators. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return Math.round(value).toLocaleString('en-US');
}

/** A signed value with a fixed number of decimals: +1.50, -0.25, 0.00. */
export function formatSigned(value: number, decimals: number): string {
  const text = Math.abs(value).toFixed(decimals);
  if (Number(text) === 0) return text;
  return `${value < 0 ? '-' : '+'}${text}`;
}

/** A signed percentage: +12.5%, -3.0%; null (no base to compare with) → '—'. */
export function formatSignedPercent(percent: number | null): string {
  return percent === null ? '—' : `${formatSigned(percent, 1)}%`;
}

/** Bytes → GiB / MiB text. */
export function formatBytes(bytes: number): string {
  const gib = bytes / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** Milliseconds of run time → '10 s', '1.5 s', '250 ms'. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s.toFixed(0) : s.toFixed(1)} s`;
}

export type Align = 'left' | 'right';

/**
 * A plain-text table: header, a rule of dashes, then the rows; columns two spaces apart, trailing
 * spaces trimmed. Widths count UTF-16 code units, which is right for the characters used here.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    widths
      .map((width, column) => {
        const cell = cells[column] ?? '';
        return align[column] === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
