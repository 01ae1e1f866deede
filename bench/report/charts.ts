/**
 * The four charts of one benchmark phase, as SVG (bench/report/svg.ts): latency over time (p50
 * dashed, p99 solid, per operation), throughput over time (per operation and in total), the
 * percentile spectrum of each operation's whole-phase histogram (x log-scaled in 1 / (1 − p), as
 * HdrHistogram's plotter draws it), and throttles and errors over time. The HTML report and the PNG
 * both draw these, so they always show the same thing.
 *
 * Each operation keeps one colour across the four charts (by its sorted name).
 */
import type { PhaseResult } from '../harness/result.js';
import { decodeHistogram, percentileSpectrum, SPECTRUM_X_MAX } from './histogram.js';
import { compactNumber, lineChart, seriesColor, type AxisTick, type ChartSeries } from './svg.js';

export interface PhaseCharts {
  latency: string;
  throughput: string;
  spectrum: string;
  throttles: string;
}

export interface ChartSize {
  widthPx: number;
  heightPx: number;
}

const TOTAL_COLOR = '#1f2937';

/** x ticks of the spectrum: 0%, 90%, 99%, … 99.999%. */
export const SPECTRUM_TICKS: readonly AxisTick[] = [
  { value: 0, label: '0%' },
  { value: 1, label: '90%' },
  { value: 2, label: '99%' },
  { value: 3, label: '99.9%' },
  { value: 4, label: '99.99%' },
  { value: 5, label: '99.999%' },
];

const msLabel = (ms: number): string => compactNumber(ms);
const secondsLabel = (s: number): string => `${compactNumber(s)}s`;

/** The end of each interval in seconds since the measured part began: where its value is plotted. */
function intervalEndS(point: { tMs: number; intervalMs: number }): number {
  return (point.tMs + point.intervalMs) / 1000;
}

/** Time charts start at 0 (the end of warm-up) and end at the phase's last interval. */
function timeDomain(phase: PhaseResult): [number, number] {
  const last = phase.timeline[phase.timeline.length - 1];
  return [0, Math.max(phase.durationMs / 1000, last === undefined ? 0 : intervalEndS(last))];
}

export function operationNames(phase: PhaseResult): string[] {
  return Object.keys(phase.operations).sort();
}

export function latencyOverTime(phase: PhaseResult, size: ChartSize): string {
  const series: ChartSeries[] = [];
  operationNames(phase).forEach((name, index) => {
    const color = seriesColor(index);
    const pick = (field: 'p50' | 'p99'): [number, number][] =>
      phase.timeline.map((point) => {
        const op = point.operations[name];
        // An interval with no successful request has no latency: break the line there.
        return [intervalEndS(point), op === undefined || op.count <= op.errors + op.throttles ? NaN : op[field] / 1000];
      });
    series.push({ name: `${name} p99`, color, points: pick('p99') });
    series.push({ name: `${name} p50`, color, points: pick('p50'), dashed: true });
  });
  return lineChart({ title: 'Latency over time', subtitle: 'p50 dashed, p99 solid, per interval', xLabel: 'time since warm-up ended', yLabel: 'latency (ms)', series, formatX: secondsLabel, xDomain: timeDomain(phase), formatY: msLabel, ...size });
}

export function throughputOverTime(phase: PhaseResult, size: ChartSize): string {
  const names = operationNames(phase);
  const series: ChartSeries[] = names.map((name, index) => ({
    name,
    color: seriesColor(index),
    points: phase.timeline.map((point) => [intervalEndS(point), ((point.operations[name]?.count ?? 0) * 1000) / point.intervalMs]),
  }));
  if (names.length > 1) {
    series.push({
      name: 'total',
      color: TOTAL_COLOR,
      points: phase.timeline.map((point) => {
        let count = 0;
        for (const op of Object.values(point.operations)) count += op.count;
        return [intervalEndS(point), (count * 1000) / point.intervalMs];
      }),
    });
  }
  const rate = phase.model === 'open' && phase.ratePerSecond !== null ? `target ${compactNumber(phase.ratePerSecond)}/s` : 'completed requests';
  return lineChart({ title: 'Throughput over time', subtitle: rate, xLabel: 'time since warm-up ended', yLabel: 'ops/s', series, formatX: secondsLabel, xDomain: timeDomain(phase), ...size });
}

export function spectrum(phase: PhaseResult, size: ChartSize): string {
  const series: ChartSeries[] = operationNames(phase).map((name, index) => {
    const encoded = phase.operations[name]!.histogram;
    const points = encoded === '' ? [] : percentileSpectrum(decodeHistogram(encoded)).map(([x, us]): [number, number] => [x, us / 1000]);
    return { name, color: seriesColor(index), points };
  });
  return lineChart({
    title: 'Latency by percentile',
    subtitle: 'whole phase, from the HDR histograms',
    xLabel: 'percentile',
    yLabel: 'latency (ms)',
    series,
    xDomain: [0, SPECTRUM_X_MAX],
    xTicks: SPECTRUM_TICKS,
    formatY: msLabel,
    ...size,
  });
}

export function throttlesOverTime(phase: PhaseResult, size: ChartSize): string {
  const series: ChartSeries[] = [];
  let any = false;
  operationNames(phase).forEach((name, index) => {
    const color = seriesColor(index);
    const pick = (field: 'throttles' | 'errors'): [number, number][] =>
      phase.timeline.map((point) => {
        const value = point.operations[name]?.[field] ?? 0;
        if (value > 0) any = true;
        return [intervalEndS(point), (value * 1000) / point.intervalMs];
      });
    series.push({ name: `${name} throttles`, color, points: pick('throttles') });
    series.push({ name: `${name} errors`, color, points: pick('errors'), dashed: true });
  });
  return lineChart({
    title: 'Throttles and errors over time',
    subtitle: any ? 'throttles solid, errors dashed' : 'none in this phase',
    xLabel: 'time since warm-up ended',
    yLabel: 'per second',
    series,
    formatX: secondsLabel, xDomain: timeDomain(phase),
    ...size,
  });
}

export function phaseCharts(phase: PhaseResult, size: ChartSize): PhaseCharts {
  return { latency: latencyOverTime(phase, size), throughput: throughputOverTime(phase, size), spectrum: spectrum(phase, size), throttles: throttlesOverTime(phase, size) };
}
