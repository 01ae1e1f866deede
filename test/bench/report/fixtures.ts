/**
 * BenchResult fixtures for the reporter tests: deterministic (a fixed LCG), with real HDR
 * histograms (hdr-histogram-js, µs) so percentiles, merges and the spectrum have something true to
 * read, and timelines that drift and stall a little so the charts have shape.
 */
import * as hdr from 'hdr-histogram-js';
import { BENCH_RESULT_SCHEMA, type BenchResult, type OperationResult, type PhaseResult, type TimelinePoint } from '../../../bench/harness/result.js';

class Lcg {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (Math.imul(this.#state, 1664525) + 1013904223) >>> 0;
    return (this.#state + 0.5) / 2 ** 32;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}

function histogramOf(samplesUs: readonly number[]): hdr.Histogram {
  const histogram = hdr.build({ bitBucketSize: 64, useWebAssembly: false, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  for (const us of samplesUs) histogram.recordValue(us);
  return histogram;
}

export interface OperationSpec {
  count: number;
  medianUs: number;
  /** Log-normal spread. */
  sigma: number;
  errors?: number;
  throttles?: number;
  durationMs: number;
  seed: number;
}

/** An operation with `count` latency samples drawn log-normally around `medianUs`. */
export function sampledOperation(spec: OperationSpec): { result: OperationResult; samplesUs: number[] } {
  const random = new Lcg(spec.seed);
  const samplesUs: number[] = [];
  const failed = (spec.errors ?? 0) + (spec.throttles ?? 0);
  for (let i = 0; i < spec.count - failed; i++) samplesUs.push(Math.max(1, Math.round(spec.medianUs * Math.exp(spec.sigma * random.normal()))));
  const histogram = histogramOf(samplesUs);
  const at = (p: number): number => Math.min(histogram.getValueAtPercentile(p), histogram.maxValue);
  return {
    samplesUs,
    result: {
      count: spec.count,
      errors: spec.errors ?? 0,
      throttles: spec.throttles ?? 0,
      opsPerSecond: (spec.count * 1000) / spec.durationMs,
      latency: { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: histogram.maxValue, mean: histogram.mean },
      histogram: hdr.encodeIntoCompressedBase64(histogram),
      errorsByName: spec.errors === undefined || spec.errors === 0 ? {} : { ValidationException: spec.errors },
    },
  };
}

function timeline(durationMs: number, operations: Record<string, OperationResult>, seed: number, stallAtS?: number): TimelinePoint[] {
  const random = new Lcg(seed);
  const points: TimelinePoint[] = [];
  const intervals = Math.round(durationMs / 1000);
  for (let i = 0; i < intervals; i++) {
    const ops: TimelinePoint['operations'] = {};
    for (const [name, op] of Object.entries(operations)) {
      const stall = stallAtS === i ? 6 : 1;
      const jitter = 0.9 + 0.2 * random.next();
      ops[name] = {
        count: Math.round((op.count / intervals) * jitter / (stall > 1 ? 2 : 1)),
        errors: i === intervals - 2 ? op.errors : 0,
        throttles: i === 3 || i === 4 ? Math.round(op.throttles / 2) : 0,
        p50: Math.round(op.latency.p50 * jitter),
        p99: Math.round(op.latency.p99 * jitter * stall),
        max: Math.round(op.latency.max * jitter),
      };
    }
    points.push({ tMs: i * 1000, intervalMs: 1000, operations: ops });
  }
  return points;
}

function phase(name: string, workload: string, overrides: Partial<PhaseResult>, operations: Record<string, OperationResult>, seed: number, stallAtS?: number): PhaseResult {
  const durationMs = overrides.durationMs ?? 10_000;
  return {
    name,
    workload,
    target: { kind: 'embedded', description: 'Silt Database on disk, sync none' },
    model: 'closed',
    ratePerSecond: null,
    concurrency: 64,
    workers: 2,
    warmupMs: 2000,
    durationMs,
    correctedForCoordinatedOmission: false,
    operations,
    timeline: timeline(durationMs, operations, seed, stallAtS),
    parameters: { recordCount: 100_000, fieldCount: 10, fieldBytes: 100, distribution: 'zipfian' },
    ...overrides,
  };
}

/** A two-phase run: YCSB A closed loop (GetItem + UpdateItem), durable writes open loop with throttles and errors. */
export function makeResult(): BenchResult {
  const durationMs = 10_000;
  const get = sampledOperation({ count: 40_000, medianUs: 180, sigma: 0.45, durationMs, seed: 1 });
  const update = sampledOperation({ count: 40_000, medianUs: 260, sigma: 0.55, durationMs, seed: 2 });
  const put = sampledOperation({ count: 20_000, medianUs: 1900, sigma: 0.35, errors: 3, throttles: 40, durationMs, seed: 3 });
  return {
    schema: BENCH_RESULT_SCHEMA,
    startedAt: '2025-03-01T12:00:00.000Z',
    environment: {
      cpuModel: 'AMD EPYC 7B13',
      cores: 2,
      memoryBytes: 8 * 2 ** 30,
      platform: 'linux x64',
      node: 'v20.20.2',
      gitCommit: 'be90875aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      gitDirty: false,
      loadAverage1mStart: 0.42,
      loadAverage1mEnd: 1.87,
      argv: ['--workload', 'ycsb-a', '--duration', '10s'],
    },
    config: { target: { kind: 'embedded' }, workload: 'ycsb-a', note: 'a <b> & "c"' },
    selfCheck: [{ target: 'null', transport: 'embedded', workers: 2, opsPerSecond: 250_000, p99Us: 40 }],
    phases: [
      phase('ycsb-a', 'ycsb-a', {}, { GetItem: get.result, UpdateItem: update.result }, 10, 6),
      phase(
        'durable-write',
        'durable-write',
        { model: 'open', ratePerSecond: 2000, concurrency: null, correctedForCoordinatedOmission: true, parameters: { itemBytes: 1000 } },
        { PutItem: put.result },
        11,
      ),
    ],
  };
}

/** A phase-free operation with given numbers (histogram empty), for compare and threshold arithmetic. */
export function plainOperation(values: { opsPerSecond: number; p50: number; p90: number; p99: number; p999: number; max: number; count?: number; errors?: number; throttles?: number }): OperationResult {
  return {
    count: values.count ?? 1000,
    errors: values.errors ?? 0,
    throttles: values.throttles ?? 0,
    opsPerSecond: values.opsPerSecond,
    latency: { p50: values.p50, p90: values.p90, p99: values.p99, p999: values.p999, max: values.max, mean: values.p50 },
    histogram: '',
    errorsByName: {},
  };
}

/** A result with the given phases → operations, everything else as in makeResult(). */
export function plainResult(phases: Record<string, Record<string, OperationResult>>, startedAt = '2025-03-01T12:00:00.000Z'): BenchResult {
  const base = makeResult();
  return {
    ...base,
    startedAt,
    phases: Object.entries(phases).map(([name, operations]) => ({ ...base.phases[0]!, name, workload: name, operations, timeline: [] })),
  };
}
