/**
 * The configuration of one `silt bench` phase (a workload against a target under one load model):
 * its type, its defaults, and `parseBenchConfig`, which validates a JSON value (a config file or the
 * CLI's flags turned into one) and resolves every default, reporting ALL problems at once with
 * their paths (`workload.fieldCount: must be an integer ≥ 1, got 0`).
 *
 * Also DEFAULT_SUITE, what `npm run bench` runs: about a minute on the embedded default.
 */
import { InvalidArgumentError } from '../../engine/util/errors.js';
import { regionOfEndpointUrl } from '../http/endpoint.js';
import { ENGINE_NAMES, type EngineName } from '../lsm/adapters.js';
import { WORKLOADS as KV_WORKLOADS, type Workload as KvWorkload } from '../lsm/report.js';
import { WRITE_MODE_FLAGS, type WriteModeFlag } from '../lsm/runner.js';
import type { LoadModel } from './result.js';
import { DISTRIBUTIONS, type DistributionName } from './workloads/distributions.js';
import { HOT_KEY_SHARE_DEFAULT, WORKLOAD_NAMES, WORKLOAD_SHAPES, type WorkloadName, type WorkloadSpec } from './workloads/catalog.js';

export type SyncSetting = 'none' | 'always';

export interface EmbeddedTargetSpec {
  kind: 'embedded' | 'embedded-single';
  /** Directory of the database; null = a fresh temporary directory, removed after the phase. */
  path: string | null;
  inMemory: boolean;
  /** WAL sync of the database (durable-write always uses 'always'). */
  sync: SyncSetting;
  /**
   * Silt's DynamoDB capacity model: 'unlimited' (default: the engine's own speed is measured) or
   * 'modelled' (on-demand token buckets throttle as DynamoDB does; throttles are counted apart).
   */
  capacity: 'unlimited' | 'modelled';
}

export interface HttpTargetSpec {
  kind: 'http';
  /** http:// or https:// (TLS): silt serve, DynamoDB Local, dynalite, Alternator, DynamoDB itself. */
  url: string;
  /** SigV4 region; by default the one an AWS endpoint URL names, else us-east-1. */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials' session token (sent as X-Amz-Security-Token), or null. */
  sessionToken: string | null;
  /** Open loop: connections per worker (closed loop: concurrency ÷ workers). */
  connections: number;
  tableName: string;
}

export interface KvTargetSpec {
  kind: 'kv';
  engines: EngineName[];
  /** db_bench workloads (bench/lsm): the kv target ignores `workload`. */
  benchmarks: KvWorkload[];
  modes: WriteModeFlag[];
}

export interface NullTargetSpec {
  kind: 'null';
  /** embedded: answered in the main thread through the channel; http: a canned-JSON server. */
  transport: 'embedded' | 'http';
  connections: number;
}

export type TargetSpec = EmbeddedTargetSpec | HttpTargetSpec | KvTargetSpec | NullTargetSpec;

export interface BenchConfig {
  /** The phase's name in the report. */
  name: string;
  target: TargetSpec;
  workload: WorkloadSpec;
  model: LoadModel;
  /** Open loop: requests per second of all workers together. */
  ratePerSecond: number | null;
  /** Closed loop: requests in flight across all workers (open loop: the in-flight bound per worker, embedded). */
  concurrency: number;
  /** Generator worker threads (0 for embedded-single and kv). */
  workers: number;
  durationMs: number;
  warmupMs: number;
  /** Records loaded (untimed, BatchWriteItem) before measuring; kv: entries per database. */
  recordCount: number;
  seed: number;
  /** Measure the generator against the null target of this phase's transport first. */
  selfCheck: boolean;
  timelineIntervalMs: number;
}

export class BenchConfigError extends InvalidArgumentError {
  constructor(readonly issues: readonly string[]) {
    super(`invalid bench configuration:\n  ${issues.join('\n  ')}`);
  }
}

export const CONFIG_DEFAULTS = {
  model: 'closed',
  concurrency: 64,
  durationMs: 10_000,
  warmupMs: 2_000,
  seed: 1,
  timelineIntervalMs: 1_000,
  httpConnections: 64,
  httpRegion: 'us-east-1',
  httpAccessKeyId: 'silt',
  httpSecretAccessKey: 'silt',
  httpTableName: 'silt_bench',
  kvBenchmarks: ['fillrandom', 'overwrite', 'readrandom', 'seekrandom', 'readseq'] as KvWorkload[],
  kvModes: ['batched'] as WriteModeFlag[],
} as const;

const TARGET_KINDS = ['embedded', 'embedded-single', 'http', 'kv', 'null'] as const;
const CONFIG_KEYS = ['name', 'target', 'workload', 'model', 'ratePerSecond', 'concurrency', 'workers', 'durationMs', 'warmupMs', 'recordCount', 'seed', 'selfCheck', 'timelineIntervalMs'];

type Json = Record<string, unknown>;

class Reader {
  readonly issues: string[] = [];
  constructor(readonly object: Json, readonly path: string) {}

  #fail(key: string, why: string, value: unknown): undefined {
    this.issues.push(`${this.path}${key}: ${why}, got ${JSON.stringify(value) ?? String(value)}`);
    return undefined;
  }

  unknownKeys(allowed: readonly string[]): void {
    for (const key of Object.keys(this.object)) if (!allowed.includes(key)) this.issues.push(`${this.path}${key}: unknown setting (known: ${allowed.join(', ')})`);
  }

  number(key: string, fallback: number, check: { integer?: boolean; min?: number; max?: number; above?: number }): number {
    const value = this.object[key];
    if (value === undefined) return fallback;
    const ok = typeof value === 'number' && Number.isFinite(value) && (!check.integer || Number.isSafeInteger(value)) && (check.min === undefined || value >= check.min) && (check.max === undefined || value <= check.max) && (check.above === undefined || value > check.above);
    if (ok) return value;
    const parts = [check.integer ? 'an integer' : 'a number'];
    if (check.min !== undefined) parts.push(`≥ ${check.min}`);
    if (check.above !== undefined) parts.push(`> ${check.above}`);
    if (check.max !== undefined) parts.push(`≤ ${check.max}`);
    this.#fail(key, `must be ${parts.join(' ')}`, value);
    return fallback;
  }

  string(key: string, fallback: string): string {
    const value = this.object[key];
    if (value === undefined) return fallback;
    if (typeof value === 'string' && value !== '') return value;
    this.#fail(key, 'must be a non-empty string', value);
    return fallback;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.object[key];
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    this.#fail(key, 'must be true or false', value);
    return fallback;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.object[key];
    if (value === undefined) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T; // checked just above
    this.#fail(key, `must be one of ${allowed.join(', ')}`, value);
    return fallback;
  }

  listOf<T extends string>(key: string, allowed: readonly T[], fallback: readonly T[]): T[] {
    const value = this.object[key];
    if (value === undefined) return [...fallback];
    if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && (allowed as readonly string[]).includes(item))) return value as T[]; // checked just above
    this.#fail(key, `must be a non-empty list of ${allowed.join(', ')}`, value);
    return [...fallback];
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A bare string stands for { kind | name: string }. */
function objectOf(value: unknown, field: string, path: string, issues: string[]): Json {
  if (typeof value === 'string') return { [field]: value };
  if (isObject(value)) return value;
  issues.push(`${path}: must be a string or an object, got ${JSON.stringify(value)}`);
  return {};
}

function normaliseWorkloadName(name: unknown): unknown {
  if (typeof name !== 'string') return name;
  const lower = name.toLowerCase();
  return /^[a-f]$/.test(lower) ? `ycsb-${lower}` : lower;
}

function parseWorkload(value: unknown, issues: string[]): { spec: WorkloadSpec; recordCountDefault: number; syncAlways: boolean } {
  const raw = objectOf(value ?? 'ycsb-a', 'name', 'workload', issues);
  const r = new Reader({ ...raw, name: normaliseWorkloadName(raw['name'] ?? 'ycsb-a') }, 'workload.');
  r.unknownKeys(['name', 'fieldCount', 'fieldBytes', 'distribution', 'hotKeyShare', 'itemsPerPartition', 'queryItemsMax']);
  const name: WorkloadName = r.oneOf('name', WORKLOAD_NAMES, 'ycsb-a');
  const shape = WORKLOAD_SHAPES[name];
  const spec: WorkloadSpec = {
    name,
    fieldCount: r.number('fieldCount', shape.fieldCount, { integer: true, min: 1, max: 1000 }),
    fieldBytes: r.number('fieldBytes', shape.fieldBytes, { integer: true, min: 1, max: 400_000 }),
    distribution: r.oneOf<DistributionName>('distribution', DISTRIBUTIONS, shape.distribution),
    hotKeyShare: r.number('hotKeyShare', HOT_KEY_SHARE_DEFAULT, { min: 0, max: 1 }),
    itemsPerPartition: r.number('itemsPerPartition', shape.itemsPerPartition, { integer: true, min: 1, max: 1_000_000 }),
    queryItemsMax: r.number('queryItemsMax', shape.queryItemsMax, { integer: true, min: 1, max: 4_095 }),
  };
  if (spec.fieldCount * spec.fieldBytes > 399_000) issues.push(`workload: fieldCount × fieldBytes = ${spec.fieldCount * spec.fieldBytes} B passes DynamoDB's 400 KB item limit`);
  issues.push(...r.issues);
  return { spec, recordCountDefault: shape.recordCount, syncAlways: shape.syncAlways };
}

function parseTarget(value: unknown, issues: string[]): TargetSpec {
  const raw = objectOf(value ?? 'embedded', 'kind', 'target', issues);
  const r = new Reader(raw, 'target.');
  const kind = r.oneOf('kind', TARGET_KINDS, 'embedded');
  let target: TargetSpec;
  switch (kind) {
    case 'embedded':
    case 'embedded-single': {
      r.unknownKeys(['kind', 'path', 'inMemory', 'sync', 'capacity']);
      const inMemory = r.boolean('inMemory', false);
      const path = raw['path'] === undefined || raw['path'] === null ? null : r.string('path', '');
      if (inMemory && path !== null) issues.push('target: path and inMemory exclude each other');
      target = { kind, path, inMemory, sync: r.oneOf<SyncSetting>('sync', ['none', 'always'], 'none'), capacity: r.oneOf('capacity', ['unlimited', 'modelled'] as const, 'unlimited') };
      break;
    }
    case 'http': {
      r.unknownKeys(['kind', 'url', 'region', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'connections', 'tableName']);
      const url = r.string('url', '');
      if (url === '') issues.push('target.url: required for the http target (e.g. http://127.0.0.1:8000)');
      else if (!/^https?:\/\/[^/]+/.test(url)) issues.push(`target.url: must be an http:// or https:// URL, got ${JSON.stringify(url)}`);
      const sessionToken = raw['sessionToken'] === undefined || raw['sessionToken'] === null ? null : r.string('sessionToken', '');
      target = {
        kind,
        url,
        region: r.string('region', regionOfEndpointUrl(url) ?? CONFIG_DEFAULTS.httpRegion),
        accessKeyId: r.string('accessKeyId', CONFIG_DEFAULTS.httpAccessKeyId),
        secretAccessKey: r.string('secretAccessKey', CONFIG_DEFAULTS.httpSecretAccessKey),
        sessionToken,
        connections: r.number('connections', CONFIG_DEFAULTS.httpConnections, { integer: true, min: 1, max: 4096 }),
        tableName: r.string('tableName', CONFIG_DEFAULTS.httpTableName),
      };
      break;
    }
    case 'kv':
      r.unknownKeys(['kind', 'engines', 'benchmarks', 'modes']);
      target = {
        kind,
        engines: r.listOf('engines', ENGINE_NAMES, ENGINE_NAMES),
        benchmarks: r.listOf('benchmarks', KV_WORKLOADS, CONFIG_DEFAULTS.kvBenchmarks),
        modes: r.listOf('modes', WRITE_MODE_FLAGS, CONFIG_DEFAULTS.kvModes),
      };
      break;
    case 'null':
      r.unknownKeys(['kind', 'transport', 'connections']);
      target = { kind, transport: r.oneOf('transport', ['embedded', 'http'] as const, 'embedded'), connections: r.number('connections', CONFIG_DEFAULTS.httpConnections, { integer: true, min: 1, max: 4096 }) };
      break;
  }
  issues.push(...r.issues);
  return target;
}

function defaultWorkers(target: TargetSpec): number {
  switch (target.kind) {
    case 'embedded':
      return 1;
    case 'http':
      return 2;
    case 'null':
      return target.transport === 'http' ? 2 : 1;
    case 'embedded-single':
    case 'kv':
      return 0;
  }
}

/** Validates `json` and resolves every default; throws BenchConfigError listing every problem. */
export function parseBenchConfig(json: unknown): BenchConfig {
  if (!isObject(json)) throw new BenchConfigError([`the configuration must be a JSON object, got ${JSON.stringify(json)}`]);
  const issues: string[] = [];
  const r = new Reader(json, '');
  r.unknownKeys(CONFIG_KEYS);
  const target = parseTarget(json['target'], issues);
  const { spec: workload, recordCountDefault } = parseWorkload(json['workload'], issues);
  const model = r.oneOf<LoadModel>('model', ['open', 'closed'], CONFIG_DEFAULTS.model);
  const ratePerSecond = json['ratePerSecond'] === undefined || json['ratePerSecond'] === null ? null : r.number('ratePerSecond', 1, { above: 0 });
  if (model === 'open' && ratePerSecond === null && target.kind !== 'kv') issues.push('ratePerSecond: required by the open loop (model "open")');
  const workersDefault = defaultWorkers(target);
  const workers = r.number('workers', workersDefault, { integer: true, min: 0, max: 64 });
  const threaded = target.kind === 'embedded' || target.kind === 'http' || target.kind === 'null';
  if (threaded && workers < 1) issues.push(`workers: the ${target.kind} target needs at least one worker thread`);
  if (!threaded && workers !== 0) issues.push(`workers: the ${target.kind} target runs in the main thread (workers must be 0)`);
  const concurrency = r.number('concurrency', CONFIG_DEFAULTS.concurrency, { integer: true, min: 1, max: 100_000 });
  if (threaded && model === 'closed' && concurrency < workers) issues.push(`concurrency: ${concurrency} requests in flight cannot keep ${workers} workers busy (need concurrency ≥ workers)`);
  const name = r.string('name', `${target.kind === 'kv' ? 'kv' : workload.name} on ${target.kind}`);
  const config: BenchConfig = {
    name,
    target,
    workload,
    model,
    ratePerSecond,
    concurrency,
    workers,
    durationMs: r.number('durationMs', CONFIG_DEFAULTS.durationMs, { integer: true, min: 1 }),
    warmupMs: r.number('warmupMs', CONFIG_DEFAULTS.warmupMs, { integer: true, min: 0 }),
    recordCount: r.number('recordCount', recordCountDefault, { integer: true, min: 1, max: 2 ** 27 }),
    seed: r.number('seed', CONFIG_DEFAULTS.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
    selfCheck: r.boolean('selfCheck', false),
    timelineIntervalMs: r.number('timelineIntervalMs', CONFIG_DEFAULTS.timelineIntervalMs, { integer: true, min: 10 }),
  };
  issues.push(...r.issues);
  if (issues.length > 0) throw new BenchConfigError(issues);
  return config;
}

/** A suite file: one config object, an array of them, or { phases: [...] }. */
export function parseBenchSuite(json: unknown): BenchConfig[] {
  const list = Array.isArray(json) ? json : isObject(json) && Array.isArray(json['phases']) ? (json['phases'] as unknown[]) : [json];
  if (list.length === 0) throw new BenchConfigError(['the suite has no phases']);
  const issues: string[] = [];
  const configs: BenchConfig[] = [];
  list.forEach((item, i) => {
    try {
      configs.push(parseBenchConfig(item));
    } catch (error) {
      if (!(error instanceof BenchConfigError)) throw error;
      issues.push(...error.issues.map((issue) => (list.length > 1 ? `phases[${i}].${issue}` : issue)));
    }
  });
  if (issues.length > 0) throw new BenchConfigError(issues);
  return configs;
}

/**
 * `npm run bench`: about a minute on the embedded default (a database on disk in a temporary
 * directory, WAL sync none, one generator worker, 64 requests in flight): YCSB A, B and C on one
 * load of 50,000 records of 10 × 100 B (consecutive phases on the same data share it, as in YCSB),
 * then durable writes (sync always) on 20,000; 2 s warm-up + 8 s measured each. With the two
 * generator self-checks (DEFAULT_SUITE_SELF_CHECKS, ~5 s each) and the loads, ~60 s in all.
 */
export const DEFAULT_SUITE: BenchConfig[] = [
  { name: 'YCSB A (50% read, 50% update)', workload: 'ycsb-a', selfCheck: true },
  { name: 'YCSB B (95% read, 5% update)', workload: 'ycsb-b' },
  { name: 'YCSB C (read only)', workload: 'ycsb-c' },
  { name: 'durable writes (PutItem, sync always)', workload: 'durable-write', recordCount: 20_000 },
].map((phase) => parseBenchConfig({ target: 'embedded', durationMs: 8_000, warmupMs: 2_000, recordCount: 50_000, ...phase }));

/** The default suite measures the generator over both transports, so its report shows both ceilings. */
export const DEFAULT_SUITE_SELF_CHECKS = ['embedded', 'http'] as const;
