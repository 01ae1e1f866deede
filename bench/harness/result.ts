/**
 * The `silt bench` result document (schema `silt-bench/1`): what the load generator (bench/harness)
 * produces and what the reporters (bench/report: terminal table, JSON, HTML, compare, thresholds)
 * consume. It is the contract between the two halves, and the file format users keep and compare,
 * so it changes only with a new schema version.
 *
 * Latencies are in microseconds (integers, as recorded in the HDR histograms); rates per second.
 * Every histogram is the exact merge of the per-worker histograms (hdr-histogram-js `add`),
 * serialised with `encodeIntoCompressedBase64` so a report can recompute any percentile.
 */

export const BENCH_RESULT_SCHEMA = 'silt-bench/1';

export type LoadModel = 'open' | 'closed';
export type TargetKind = 'embedded' | 'embedded-single' | 'http' | 'kv' | 'null';

/** Where and on what the run happened. */
export interface BenchEnvironment {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  platform: string;
  node: string;
  gitCommit: string | null;
  gitDirty: boolean | null;
  /** 1-minute load average when the run started and when it ended. */
  loadAverage1mStart: number;
  loadAverage1mEnd: number;
  /** The command line (argv after `silt bench`). */
  argv: string[];
}

/** Percentiles of one histogram, in microseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** One operation (GetItem, PutItem, UpdateItem, Query, Scan, BatchWriteItem, …) over a whole phase. */
export interface OperationResult {
  /** Completed requests, errors and throttles included. */
  count: number;
  /** Requests that failed with anything but a throttle. */
  errors: number;
  /** Requests throttled (ProvisionedThroughputExceededException, ThrottlingException, Unprocessed*). */
  throttles: number;
  opsPerSecond: number;
  /** Latency of successful requests, µs. */
  latency: Percentiles;
  /** hdr-histogram-js encodeIntoCompressedBase64 of the merged latency histogram (µs). */
  histogram: string;
  /** Error names → counts (e.g. { ValidationException: 2 }). */
  errorsByName: Record<string, number>;
}

/** One interval of a phase's timeline (1 s by default), for the over-time charts. */
export interface TimelinePoint {
  /** Start of the interval, ms since the measured part of the phase began. */
  tMs: number;
  intervalMs: number;
  operations: Record<string, { count: number; errors: number; throttles: number; p50: number; p99: number; max: number }>;
}

/** One workload run against one target. */
export interface PhaseResult {
  name: string;
  workload: string;
  target: { kind: TargetKind; description: string };
  model: LoadModel;
  /** Open loop: the intended rate (req/s). */
  ratePerSecond: number | null;
  /** Closed loop: requests in flight (across all workers). */
  concurrency: number | null;
  workers: number;
  warmupMs: number;
  durationMs: number;
  /** Open loop: latency measured from each request's intended start (coordinated omission corrected). */
  correctedForCoordinatedOmission: boolean;
  operations: Record<string, OperationResult>;
  timeline: TimelinePoint[];
  /** Workload-specific facts (record count, field sizes, distribution, …). */
  parameters: Record<string, string | number | boolean>;
}

/** The generator measured against a target that does nothing: the most it can drive. */
export interface GeneratorSelfCheck {
  target: 'null';
  transport: 'embedded' | 'http';
  workers: number;
  opsPerSecond: number;
  p99Us: number;
}

export interface BenchResult {
  schema: typeof BENCH_RESULT_SCHEMA;
  startedAt: string;
  environment: BenchEnvironment;
  /** The resolved configuration (flags or JSON file), as run. */
  config: Record<string, unknown>;
  selfCheck: GeneratorSelfCheck[];
  phases: PhaseResult[];
}
