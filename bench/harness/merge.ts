/**
 * Merges the workers' GeneratorReports into a phase's operations and timeline (result.ts), exactly:
 * counts add up and histograms are decoded and added (histograms.ts), never averaged.
 */
import type { Histogram } from 'hdr-histogram-js';
import type { GeneratorReport, OperationTally } from './generator.js';
import { encodeHistogram, mergeEncoded, percentilesOf } from './histograms.js';
import type { OperationResult, TimelinePoint } from './result.js';

interface Merged {
  count: number;
  errors: number;
  throttles: number;
  errorsByName: Record<string, number>;
  histogram: Histogram;
}

function mergeTallies(tallies: readonly OperationTally[]): Merged {
  const errorsByName: Record<string, number> = {};
  let count = 0;
  let errors = 0;
  let throttles = 0;
  for (const tally of tallies) {
    count += tally.count;
    errors += tally.errors;
    throttles += tally.throttles;
    for (const [name, n] of Object.entries(tally.errorsByName)) errorsByName[name] = (errorsByName[name] ?? 0) + n;
  }
  return { count, errors, throttles, errorsByName, histogram: mergeEncoded(tallies.map((tally) => tally.histogram)) };
}

/** Operation name → its tallies across `rows`, in first-seen order. */
function byName(rows: ReadonlyArray<Record<string, OperationTally>>): Map<string, OperationTally[]> {
  const grouped = new Map<string, OperationTally[]>();
  for (const row of rows) {
    for (const [name, tally] of Object.entries(row)) {
      const list = grouped.get(name);
      if (list === undefined) grouped.set(name, [tally]);
      else list.push(tally);
    }
  }
  return grouped;
}

export function mergeOperations(reports: readonly GeneratorReport[], durationMs: number): Record<string, OperationResult> {
  const operations: Record<string, OperationResult> = {};
  for (const [name, tallies] of byName(reports.map((report) => report.operations))) {
    const merged = mergeTallies(tallies);
    operations[name] = {
      count: merged.count,
      errors: merged.errors,
      throttles: merged.throttles,
      opsPerSecond: (merged.count * 1000) / durationMs,
      latency: percentilesOf(merged.histogram),
      histogram: encodeHistogram(merged.histogram),
      errorsByName: merged.errorsByName,
    };
    merged.histogram.destroy();
  }
  return operations;
}

export function mergeTimeline(reports: readonly GeneratorReport[], intervalMs: number): TimelinePoint[] {
  const intervals = Math.max(0, ...reports.map((report) => report.timeline.length));
  const timeline: TimelinePoint[] = [];
  for (let i = 0; i < intervals; i++) {
    const operations: TimelinePoint['operations'] = {};
    for (const [name, tallies] of byName(reports.map((report) => report.timeline[i] ?? {}))) {
      const merged = mergeTallies(tallies);
      const latency = percentilesOf(merged.histogram);
      operations[name] = { count: merged.count, errors: merged.errors, throttles: merged.throttles, p50: latency.p50, p99: latency.p99, max: latency.max };
      merged.histogram.destroy();
    }
    timeline.push({ tMs: i * intervalMs, intervalMs, operations });
  }
  return timeline;
}
