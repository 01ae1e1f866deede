/**
 * The JSON form of a `silt bench` result: written pretty with a stable key order (the contract's
 * declaration order for the keys it names, then the rest alphabetically), so two runs' files diff
 * line by line; and read back with a check that it is a `silt-bench/1` document, for `compare`,
 * `report` and thresholds.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BENCH_RESULT_SCHEMA, type BenchResult } from '../harness/result.js';

/** Keys in the order bench/harness/result.ts declares them; any other key follows, sorted. */
const KEY_ORDER = [
  // BenchResult
  'schema', 'startedAt', 'environment', 'config', 'selfCheck', 'phases',
  // BenchEnvironment
  'cpuModel', 'cores', 'memoryBytes', 'platform', 'node', 'gitCommit', 'gitDirty', 'loadAverage1mStart', 'loadAverage1mEnd', 'argv',
  // PhaseResult, GeneratorSelfCheck
  'name', 'workload', 'target', 'kind', 'description', 'transport', 'model', 'ratePerSecond', 'concurrency', 'workers', 'warmupMs', 'durationMs',
  'correctedForCoordinatedOmission', 'operations', 'timeline', 'parameters',
  // OperationResult, TimelinePoint, Percentiles
  'tMs', 'intervalMs', 'count', 'errors', 'throttles', 'opsPerSecond', 'p99Us', 'latency', 'p50', 'p90', 'p99', 'p999', 'max', 'mean', 'histogram', 'errorsByName',
];
const KEY_RANK = new Map(KEY_ORDER.map((key, index) => [key, index]));

function orderKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(orderKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  entries.sort(([a], [b]) => {
    const rankA = KEY_RANK.get(a) ?? KEY_ORDER.length;
    const rankB = KEY_RANK.get(b) ?? KEY_ORDER.length;
    return rankA - rankB || (a < b ? -1 : a > b ? 1 : 0);
  });
  return Object.fromEntries(entries.map(([key, inner]) => [key, orderKeys(inner)]));
}

/** The result as pretty JSON (2 spaces, stable key order, trailing newline). */
export function stringifyResult(result: BenchResult): string {
  return `${JSON.stringify(orderKeys(result), null, 2)}\n`;
}

export async function writeResultJson(path: string, result: BenchResult): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, stringifyResult(result));
}

/** A file that is not a readable `silt-bench/1` result. */
export class ResultFormatError extends Error {
  override name = 'ResultFormatError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks the parts the reporters rely on and returns the document typed. It is not a full schema
 * validation: a document that passes has the fields every reporter reads, with the right types.
 */
export function parseResult(text: string, source: string): BenchResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ResultFormatError(`${source}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const fail = (what: string): never => {
    throw new ResultFormatError(`${source}: ${what}`);
  };
  if (!isRecord(json)) return fail('not a silt bench result (the top level is not an object)');
  if (json['schema'] !== BENCH_RESULT_SCHEMA) return fail(`not a ${BENCH_RESULT_SCHEMA} result (schema: ${JSON.stringify(json['schema'] ?? null)})`);
  if (typeof json['startedAt'] !== 'string') fail('startedAt is missing');
  if (!isRecord(json['environment'])) fail('environment is missing');
  if (!Array.isArray(json['selfCheck'])) fail('selfCheck is not an array');
  const phases = json['phases'];
  if (!Array.isArray(phases)) return fail('phases is not an array');
  phases.forEach((phase: unknown, index) => {
    if (!isRecord(phase) || typeof phase['name'] !== 'string') return fail(`phases[${index}] has no name`);
    const operations = phase['operations'];
    if (!isRecord(operations)) return fail(`phase ${phase['name']}: operations is not an object`);
    for (const [name, operation] of Object.entries(operations)) {
      const where = `phase ${phase['name']}, operation ${name}`;
      if (!isRecord(operation)) return fail(`${where}: not an object`);
      for (const field of ['count', 'errors', 'throttles', 'opsPerSecond']) {
        if (typeof operation[field] !== 'number') fail(`${where}: ${field} is not a number`);
      }
      const latency = operation['latency'];
      if (!isRecord(latency)) return fail(`${where}: latency is missing`);
      for (const field of ['p50', 'p90', 'p99', 'p999', 'max', 'mean']) {
        if (typeof latency[field] !== 'number') fail(`${where}: latency.${field} is not a number`);
      }
      if (typeof operation['histogram'] !== 'string') fail(`${where}: histogram is not a string`);
    }
    if (!Array.isArray(phase['timeline'])) fail(`phase ${phase['name']}: timeline is not an array`);
    return undefined;
  });
  // The checks above cover every field the reporters read; the rest is carried through as written.
  return json as unknown as BenchResult;
}

export async function readResultJson(path: string): Promise<BenchResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ResultFormatError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseResult(text, path);
}
