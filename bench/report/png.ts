/**
 * A one-image summary of a `silt bench` run, for the README and for sharing: a header (machine,
 * commit, generator self-check), a table of every phase's operations, and the four charts of one
 * phase (bench/report/charts.ts), composed as one SVG and rasterised by resvg (@resvg/resvg-js,
 * native, no browser). `silt bench report result.json --png docs/bench-report.png` makes the
 * README's picture.
 *
 * Text is drawn with the system's fonts; resvg's generic 'sans-serif' is pointed at DejaVu Sans,
 * present on most Linux systems, and falls back to whatever resvg finds first.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { BenchResult, PhaseResult } from '../harness/result.js';
import { phaseCharts } from './charts.js';
import { formatBytes, formatCount, formatMs } from './format.js';
import { escapeXml, FONT_FAMILY, SVG_NAMESPACE } from './svg.js';
import { describeLoad, phaseTotal } from './table.js';

export interface PngOptions {
  /** The phase whose charts are drawn; default the first. */
  phase?: string;
  /** Pixel density: 2 renders a 2400 px wide image of the 1200 px layout. */
  scale?: number;
}

const WIDTH_PX = 1200;
const PADDING_PX = 24;
const ROW_PX = 21;
const CHART = { widthPx: (WIDTH_PX - 2 * PADDING_PX - 16) / 2, heightPx: 300 } as const;

/** Column x positions (right edges for numbers) of the summary table; phases are group rows above their operations. */
const COLUMNS: readonly { title: string; x: number; anchor: 'start' | 'end' }[] = [
  { title: 'operation', x: 16, anchor: 'start' },
  { title: 'ops/s', x: 330, anchor: 'end' },
  { title: 'p50 ms', x: 430, anchor: 'end' },
  { title: 'p90 ms', x: 530, anchor: 'end' },
  { title: 'p99 ms', x: 630, anchor: 'end' },
  { title: 'p99.9 ms', x: 740, anchor: 'end' },
  { title: 'max ms', x: 840, anchor: 'end' },
  { title: 'errors', x: 960, anchor: 'end' },
  { title: 'throttles', x: WIDTH_PX - 2 * PADDING_PX, anchor: 'end' },
];

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x}" y="${y}"${attributes === '' ? '' : ` ${attributes}`}>${escapeXml(content)}</text>`;
}

interface PhaseRows {
  title: string;
  load: string;
  rows: string[][];
}

function tableRows(result: BenchResult): PhaseRows[] {
  return result.phases.map((phase) => {
    const names = Object.keys(phase.operations).sort();
    const entries: [string, ReturnType<typeof phaseTotal>][] = names.map((name) => [name, phase.operations[name]!]);
    if (names.length > 1) entries.push(['total', phaseTotal(phase)]);
    const rows = entries.map(([name, op]) => {
      const ok = op.count > op.errors + op.throttles;
      const ms = (us: number): string => (ok ? formatMs(us) : '—');
      return [name, formatCount(op.opsPerSecond), ms(op.latency.p50), ms(op.latency.p90), ms(op.latency.p99), ms(op.latency.p999), ms(op.latency.max), formatCount(op.errors), formatCount(op.throttles)];
    });
    return { title: phase.name, load: `${phase.target.kind} · ${describeLoad(phase).replace(/, latency from.*$/, '')}`, rows };
  });
}

function choosePhase(result: BenchResult, name: string | undefined): PhaseResult | undefined {
  if (name === undefined) return result.phases[0];
  const phase = result.phases.find((candidate) => candidate.name === name);
  if (phase === undefined) throw new RangeError(`no phase named '${name}' (phases: ${result.phases.map((p) => p.name).join(', ')})`);
  return phase;
}

/** The whole picture as SVG text. */
export function renderReportSvg(result: BenchResult, options: PngOptions = {}): string {
  const env = result.environment;
  const phase = choosePhase(result, options.phase);
  const parts: string[] = [];
  let y = PADDING_PX + 26;
  parts.push(text(PADDING_PX, y, 'silt bench', 'font-size="26" font-weight="700" fill="#111827"'));
  parts.push(text(PADDING_PX + 150, y, `${result.startedAt}${env.gitCommit === null ? '' : ` · ${env.gitCommit.slice(0, 10)}${env.gitDirty === true ? ' (dirty)' : ''}`}`, 'font-size="13" fill="#6b7280"'));
  y += 24;
  parts.push(text(PADDING_PX, y, `${env.cpuModel} × ${env.cores} cores · ${formatBytes(env.memoryBytes)} · ${env.platform} · Node ${env.node} · load ${env.loadAverage1mStart.toFixed(2)} → ${env.loadAverage1mEnd.toFixed(2)}`, 'font-size="13" fill="#374151"'));
  for (const check of result.selfCheck) {
    y += 20;
    parts.push(
      text(PADDING_PX, y, `generator self-check (${check.transport}, ${check.workers} worker${check.workers === 1 ? '' : 's'}): ${formatCount(check.opsPerSecond)} ops/s against a null target, p99 ${formatMs(check.p99Us)} ms`, 'font-size="13" fill="#4e79a7"'),
    );
  }
  y += 30;
  // Summary table.
  const headerY = y;
  for (const column of COLUMNS) parts.push(text(PADDING_PX + column.x, headerY, column.title, `font-size="12" font-weight="600" fill="#6b7280" text-anchor="${column.anchor}"`));
  parts.push(`<line x1="${PADDING_PX}" y1="${headerY + 7}" x2="${WIDTH_PX - PADDING_PX}" y2="${headerY + 7}" stroke="#d1d5db"/>`);
  y += 6;
  for (const group of tableRows(result)) {
    y += ROW_PX + 4;
    parts.push(`<text x="${PADDING_PX}" y="${y}" font-size="13" font-weight="600" fill="#111827">${escapeXml(group.title)}<tspan fill="#6b7280" font-weight="400" dx="10">${escapeXml(group.load)}</tspan></text>`);
    for (const row of group.rows) {
      y += ROW_PX;
      const weight = row[0] === 'total' ? ' font-weight="600"' : '';
      COLUMNS.forEach((column, index) => {
        parts.push(text(PADDING_PX + column.x, y, row[index] ?? '', `font-size="13" fill="#111827" text-anchor="${column.anchor}"${weight}`));
      });
    }
    parts.push(`<line x1="${PADDING_PX}" y1="${y + 7}" x2="${WIDTH_PX - PADDING_PX}" y2="${y + 7}" stroke="#eef0f2"/>`);
  }
  y += 26;
  if (phase !== undefined) {
    parts.push(text(PADDING_PX, y, phase.name, 'font-size="15" font-weight="600" fill="#111827"'));
    y += 12;
    const charts = phaseCharts(phase, CHART);
    const placed = [charts.latency, charts.throughput, charts.spectrum, charts.throttles];
    placed.forEach((svg, index) => {
      const x = PADDING_PX + (index % 2) * (CHART.widthPx + 16);
      const top = y + Math.floor(index / 2) * (CHART.heightPx + 16);
      // A nested <svg> with x/y places the chart; its own width/height keep its coordinate system.
      parts.push(svg.replace('<svg ', `<svg x="${x}" y="${top}" `));
      parts.push(`<rect x="${x}" y="${top}" width="${CHART.widthPx}" height="${CHART.heightPx}" rx="6" fill="none" stroke="#e5e7eb"/>`);
    });
    y += 2 * (CHART.heightPx + 16);
  }
  const height = Math.ceil(y + PADDING_PX - 16);
  return (
    `<svg xmlns="${SVG_NAMESPACE}" width="${WIDTH_PX}" height="${height}" viewBox="0 0 ${WIDTH_PX} ${height}" font-family="${escapeXml(FONT_FAMILY)}">` +
    `<rect x="0" y="0" width="${WIDTH_PX}" height="${height}" fill="#ffffff"/>${parts.join('')}</svg>`
  );
}

/** The picture as PNG bytes. */
export function renderPng(result: BenchResult, options: PngOptions = {}): Buffer {
  const resvg = new Resvg(renderReportSvg(result, options), {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

export async function writePng(path: string, result: BenchResult, options: PngOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderPng(result, options));
}
