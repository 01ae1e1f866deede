/**
 * `silt bench compare a.json b.json`: per phase and operation (matched by name), the change from
 * run a (the baseline) to run b in ops/s and each latency percentile, absolute and in percent, with
 * regressions and improvements marked when a change passes the noise tolerance.
 *
 * Direction: more ops/s is better, less latency is better. `max` is shown but never marked: it is
 * one sample, and one slow request says little about a change. Errors and throttles are compared as
 * counts; any increase from zero is a regression.
 */
import type { BenchResult, OperationResult } from '../harness/result.js';
import { formatCount, formatMs, formatSigned, formatSignedPercent, textTable } from './format.js';

/** Changes smaller than this fraction are noise: not marked. */
export const DEFAULT_TOLERANCE = 0.05;

export type MetricName = 'ops/s' | 'p50' | 'p90' | 'p99' | 'p99.9' | 'max';
export const METRICS: readonly MetricName[] = ['ops/s', 'p50', 'p90', 'p99', 'p99.9', 'max'];

export type Verdict = 'regression' | 'improvement' | 'same';

export interface MetricDelta {
  metric: MetricName;
  /** ops/s, or µs for latencies. */
  a: number;
  b: number;
  delta: number;
  /** (b − a) / a × 100; null when a is 0. */
  deltaPercent: number | null;
  verdict: Verdict;
}

export interface OperationComparison {
  phase: string;
  operation: string;
  metrics: MetricDelta[];
  errors: { a: number; b: number; verdict: Verdict };
  throttles: { a: number; b: number; verdict: Verdict };
}

export interface Comparison {
  a: { startedAt: string; gitCommit: string | null };
  b: { startedAt: string; gitCommit: string | null };
  tolerance: number;
  operations: OperationComparison[];
  /** "phase" or "phase/operation" present in only one of the two runs. */
  onlyInA: string[];
  onlyInB: string[];
  regressions: number;
  improvements: number;
}

function metricValue(operation: OperationResult, metric: MetricName): number {
  switch (metric) {
    case 'ops/s':
      return operation.opsPerSecond;
    case 'p50':
      return operation.latency.p50;
    case 'p90':
      return operation.latency.p90;
    case 'p99':
      return operation.latency.p99;
    case 'p99.9':
      return operation.latency.p999;
    case 'max':
      return operation.latency.max;
  }
}

function judge(metric: MetricName, a: number, b: number, tolerance: number): Verdict {
  if (metric === 'max') return 'same';
  if (a === 0) return 'same';
  const change = (b - a) / a;
  const better = metric === 'ops/s' ? change : -change;
  if (better < -tolerance) return 'regression';
  if (better > tolerance) return 'improvement';
  return 'same';
}

function countVerdict(a: number, b: number): Verdict {
  return b > a ? 'regression' : b < a ? 'improvement' : 'same';
}

export function compareOperations(phase: string, operation: string, a: OperationResult, b: OperationResult, tolerance: number): OperationComparison {
  const metrics = METRICS.map((metric): MetricDelta => {
    const valueA = metricValue(a, metric);
    const valueB = metricValue(b, metric);
    return {
      metric,
      a: valueA,
      b: valueB,
      delta: valueB - valueA,
      deltaPercent: valueA === 0 ? null : ((valueB - valueA) / valueA) * 100,
      verdict: judge(metric, valueA, valueB, tolerance),
    };
  });
  return {
    phase,
    operation,
    metrics,
    errors: { a: a.errors, b: b.errors, verdict: countVerdict(a.errors, b.errors) },
    throttles: { a: a.throttles, b: b.throttles, verdict: countVerdict(a.throttles, b.throttles) },
  };
}

export function compareResults(a: BenchResult, b: BenchResult, tolerance = DEFAULT_TOLERANCE): Comparison {
  if (!(tolerance >= 0)) throw new RangeError(`tolerance must be ≥ 0, got ${tolerance}`);
  const operations: OperationComparison[] = [];
  const onlyInA: string[] = [];
  const onlyInB: string[] = [];
  const phasesB = new Map(b.phases.map((phase) => [phase.name, phase]));
  for (const phaseA of a.phases) {
    const phaseB = phasesB.get(phaseA.name);
    if (phaseB === undefined) {
      onlyInA.push(phaseA.name);
      continue;
    }
    for (const name of Object.keys(phaseA.operations).sort()) {
      const opB = phaseB.operations[name];
      if (opB === undefined) onlyInA.push(`${phaseA.name}/${name}`);
      else operations.push(compareOperations(phaseA.name, name, phaseA.operations[name]!, opB, tolerance));
    }
    for (const name of Object.keys(phaseB.operations).sort()) {
      if (phaseA.operations[name] === undefined) onlyInB.push(`${phaseA.name}/${name}`);
    }
  }
  const namesA = new Set(a.phases.map((phase) => phase.name));
  for (const phase of b.phases) if (!namesA.has(phase.name)) onlyInB.push(phase.name);
  const verdicts = operations.flatMap((op) => [...op.metrics.map((m) => m.verdict), op.errors.verdict, op.throttles.verdict]);
  return {
    a: { startedAt: a.startedAt, gitCommit: a.environment.gitCommit },
    b: { startedAt: b.startedAt, gitCommit: b.environment.gitCommit },
    tolerance,
    operations,
    onlyInA,
    onlyInB,
    regressions: verdicts.filter((v) => v === 'regression').length,
    improvements: verdicts.filter((v) => v === 'improvement').length,
  };
}

const MARK: Record<Verdict, string> = { regression: '▼ regression', improvement: '▲ better', same: '' };

function describeRun(run: { startedAt: string; gitCommit: string | null }): string {
  return `${run.startedAt}${run.gitCommit === null ? '' : ` (${run.gitCommit.slice(0, 10)})`}`;
}

/** The comparison as text: one table per phase, then what exists on one side only and a summary. */
export function formatComparison(comparison: Comparison): string {
  const lines = [`# silt bench compare`, `a: ${describeRun(comparison.a)}`, `b: ${describeRun(comparison.b)}`, `changes within ±${(comparison.tolerance * 100).toFixed(0)}% are not marked; max is never marked`];
  const phases = [...new Set(comparison.operations.map((op) => op.phase))];
  for (const phase of phases) {
    const rows: string[][] = [];
    for (const op of comparison.operations.filter((candidate) => candidate.phase === phase)) {
      op.metrics.forEach((m, index) => {
        const isRate = m.metric === 'ops/s';
        const value = isRate ? formatCount : formatMs;
        const delta = isRate ? formatSigned(Math.round(m.delta), 0) : formatSigned(m.delta / 1000, Math.abs(m.delta) < 1000 ? 3 : 2);
        rows.push([index === 0 ? op.operation : '', isRate ? 'ops/s' : `${m.metric} ms`, value(m.a), value(m.b), delta, formatSignedPercent(m.deltaPercent), MARK[m.verdict]]);
      });
      for (const [label, counts] of [['errors', op.errors], ['throttles', op.throttles]] as const) {
        if (counts.a === 0 && counts.b === 0) continue;
        rows.push(['', label, formatCount(counts.a), formatCount(counts.b), formatSigned(counts.b - counts.a, 0), formatSignedPercent(counts.a === 0 ? null : ((counts.b - counts.a) / counts.a) * 100), MARK[counts.verdict]]);
      }
    }
    lines.push('', `## ${phase}`, textTable(['operation', 'metric', 'a', 'b', 'Δ', 'Δ%', ''], rows, ['left', 'left', 'right', 'right', 'right', 'right', 'left']));
  }
  if (comparison.onlyInA.length > 0) lines.push('', `only in a: ${comparison.onlyInA.join(', ')}`);
  if (comparison.onlyInB.length > 0) lines.push('', `only in b: ${comparison.onlyInB.join(', ')}`);
  lines.push('', `${comparison.regressions} regression${comparison.regressions === 1 ? '' : 's'}, ${comparison.improvements} improvement${comparison.improvements === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
