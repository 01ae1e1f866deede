/**
 * Line charts as standalone SVG text: title, legend, axes with "nice" ticks, horizontal grid, one
 * polyline per series (solid or dashed). No script, no external reference — the only URL is the SVG
 * namespace — so a chart can be inlined in the self-contained HTML report and rendered to PNG by
 * resvg as it is. Shared by the `silt bench` report and any other bench that wants the same look.
 *
 * Invariants: every number written is finite (NaN points break a line instead of being drawn);
 * every text is XML-escaped; the output is deterministic for the same input.
 */

export const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';
export const FONT_FAMILY = "Inter, 'Segoe UI', system-ui, -apple-system, Helvetica, Arial, 'DejaVu Sans', sans-serif";

/** Distinct, colour-blind-friendly-ish hues (Tableau 10), in the order series take them. */
export const SERIES_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}

export interface ChartSeries {
  name: string;
  color: string;
  /** (x, y) pairs in data units; a non-finite y breaks the line. */
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

export interface AxisTick {
  value: number;
  label: string;
}

export interface LineChartOptions {
  title: string;
  /** Small grey text beside the title (units, what is plotted). */
  subtitle?: string;
  widthPx?: number;
  heightPx?: number;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  /** Defaults to the data's range (x) and [0, max] (y), widened to nice ticks. */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Fixed x ticks instead of computed ones (the percentile spectrum's 90%, 99%, …). */
  xTicks?: readonly AxisTick[];
  formatX?: (value: number) => string;
  formatY?: (value: number) => string;
  /** Shown in the plot area when no series has a point. */
  emptyText?: string;
}

const DEFAULT_WIDTH_PX = 560;
const DEFAULT_HEIGHT_PX = 300;
const MARGIN = { left: 62, right: 32, bottom: 46 } as const;
const TITLE_BAND_PX = 30;
const LEGEND_ROW_PX = 18;
const CHAR_WIDTH_PX = 6.4; // for 11 px text: legend layout only, so an estimate is enough

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Rounds a coordinate to 0.1 px: smaller files, same picture. */
function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** About `count` round tick values covering [min, max] (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max)) || count < 1) return [];
  if (max <= min) return [min];
  const rough = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9) * step;
  for (let value = first; value <= max + step * 1e-9; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

/** 1.2M, 15k, 950, 2.5, 0.125: short labels for ticks. */
export function compactNumber(value: number): string {
  const abs = Math.abs(value);
  const trim = (text: string): string => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);
  if (abs >= 1e6) return `${trim((value / 1e6).toFixed(1))}M`;
  if (abs >= 1e4) return `${trim((value / 1e3).toFixed(0))}k`;
  if (abs >= 1e3) return `${trim((value / 1e3).toFixed(1))}k`;
  if (abs >= 10 || abs === 0) return trim(value.toFixed(0));
  if (abs >= 1) return trim(value.toFixed(2));
  return trim(value.toPrecision(2));
}

function dataExtent(series: readonly ChartSeries[], axis: 0 | 1): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (const point of s.points) {
      const value = point[axis];
      if (!Number.isFinite(value)) continue;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  return min <= max ? [min, max] : undefined;
}

/** Legend items laid out left to right, wrapping within `widthPx`; returns the SVG and the rows used. */
function legend(series: readonly ChartSeries[], left: number, top: number, widthPx: number): { svg: string; rows: number } {
  const parts: string[] = [];
  let x = left;
  let row = 0;
  for (const s of series) {
    const itemWidth = 22 + s.name.length * CHAR_WIDTH_PX + 14;
    if (x + itemWidth > left + widthPx && x > left) {
      row++;
      x = left;
    }
    const y = top + row * LEGEND_ROW_PX;
    const dash = s.dashed === true ? ' stroke-dasharray="5 3"' : '';
    parts.push(
      `<line x1="${px(x)}" y1="${px(y)}" x2="${px(x + 16)}" y2="${px(y)}" stroke="${s.color}" stroke-width="2.5"${dash}/>`,
      `<text x="${px(x + 22)}" y="${px(y + 4)}" font-size="11" fill="#374151">${escapeXml(s.name)}</text>`,
    );
    x += itemWidth;
  }
  return { svg: parts.join(''), rows: series.length === 0 ? 0 : row + 1 };
}

export function lineChart(options: LineChartOptions): string {
  const width = options.widthPx ?? DEFAULT_WIDTH_PX;
  const height = options.heightPx ?? DEFAULT_HEIGHT_PX;
  const key = legend(options.series, MARGIN.left, TITLE_BAND_PX + 8, width - MARGIN.left - MARGIN.right);
  const top = TITLE_BAND_PX + key.rows * LEGEND_ROW_PX + 10;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - top - MARGIN.bottom;
  const formatX = options.formatX ?? compactNumber;
  const formatY = options.formatY ?? compactNumber;

  const xExtent = options.xDomain ?? dataExtent(options.series, 0) ?? [0, 1];
  const xTicks = options.xTicks ?? niceTicks(xExtent[0], xExtent[1], Math.max(2, Math.floor(plotWidth / 80))).map((value) => ({ value, label: formatX(value) }));
  let [xMin, xMax] = xExtent;
  if (xMax <= xMin) xMax = xMin + 1;
  const yData = dataExtent(options.series, 1);
  let [yMin, yMax] = options.yDomain ?? [0, yData === undefined || yData[1] <= 0 ? 1 : yData[1]];
  if (yMax <= yMin) yMax = yMin + 1;
  const yTickValues = niceTicks(yMin, yMax, Math.max(2, Math.floor(plotHeight / 36)));
  // Widen the y range to the next tick so the highest point sits under a labelled line.
  if (options.yDomain === undefined && yTickValues.length >= 2) {
    const step = yTickValues[1]! - yTickValues[0]!;
    const last = yTickValues[yTickValues.length - 1]!;
    if (last < yMax) {
      yTickValues.push(Number((last + step).toPrecision(12)));
    }
    yMax = yTickValues[yTickValues.length - 1]!;
  }

  const sx = (x: number): number => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotWidth;
  const sy = (y: number): number => top + plotHeight - ((y - yMin) / (yMax - yMin)) * plotHeight;
  const bottom = top + plotHeight;
  const out: string[] = [];
  out.push(
    `<svg xmlns="${SVG_NAMESPACE}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}" role="img" aria-label="${escapeXml(options.title)}">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="600" fill="#111827">${escapeXml(options.title)}` +
      (options.subtitle === undefined ? '' : `<tspan font-size="11" font-weight="400" fill="#6b7280" dx="8">${escapeXml(options.subtitle)}</tspan>`) +
      `</text>`,
    key.svg,
  );
  // Grid and y ticks.
  for (const value of yTickValues) {
    if (value < yMin || value > yMax) continue;
    const y = px(sy(value));
    out.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${px(MARGIN.left + plotWidth)}" y2="${y}" stroke="#e5e7eb" stroke-width="1"/>`,
      `<text x="${MARGIN.left - 6}" y="${px(sy(value) + 4)}" font-size="10.5" fill="#6b7280" text-anchor="end">${escapeXml(formatY(value))}</text>`,
    );
  }
  // x ticks.
  for (const tick of xTicks) {
    if (tick.value < xMin - 1e-9 || tick.value > xMax + 1e-9) continue;
    const x = px(sx(tick.value));
    out.push(
      `<line x1="${x}" y1="${px(bottom)}" x2="${x}" y2="${px(bottom + 4)}" stroke="#9ca3af" stroke-width="1"/>`,
      `<text x="${x}" y="${px(bottom + 16)}" font-size="10.5" fill="#6b7280" text-anchor="middle">${escapeXml(tick.label)}</text>`,
    );
  }
  // Axes and labels.
  out.push(
    `<line x1="${MARGIN.left}" y1="${px(bottom)}" x2="${px(MARGIN.left + plotWidth)}" y2="${px(bottom)}" stroke="#9ca3af" stroke-width="1"/>`,
    `<line x1="${MARGIN.left}" y1="${px(top)}" x2="${MARGIN.left}" y2="${px(bottom)}" stroke="#9ca3af" stroke-width="1"/>`,
    `<text x="${px(MARGIN.left + plotWidth / 2)}" y="${px(height - 8)}" font-size="11" fill="#4b5563" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text x="14" y="${px(top + plotHeight / 2)}" font-size="11" fill="#4b5563" text-anchor="middle" transform="rotate(-90 14 ${px(top + plotHeight / 2)})">${escapeXml(options.yLabel)}</text>`,
  );
  // Series.
  let drawn = 0;
  for (const s of options.series) {
    const commands: string[] = [];
    let pen = 'M';
    for (const [x, y] of s.points) {
      if (!(Number.isFinite(x) && Number.isFinite(y))) {
        pen = 'M';
        continue;
      }
      commands.push(`${pen}${px(sx(x))} ${px(sy(Math.min(Math.max(y, yMin), yMax)))}`);
      pen = 'L';
    }
    if (commands.length === 0) continue;
    drawn++;
    const dash = s.dashed === true ? ' stroke-dasharray="5 3"' : '';
    // A single point is invisible as a path: draw it as a dot.
    if (commands.length === 1) {
      const [cx, cy] = commands[0]!.slice(1).split(' ');
      out.push(`<circle cx="${cx!}" cy="${cy!}" r="2.5" fill="${s.color}"/>`);
      continue;
    }
    out.push(`<path d="${commands.join('')}" fill="none" stroke="${s.color}" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round"${dash}/>`);
  }
  if (drawn === 0) {
    out.push(
      `<text x="${px(MARGIN.left + plotWidth / 2)}" y="${px(top + plotHeight / 2)}" font-size="12" fill="#9ca3af" text-anchor="middle">${escapeXml(options.emptyText ?? 'no data')}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}
