/**
 * `--threshold` rules for CI: parse `p99<5ms`, `p99.9<20ms`, `ops>10000`, `errors=0`,
 * `throttles<1%`, optionally scoped (`GetItem:p99<2ms`, `ycsb-a/GetItem:p99<2ms`, `ycsb-a/*:p99<5ms`),
 * evaluate them against a result, and print one verdict per rule. Any failure makes the command's
 * exit code non-zero.
 *
 * Grammar (spaces allowed around the parts):
 *   rule       := [scope ':'] metric comparator number [unit]
 *   scope      := operation | phase '/' operation | phase '/*'   (phase: its name or its workload)
 *   metric     := p50 | p90 | p99 | p99.9 | p999 | max | mean | ops | errors | throttles
 *   comparator := < | <= | > | >= | = | == | ≤ | ≥
 *   unit       := us | µs | ms | s            (latency metrics: required)
 *               | k | M                       (ops: optional multiplier)
 *               | %                           (errors, throttles: share of the requests; else a count)
 *
 * What a rule is checked on: latency rules on every operation of every phase, each on its own;
 * ops, errors and throttles rules on every phase's total. A scope narrows that to one operation
 * (in every phase that has it, or in one phase), or to every operation of one phase, each on its own.
 * A rule that matches nothing fails: a misspelt scope must not pass silently.
 */
import type { BenchResult, OperationResult, PhaseResult } from '../harness/result.js';
import { formatCount, formatMs } from './format.js';
import { phaseOpsPerSecond } from './table.js';

export type ThresholdMetric = 'p50' | 'p90' | 'p99' | 'p99.9' | 'max' | 'mean' | 'ops' | 'errors' | 'throttles';
export type Comparator = '<' | '<=' | '>' | '>=' | '=';

export interface Threshold {
  /** The rule as written. */
  text: string;
  /** null: unscoped. operation null: every operation of `phase`. */
  scope: { phase: string | null; operation: string | null } | null;
  metric: ThresholdMetric;
  comparator: Comparator;
  /** µs for latency metrics, ops/s for ops, a count or a percentage (see `percent`) otherwise. */
  limit: number;
  percent: boolean;
}

export class ThresholdParseError extends Error {
  override name = 'ThresholdParseError';
}

const LATENCY_METRICS: ReadonlySet<ThresholdMetric> = new Set(['p50', 'p90', 'p99', 'p99.9', 'max', 'mean']);
const METRIC_ALIASES: Readonly<Record<string, ThresholdMetric>> = {
  p50: 'p50', p90: 'p90', p99: 'p99', 'p99.9': 'p99.9', p999: 'p99.9', max: 'max', mean: 'mean',
  ops: 'ops', 'ops/s': 'ops', errors: 'errors', throttles: 'throttles',
};
const COMPARATORS: Readonly<Record<string, Comparator>> = { '<': '<', '<=': '<=', '≤': '<=', '>': '>', '>=': '>=', '≥': '>=', '=': '=', '==': '=' };
const LATENCY_UNITS_US: Readonly<Record<string, number>> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };
const OPS_MULTIPLIERS: Readonly<Record<string, number>> = { '': 1, k: 1000, K: 1000, M: 1_000_000 };

const RULE = /^\s*(?:([^:<>=≤≥]+?)\s*:)?\s*([a-z0-9./]+)\s*(<=|>=|==|<|>|=|≤|≥)\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*([a-zµ%]*)\s*$/i;
export const THRESHOLD_FORMS = "p99<5ms, p99.9<20ms, max<100ms, ops>10000, ops>=10k, errors=0, throttles<1%, GetItem:p99<2ms, ycsb-a/GetItem:p99<2ms, ycsb-a/*:p99<5ms";

export function parseThreshold(text: string): Threshold {
  const fail = (why: string): never => {
    throw new ThresholdParseError(`bad threshold '${text}': ${why} (forms: ${THRESHOLD_FORMS})`);
  };
  const match = RULE.exec(text);
  if (match === null) return fail('expected [scope:]metric<comparator><number>[unit]');
  const [, scopeText, metricText, comparatorText, numberText, unitText] = match;
  const metric = METRIC_ALIASES[metricText!.toLowerCase()];
  if (metric === undefined) return fail(`unknown metric '${metricText!}' (p50, p90, p99, p99.9, max, mean, ops, errors, throttles)`);
  const comparator = COMPARATORS[comparatorText!]!;
  const value = Number(numberText!.replace(/[_,]/g, ''));
  if (!Number.isFinite(value)) return fail(`'${numberText!}' is not a number`);
  const unit = unitText ?? '';
  let limit: number;
  let percent = false;
  if (LATENCY_METRICS.has(metric)) {
    const scale = LATENCY_UNITS_US[unit];
    if (unit === '') return fail(`${metric} needs a unit: us, ms or s`);
    if (scale === undefined) return fail(`unit '${unit}' is not a time unit (us, ms, s)`);
    limit = value * scale;
  } else if (metric === 'ops') {
    const scale = OPS_MULTIPLIERS[unit];
    if (scale === undefined) return fail(`ops takes a plain number or k/M, not '${unit}'`);
    limit = value * scale;
  } else {
    if (unit !== '' && unit !== '%') return fail(`${metric} takes a count or a percentage, not '${unit}'`);
    percent = unit === '%';
    if (percent && value > 100) return fail('a percentage is at most 100');
    if (!percent && !Number.isInteger(value)) return fail(`a count of ${metric} is a whole number`);
    limit = value;
  }
  let scope: Threshold['scope'] = null;
  if (scopeText !== undefined) {
    const slash = scopeText.indexOf('/');
    const phase = slash < 0 ? null : scopeText.slice(0, slash).trim();
    const operation = slash < 0 ? scopeText.trim() : scopeText.slice(slash + 1).trim();
    if (phase === '' || operation === '') return fail('a scope is Operation, phase/Operation or phase/*');
    scope = { phase, operation: operation === '*' ? null : operation };
    if (scope.phase === null && scope.operation === null) return fail('a scope is Operation, phase/Operation or phase/*');
  }
  return { text: text.trim(), scope, metric, comparator, limit, percent };
}

export interface ThresholdCheck {
  /** "phase/Operation" or "phase" (a phase total). */
  subject: string;
  measured: number;
  pass: boolean;
}

export interface ThresholdVerdict {
  threshold: Threshold;
  pass: boolean;
  checks: ThresholdCheck[];
}

interface Subject {
  name: string;
  count: number;
  errors: number;
  throttles: number;
  opsPerSecond: number;
  latency: OperationResult['latency'] | null;
}

function operationSubject(phase: PhaseResult, name: string, op: OperationResult): Subject {
  return { name: `${phase.name}/${name}`, count: op.count, errors: op.errors, throttles: op.throttles, opsPerSecond: op.opsPerSecond, latency: op.latency };
}

function phaseSubject(phase: PhaseResult): Subject {
  const ops = Object.values(phase.operations);
  const sum = (pick: (op: OperationResult) => number): number => ops.reduce((total, op) => total + pick(op), 0);
  return { name: phase.name, count: sum((op) => op.count), errors: sum((op) => op.errors), throttles: sum((op) => op.throttles), opsPerSecond: phaseOpsPerSecond(phase), latency: null };
}

function subjects(result: BenchResult, threshold: Threshold): Subject[] {
  const scope = threshold.scope;
  const out: Subject[] = [];
  for (const phase of result.phases) {
    // A phase is named by its name or by its workload (ycsb-a/GetItem:p99<2ms).
    if (scope?.phase != null && scope.phase !== phase.name && scope.phase !== phase.workload) continue;
    if (scope === null && !LATENCY_METRICS.has(threshold.metric)) {
      out.push(phaseSubject(phase));
      continue;
    }
    for (const name of Object.keys(phase.operations).sort()) {
      if (scope?.operation != null && scope.operation !== name) continue;
      out.push(operationSubject(phase, name, phase.operations[name]!));
    }
  }
  return out;
}

function measure(subject: Subject, threshold: Threshold): number | null {
  const share = (part: number): number => (subject.count === 0 ? 0 : (part / subject.count) * 100);
  switch (threshold.metric) {
    case 'ops':
      return subject.opsPerSecond;
    case 'errors':
      return threshold.percent ? share(subject.errors) : subject.errors;
    case 'throttles':
      return threshold.percent ? share(subject.throttles) : subject.throttles;
    default: {
      // An operation with no successful request has no latency to judge.
      if (subject.latency === null || subject.count <= subject.errors + subject.throttles) return null;
      const latency = subject.latency;
      const metric = threshold.metric;
      return metric === 'p50' ? latency.p50 : metric === 'p90' ? latency.p90 : metric === 'p99' ? latency.p99 : metric === 'p99.9' ? latency.p999 : metric === 'max' ? latency.max : latency.mean;
    }
  }
}

function holds(value: number, comparator: Comparator, limit: number): boolean {
  switch (comparator) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '=':
      return value === limit;
  }
}

export function evaluateThreshold(result: BenchResult, threshold: Threshold): ThresholdVerdict {
  const checks: ThresholdCheck[] = [];
  for (const subject of subjects(result, threshold)) {
    const measured = measure(subject, threshold);
    // No successful request: a latency rule cannot hold.
    checks.push(measured === null ? { subject: subject.name, measured: NaN, pass: false } : { subject: subject.name, measured, pass: holds(measured, threshold.comparator, threshold.limit) });
  }
  return { threshold, pass: checks.length > 0 && checks.every((check) => check.pass), checks };
}

export function evaluateThresholds(result: BenchResult, thresholds: readonly Threshold[]): ThresholdVerdict[] {
  return thresholds.map((threshold) => evaluateThreshold(result, threshold));
}

export function formatMeasured(threshold: Threshold, value: number): string {
  if (Number.isNaN(value)) return 'no successful request';
  if (LATENCY_METRICS.has(threshold.metric)) return `${formatMs(value)} ms`;
  if (threshold.metric === 'ops') return `${formatCount(value)} ops/s`;
  return threshold.percent ? `${value.toFixed(value < 10 ? 2 : 1)}%` : formatCount(value);
}

function describeScope(threshold: Threshold): string {
  const scope = threshold.scope;
  if (scope === null) return 'anything';
  return scope.phase === null ? `operation '${scope.operation ?? '*'}'` : `'${scope.phase}/${scope.operation ?? '*'}'`;
}

/** One line per rule: PASS with the check nearest its limit, FAIL with every failing check. */
export function formatVerdicts(verdicts: readonly ThresholdVerdict[]): string {
  const width = Math.max(0, ...verdicts.map((verdict) => verdict.threshold.text.length));
  const lines = verdicts.map((verdict) => {
    const { threshold, checks } = verdict;
    const head = `${verdict.pass ? 'PASS' : 'FAIL'}  ${threshold.text.padEnd(width)}  `;
    if (checks.length === 0) return `${head}nothing matches ${describeScope(threshold)}`;
    if (!verdict.pass) {
      const failing = checks.filter((check) => !check.pass).map((check) => `${check.subject} ${formatMeasured(threshold, check.measured)}`);
      return `${head}${failing.join('; ')}`;
    }
    const upper = threshold.comparator === '<' || threshold.comparator === '<=';
    const nearest = checks.reduce((worst, check) => ((upper ? check.measured > worst.measured : check.measured < worst.measured) ? check : worst));
    return `${head}${checks.length === 1 ? '' : 'worst '}${nearest.subject} ${formatMeasured(threshold, nearest.measured)}${checks.length === 1 ? '' : ` (${checks.length} checked)`}`;
  });
  return `${lines.join('\n')}\n`;
}
