/**
 * The terminal report of a `silt bench` run: an environment header (CPU, cores, Node, commit, load
 * average, options), the generator self-check line, then per phase a table of ops/s and
 * p50/p90/p99/p99.9/max latency per operation with errors and throttles in their own columns, and
 * a `total` row whose latency comes from the exact merge of the operations' histograms.
 *
 * A phase whose throughput reaches GENERATOR_BOUND_FRACTION of what the generator drives against a
 * null target is flagged: its number says more about the generator than about the target.
 */
import type { BenchResult, GeneratorSelfCheck, OperationResult, PhaseResult } from '../harness/result.js';
import { formatBytes, formatCount, formatDurationMs, formatMs, textTable } from './format.js';
import { mergeHistograms, percentileUs } from './histogram.js';

/** Throughput at or above this fraction of the generator's null-target rate is generator-bound. */
export const GENERATOR_BOUND_FRACTION = 0.8;

export function phaseOpsPerSecond(phase: PhaseResult): number {
  let total = 0;
  for (const operation of Object.values(phase.operations)) total += operation.opsPerSecond;
  return total;
}

/** The self-check that measured the generator this phase used: same transport, same workers if any. */
export function selfCheckFor(result: BenchResult, phase: PhaseResult): GeneratorSelfCheck | undefined {
  // kv calls the engines directly: the load generator is not in the loop.
  if (phase.target.kind === 'kv') return undefined;
  const transport = phase.target.kind === 'http' ? 'http' : 'embedded';
  const candidates = result.selfCheck.filter((check) => check.transport === transport);
  return candidates.find((check) => check.workers === phase.workers) ?? candidates[0];
}

/** The fraction of the generator's capacity the phase reached, or null when there is no self-check. */
export function generatorShare(result: BenchResult, phase: PhaseResult): number | null {
  const check = selfCheckFor(result, phase);
  if (check === undefined || check.opsPerSecond <= 0) return null;
  return phaseOpsPerSecond(phase) / check.opsPerSecond;
}

export function formatEnvironment(result: BenchResult): string {
  const env = result.environment;
  const commit = env.gitCommit === null ? 'unknown commit' : `commit ${env.gitCommit.slice(0, 10)}${env.gitDirty === true ? ' (uncommitted changes)' : ''}`;
  const options = env.argv.length === 0 ? '(default suite)' : env.argv.join(' ');
  return [
    `# silt bench — ${result.startedAt}`,
    `cpu: ${env.cpuModel} × ${env.cores} cores, ${formatBytes(env.memoryBytes)} · ${env.platform} · Node ${env.node} · ${commit}`,
    `load average (1 min): ${env.loadAverage1mStart.toFixed(2)} at start, ${env.loadAverage1mEnd.toFixed(2)} at end`,
    `options: ${options}`,
  ].join('\n');
}

export function formatSelfCheckLine(check: GeneratorSelfCheck): string {
  return (
    `generator self-check: the generator drives ${formatCount(check.opsPerSecond)} ops/s (${check.transport}, ${check.workers} ` +
    `worker${check.workers === 1 ? '' : 's'}, p99 ${formatMs(check.p99Us)} ms) against a null target; results near that are generator-bound`
  );
}

export function describeLoad(phase: PhaseResult): string {
  if (phase.model === 'open') {
    const corrected = phase.correctedForCoordinatedOmission ? ', latency from intended start (coordinated omission corrected)' : '';
    return `open loop at ${formatCount(phase.ratePerSecond ?? 0)}/s${corrected}`;
  }
  return `closed loop, ${phase.concurrency ?? '?'} in flight`;
}

export function describePhase(phase: PhaseResult): string {
  const workers = `${phase.workers} worker${phase.workers === 1 ? '' : 's'}`;
  return `${phase.target.kind} (${phase.target.description}) · ${describeLoad(phase)} · ${workers} · ${formatDurationMs(phase.durationMs)} after ${formatDurationMs(phase.warmupMs)} warm-up`;
}

const HEADER = ['operation', 'ops/s', 'count', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors', 'throttles'];
const ALIGN = ['left', ...HEADER.slice(1).map(() => 'right' as const)] as const;

function operationRow(name: string, operation: Pick<OperationResult, 'opsPerSecond' | 'count' | 'errors' | 'throttles' | 'latency'>, hasLatency: boolean): string[] {
  const latency = operation.latency;
  const cell = (us: number): string => (hasLatency ? formatMs(us) : '—');
  return [
    name,
    formatCount(operation.opsPerSecond),
    formatCount(operation.count),
    cell(latency.p50),
    cell(latency.p90),
    cell(latency.p99),
    cell(latency.p999),
    cell(latency.max),
    formatCount(operation.errors),
    formatCount(operation.throttles),
  ];
}

/** The phase's operations together: summed counts and rates, latency of the merged histograms. */
export function phaseTotal(phase: PhaseResult): Pick<OperationResult, 'opsPerSecond' | 'count' | 'errors' | 'throttles' | 'latency'> {
  const operations = Object.values(phase.operations);
  const merged = mergeHistograms(operations.map((operation) => operation.histogram));
  return {
    opsPerSecond: phaseOpsPerSecond(phase),
    count: operations.reduce((sum, operation) => sum + operation.count, 0),
    errors: operations.reduce((sum, operation) => sum + operation.errors, 0),
    throttles: operations.reduce((sum, operation) => sum + operation.throttles, 0),
    latency: {
      p50: percentileUs(merged, 50),
      p90: percentileUs(merged, 90),
      p99: percentileUs(merged, 99),
      p999: percentileUs(merged, 99.9),
      max: merged.maxValue,
      mean: merged.totalCount === 0 ? 0 : merged.mean,
    },
  };
}

export function formatPhase(result: BenchResult, phase: PhaseResult): string {
  const names = Object.keys(phase.operations).sort();
  const rows = names.map((name) => {
    const operation = phase.operations[name]!;
    return operationRow(name, operation, operation.count > operation.errors + operation.throttles);
  });
  if (names.length > 1) {
    const total = phaseTotal(phase);
    rows.push(operationRow('total', total, total.count > total.errors + total.throttles));
  }
  const lines = [`## ${phase.name} — ${describePhase(phase)}`];
  const parameters = Object.entries(phase.parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => `${key}=${String(value)}`);
  if (parameters.length > 0) lines.push(`workload ${phase.workload}: ${parameters.join(' ')}`);
  lines.push(textTable(HEADER, rows, ALIGN));
  const errorNames = names.flatMap((name) =>
    Object.entries(phase.operations[name]!.errorsByName)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([error, count]) => `${name} ${error} ×${formatCount(count)}`),
  );
  if (errorNames.length > 0) lines.push(`errors and throttles by name: ${errorNames.join(', ')}`);
  const share = generatorShare(result, phase);
  if (share !== null && share >= GENERATOR_BOUND_FRACTION) {
    lines.push(`! generator-bound: ${formatCount(phaseOpsPerSecond(phase))} ops/s is ${Math.round(share * 100)}% of the generator's null-target rate; the target may be faster than this`);
  }
  return lines.join('\n');
}

/** The whole terminal report, ending with a newline. */
export function formatReport(result: BenchResult): string {
  const parts = [formatEnvironment(result)];
  for (const check of result.selfCheck) parts.push(formatSelfCheckLine(check));
  if (result.selfCheck.length === 0) parts.push('generator self-check: not run (results may be generator-bound without notice)');
  for (const phase of result.phases) parts.push('', formatPhase(result, phase));
  return `${parts.join('\n')}\n`;
}
