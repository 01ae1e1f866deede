/**
 * Rows, ratios, targets and the text table of the HTTP benchmark (bench/http/http-bench.ts).
 *
 * A row is one (target, operation, load) run. Server CPU per request = the server process's CPU
 * time during the run ÷ responses; client CPU per request likewise for this process.
 *
 * Targets (issue 5), each PASS / MISS, or n/a when a run it needs is missing:
 *   1. Silt's server CPU per request ≤ 1/3 of dynalite's (closed loop), per operation;
 *   2. Silt's throughput ≥ 85% of the bare node:http server's (closed loop), per operation;
 *   3. Silt's p99 ≤ 5 ms in the open loop at half its closed-loop maximum, per operation, with
 *      every request sent on time (none dropped by an overrun).
 * A run with errors fails every target that uses it.
 */
import type { LatencySummary } from '../lsm/histogram.js';
import { formatMicros, formatRate, formatRatio } from '../lsm/report.js';
import type { LoadResult } from './load.js';
import type { CpuUsage, TargetName } from './targets.js';

export type OperationName = 'PutItem' | 'GetItem';
export type LoadShape = 'closed' | 'open';

export interface HttpResultRow {
  target: TargetName;
  operation: OperationName;
  load: LoadShape;
  /** Requests in flight (closed) or connections available (open). */
  connections: number;
  requests: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  requestsPerSec: number;
  targetRatePerSec: number | null;
  unsent: number;
  latency: LatencySummary | null;
  /** Server process CPU (user + system) per response. */
  serverCpuUsPerRequest: number | null;
  /** The kernel's part of it (socket I/O, mostly). */
  serverSystemUsPerRequest: number | null;
  clientCpuUsPerRequest: number | null;
}

export interface HttpRatioRow {
  operation: OperationName;
  /** Silt's server CPU per request ÷ dynalite's (closed loop). */
  cpuSiltOverDynalite: number | null;
  /** Silt's requests/s ÷ dynalite's (closed loop). */
  throughputSiltOverDynalite: number | null;
  /** Silt's requests/s ÷ the bare server's (closed loop). */
  throughputSiltOverBare: number | null;
}

export interface HttpTargetResult {
  name: string;
  rule: string;
  value: string;
  status: 'PASS' | 'MISS' | 'n/a';
}

export const CPU_RATIO_MAX = 1 / 3;
export const THROUGHPUT_RATIO_MIN = 0.85;
export const OPEN_LOOP_P99_US_MAX = 5000;

export function makeRow(target: TargetName, operation: OperationName, load: LoadShape, connections: number, result: LoadResult, serverCpu: CpuUsage | null): HttpResultRow {
  const perRequest = (us: number | null): number | null => (us === null || result.requests === 0 ? null : us / result.requests);
  return {
    target,
    operation,
    load,
    connections,
    requests: result.requests,
    errors: result.errors,
    firstError: result.firstError,
    elapsedMs: result.elapsedMs,
    requestsPerSec: result.requestsPerSec,
    targetRatePerSec: result.targetRatePerSec,
    unsent: result.unsent,
    latency: result.latency,
    serverCpuUsPerRequest: perRequest(serverCpu === null ? null : serverCpu.userUs + serverCpu.systemUs),
    serverSystemUsPerRequest: perRequest(serverCpu === null ? null : serverCpu.systemUs),
    clientCpuUsPerRequest: perRequest(result.clientCpuUs),
  };
}

function find(rows: readonly HttpResultRow[], target: TargetName, operation: OperationName, load: LoadShape): HttpResultRow | undefined {
  return rows.find((row) => row.target === target && row.operation === operation && row.load === load);
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;
}

export function computeRatios(rows: readonly HttpResultRow[], operations: readonly OperationName[]): HttpRatioRow[] {
  return operations.map((operation) => {
    const silt = find(rows, 'silt', operation, 'closed');
    const dynalite = find(rows, 'dynalite', operation, 'closed');
    const bare = find(rows, 'bare', operation, 'closed');
    return {
      operation,
      cpuSiltOverDynalite: ratio(silt?.serverCpuUsPerRequest, dynalite?.serverCpuUsPerRequest),
      throughputSiltOverDynalite: ratio(silt?.requestsPerSec, dynalite?.requestsPerSec),
      throughputSiltOverBare: ratio(silt?.requestsPerSec, bare?.requestsPerSec),
    };
  });
}

export function evaluateTargets(rows: readonly HttpResultRow[], operations: readonly OperationName[]): HttpTargetResult[] {
  const targets: HttpTargetResult[] = [];
  const clean = (...used: (HttpResultRow | undefined)[]): boolean => used.every((row) => row !== undefined && row.errors === 0);
  for (const operation of operations) {
    const silt = find(rows, 'silt', operation, 'closed');
    const dynalite = find(rows, 'dynalite', operation, 'closed');
    const bare = find(rows, 'bare', operation, 'closed');
    const open = find(rows, 'silt', operation, 'open');

    const cpu = ratio(silt?.serverCpuUsPerRequest, dynalite?.serverCpuUsPerRequest);
    targets.push({
      name: `${operation} server CPU vs dynalite`,
      rule: `Silt µs/req ≤ ${formatRatio(CPU_RATIO_MAX)} dynalite's`,
      value: cpu === null ? '—' : `${formatMicros(silt!.serverCpuUsPerRequest!)} vs ${formatMicros(dynalite!.serverCpuUsPerRequest!)} µs = ${formatRatio(cpu)}`,
      status: cpu === null ? 'n/a' : cpu <= CPU_RATIO_MAX && clean(silt, dynalite) ? 'PASS' : 'MISS',
    });
    const throughput = ratio(silt?.requestsPerSec, bare?.requestsPerSec);
    targets.push({
      name: `${operation} throughput vs bare node:http`,
      rule: `Silt req/s ≥ ${Math.round(THROUGHPUT_RATIO_MIN * 100)}% of bare's`,
      value: throughput === null ? '—' : `${formatRate(silt!.requestsPerSec)} vs ${formatRate(bare!.requestsPerSec)} = ${(throughput * 100).toFixed(0)}%`,
      status: throughput === null ? 'n/a' : throughput >= THROUGHPUT_RATIO_MIN && clean(silt, bare) ? 'PASS' : 'MISS',
    });
    const p99Us = open?.latency?.p99Us ?? null;
    targets.push({
      name: `${operation} p99 at half max rate`,
      rule: `Silt open-loop p99 ≤ ${OPEN_LOOP_P99_US_MAX / 1000} ms`,
      value: p99Us === null ? '—' : `${(p99Us / 1000).toFixed(2)} ms at ${formatRate(open!.targetRatePerSec ?? 0)}/s${open!.unsent > 0 ? ` (${open!.unsent} unsent)` : ''}`,
      status: p99Us === null ? 'n/a' : p99Us <= OPEN_LOOP_P99_US_MAX && open!.unsent === 0 && clean(open) ? 'PASS' : 'MISS',
    });
  }
  return targets;
}

// ---- text -----------------------------------------------------------------------------------------

function table(header: readonly string[], body: readonly (readonly string[])[], leftColumns: number): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...body.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

const ms = (us: number | undefined): string => (us === undefined ? '—' : (us / 1000).toFixed(2));
const micros = (us: number | null): string => (us === null ? '—' : formatMicros(us));

export function formatRows(rows: readonly HttpResultRow[]): string {
  const header = ['target', 'operation', 'load', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'server µs/req', '(kernel)', 'client µs/req', 'errors'];
  const body = rows.map((row) => [
    row.target,
    row.operation,
    row.load === 'closed' ? `closed ${row.connections}` : `open ${formatRate(row.targetRatePerSec ?? 0)}/s`,
    formatRate(row.requests),
    formatRate(row.requestsPerSec),
    ms(row.latency?.p50Us),
    ms(row.latency?.p99Us),
    ms(row.latency?.p999Us),
    micros(row.serverCpuUsPerRequest),
    micros(row.serverSystemUsPerRequest),
    micros(row.clientCpuUsPerRequest),
    row.errors === 0 ? (row.unsent > 0 ? `${row.unsent} unsent` : '0') : String(row.errors),
  ]);
  const errors = rows.filter((row) => row.firstError !== null).map((row) => `  ${row.target} ${row.operation} ${row.load}: ${row.firstError!}`);
  return [table(header, body, 3), ...(errors.length > 0 ? ['first error of each run with errors:', ...errors] : [])].join('\n');
}

export function formatRatios(ratios: readonly HttpRatioRow[]): string {
  const cell = (value: number | null): string => (value === null ? '—' : formatRatio(value));
  const header = ['operation', 'CPU/req silt÷dynalite', 'req/s silt÷dynalite', 'req/s silt÷bare'];
  return table(header, ratios.map((row) => [row.operation, cell(row.cpuSiltOverDynalite), cell(row.throughputSiltOverDynalite), cell(row.throughputSiltOverBare)]), 1);
}

export function formatTargets(targets: readonly HttpTargetResult[]): string {
  return table(['target', 'rule', 'measured', ''], targets.map((t) => [t.name, t.rule, t.value, t.status]), 3);
}
