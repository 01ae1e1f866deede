/**
 * `silt bench`'s engine: runs phases (BenchConfig, config.ts) and returns the BenchResult document
 * (result.ts) the reporters consume.
 *
 *   runBench(config)           one phase (plus the generator self-check when config.selfCheck)
 *   runSuite(configs, hooks)   several phases in order, one self-check per transport asked for
 *                              (by a phase, or by hooks.selfChecks: the default suite asks for both)
 *
 * Threads: the embedded target lives in the main thread (the Database); the load comes from
 * `workers` generator threads on a piscina pool (worker.ts), each with its own LoadGenerator,
 * started on one shared schedule; their reports are merged exactly (merge.ts). The null HTTP target
 * is a process of its own (bench/http/bare-server.ts --raw), so that it takes no event-loop time
 * from this process. embedded-single runs the generator in the main thread with no hop
 * (DirectTransport), for per-operation latency; kv delegates to db-bench (kv.ts). Consecutive
 * embedded phases on the same data share one load (targets.ts EmbeddedTargetPool).
 *
 * Secrets (an http target's secret key and session token, and their flags in argv) are redacted
 * from the result, which users keep and share.
 *
 * Worker threads load the COMPILED worker.js beside this module: from TypeScript sources (vitest),
 * threaded targets need a compiled copy (the tests compile one); embedded-single and kv do not.
 */
import { MessageChannel } from 'node:worker_threads';
import type { SigningCredentials } from '../../engine/api/sigv4.js';
import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import { serveChannel } from './channel.js';
import { BenchConfigError, parseBenchConfig, type BenchConfig, type EmbeddedTargetSpec } from './config.js';
import { environmentAtStart, finishEnvironment } from './environment.js';
import { DirectTransport, Executor } from './executor.js';
import { LoadGenerator, type GeneratorPlan, type GeneratorReport } from './generator.js';
import { mergeEncoded, percentilesOf } from './histograms.js';
import { runKvPhases } from './kv.js';
import { mergeOperations, mergeTimeline } from './merge.js';
import { BENCH_RESULT_SCHEMA, type BenchResult, type GeneratorSelfCheck, type PhaseResult } from './result.js';
import { startTarget } from '../http/targets.js';
import { credentialsOf, EmbeddedTargetPool, prepareHttpTarget } from './targets.js';
import type { WorkerTask } from './worker.js';
import { OperationCode, OperationSource, WORKLOAD_SHAPES } from './workloads/catalog.js';

export { BenchConfigError, DEFAULT_SUITE, DEFAULT_SUITE_SELF_CHECKS, parseBenchConfig, parseBenchSuite, type BenchConfig, type TargetSpec } from './config.js';

export interface BenchHooks {
  /** One line per step (loading, measuring, done); for a TTY progress display. */
  onProgress?(line: string): void;
  /** The command line, recorded in the environment (secrets redacted). */
  argv?: readonly string[];
  /** Transports to self-check besides those the phases ask for (the default suite asks for both). */
  selfChecks?: readonly SelfCheckTransport[];
}

export type SelfCheckTransport = 'embedded' | 'http';

const REDACTED = '(redacted)';
const SECRET_FLAGS = new Set(['--secret-key', '--session-token']);

/** The command line with the values of secret flags replaced (`--secret-key X`, `--secret-key=X`). */
function redactArgv(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    const flag = arg.split('=', 1)[0]!;
    if (SECRET_FLAGS.has(flag) && arg.includes('=')) return `${flag}=${REDACTED}`;
    return i > 0 && SECRET_FLAGS.has(argv[i - 1]!) ? REDACTED : arg;
  });
}

/** The configuration as recorded in the result: an http target's secret and token redacted. */
function redactConfig(config: BenchConfig): BenchConfig {
  if (config.target.kind !== 'http') return config;
  return { ...config, target: { ...config.target, secretAccessKey: REDACTED, sessionToken: config.target.sessionToken === null ? null : REDACTED } };
}

/** piscina's transfer list type (it does not export it by name). */
type TransferList = NonNullable<NonNullable<Parameters<Piscina['run']>[1]>['transferList']>;

/** Time for worker threads to start before the shared schedule begins (warm-up absorbs the rest). */
const WORKER_START_DELAY_MS = 300;
/** Requests still in flight this long after the window ends are given up (reported `unfinished`). */
const DRAIN_TIMEOUT_MS = 10_000;
const SELF_CHECK_DURATION_MS = 3_000;
const SELF_CHECK_WARMUP_MS = 1_000;
/** In flight per worker during the self-check: enough to keep the pipe full. */
const SELF_CHECK_EMBEDDED_CONCURRENCY_PER_WORKER = 512;
const SELF_CHECK_HTTP_CONNECTIONS_PER_WORKER = 32;
const HTTP_SELF_CHECK_WORKERS = 2;

/** Closed-loop share of worker i: the concurrency split as evenly as possible. */
function shareOf(total: number, workers: number, index: number): number {
  return Math.floor(total / workers) + (index < total % workers ? 1 : 0);
}

function planFor(config: BenchConfig, workerIndex: number, workers: number): Omit<GeneratorPlan, 'startAtMs'> {
  return {
    model: config.model,
    ratePerSecond: config.ratePerSecond,
    concurrency: config.model === 'closed' ? shareOf(config.concurrency, workers, workerIndex) : config.concurrency,
    workerIndex,
    workers,
    warmupMs: config.warmupMs,
    durationMs: config.durationMs,
    timelineIntervalMs: config.timelineIntervalMs,
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
  };
}

function workerFile(): string {
  if (!import.meta.url.endsWith('.js')) {
    throw new Error('the threaded bench targets (embedded, http, null) load the compiled worker: build first (npm run build) or use embedded-single');
  }
  return new URL('./worker.js', import.meta.url).href;
}

/** Runs one task per worker thread, all on one schedule starting WORKER_START_DELAY_MS from now. */
async function runWorkers(makeTask: (workerIndex: number, startAtEpochMs: number) => { task: WorkerTask; transferList: TransferList }, workers: number): Promise<GeneratorReport[]> {
  const pool = new Piscina({ filename: workerFile(), minThreads: workers, maxThreads: workers, idleTimeout: 1_000 });
  try {
    const startAtEpochMs = performance.timeOrigin + performance.now() + WORKER_START_DELAY_MS;
    return await Promise.all(
      Array.from({ length: workers }, (_, i) => {
        const { task, transferList } = makeTask(i, startAtEpochMs);
        return pool.run(task, { transferList }) as Promise<GeneratorReport>; // worker.ts returns a GeneratorReport
      }),
    );
  } finally {
    await pool.destroy();
  }
}

/** The embedded channel: one MessageChannel per worker, served by `executor` in this thread. */
function runChannelWorkers(config: BenchConfig, executor: Executor, workers: number): Promise<GeneratorReport[]> {
  return runWorkers((i, startAtEpochMs) => {
    const { port1, port2 } = new MessageChannel();
    serveChannel(port1, executor);
    port1.unref();
    const plan = planFor(config, i, workers);
    return {
      task: { connection: { kind: 'channel', port: port2, capacity: plan.concurrency }, workload: config.workload, recordCount: config.recordCount, seed: config.seed, plan: { ...plan, startAtEpochMs } },
      transferList: [port2],
    };
  }, workers);
}

function runHttpWorkers(config: BenchConfig, url: string, region: string, credentials: SigningCredentials, tableName: string, openConnections: number): Promise<GeneratorReport[]> {
  const workers = config.workers;
  return runWorkers((i, startAtEpochMs) => {
    const plan = planFor(config, i, workers);
    const connections = config.model === 'closed' ? plan.concurrency : openConnections;
    return {
      task: {
        connection: { kind: 'http', endpoint: { url, region, credentials, connections }, tableName },
        workload: config.workload,
        recordCount: config.recordCount,
        seed: config.seed,
        plan: { ...plan, startAtEpochMs },
      },
      transferList: [],
    };
  }, workers);
}

async function runSingleThread(config: BenchConfig, executor: Executor): Promise<GeneratorReport[]> {
  const plan = planFor(config, 0, 1);
  const generator = new LoadGenerator({ ...plan, startAtMs: performance.now() + 1 }, new OperationSource(config.workload, config.recordCount, config.seed, 0, 1));
  return [await generator.run(new DirectTransport(executor, plan.concurrency).bind(generator))];
}

function workloadParameters(config: BenchConfig): Record<string, string | number | boolean> {
  const w = config.workload;
  const shape = WORKLOAD_SHAPES[w.name];
  const parameters: Record<string, string | number | boolean> = {
    recordCount: config.recordCount,
    fieldCount: w.fieldCount,
    fieldBytes: w.fieldBytes,
    distribution: w.distribution,
    seed: config.seed,
    timelineIntervalMs: config.timelineIntervalMs,
    mix: shape.mix.map(([code, weight]) => `${['read', 'update', 'insert', 'put', 'query', 'rmw'][code]} ${Math.round(weight * 100)}%`).join(', '),
  };
  if (w.distribution === 'hot-key') parameters['hotKeyShare'] = w.hotKeyShare;
  if (shape.model === 'range') {
    parameters['itemsPerPartition'] = w.itemsPerPartition;
    parameters['queryItemsMax'] = w.queryItemsMax;
  }
  return parameters;
}

function phaseOf(config: BenchConfig, kind: PhaseResult['target']['kind'], description: string, reports: GeneratorReport[], extra: Record<string, string | number | boolean>): PhaseResult {
  const sum = (pick: (report: GeneratorReport) => number): number => reports.reduce((total, report) => total + pick(report), 0);
  return {
    name: config.name,
    workload: config.workload.name,
    target: { kind, description },
    model: config.model,
    ratePerSecond: config.model === 'open' ? config.ratePerSecond : null,
    concurrency: config.model === 'closed' ? config.concurrency : null,
    workers: config.workers,
    warmupMs: config.warmupMs,
    durationMs: config.durationMs,
    correctedForCoordinatedOmission: config.model === 'open',
    operations: mergeOperations(reports, config.durationMs),
    timeline: mergeTimeline(reports, config.timelineIntervalMs),
    parameters: { ...workloadParameters(config), ...extra, issued: sum((r) => r.issued), unfinished: sum((r) => r.unfinished), unsent: sum((r) => r.unsent) },
  };
}

function measuringLine(config: BenchConfig): string {
  return `${config.name}: measuring ${(config.warmupMs / 1000).toFixed(1)} s warm-up + ${(config.durationMs / 1000).toFixed(1)} s…`;
}

async function runEmbeddedPhase(config: BenchConfig, spec: EmbeddedTargetSpec, pool: EmbeddedTargetPool, progress: (line: string) => void): Promise<PhaseResult> {
  progress(`${config.name}: loading ${config.recordCount} records (or reusing the previous phase's)…`);
  const lease = await pool.acquire(spec, config.workload, config.recordCount, config.seed);
  const target = lease.target;
  let reusable = false;
  try {
    progress(measuringLine(config));
    const executor = new Executor(target.database, target.requests);
    const reports = spec.kind === 'embedded-single' ? await runSingleThread(config, executor) : await runChannelWorkers(config, executor, config.workers);
    reusable = !WORKLOAD_SHAPES[config.workload.name].mix.some(([code]) => code === OperationCode.Insert);
    const load = lease.reused ? { load: 'reused from the previous phase' } : { load: 'fresh', loadMs: Math.round(target.loadMs) };
    return phaseOf(config, spec.kind, target.description, reports, { sync: target.sync, storage: spec.inMemory ? 'memory' : 'disk', capacity: spec.capacity, ...load });
  } finally {
    await pool.release(lease, reusable);
  }
}

/** Runs one phase; kv yields one phase per engine. `pool` holds an embedded database between phases. */
async function runPhase(config: BenchConfig, progress: (line: string) => void, pool: EmbeddedTargetPool): Promise<PhaseResult[]> {
  const target = config.target;
  if (target.kind !== 'embedded' && target.kind !== 'embedded-single') await pool.close();
  switch (target.kind) {
    case 'kv':
      return runKvPhases(config, target, progress);
    case 'embedded':
    case 'embedded-single':
      return [await runEmbeddedPhase(config, target, pool, progress)];
    case 'null': {
      progress(`${config.name}: measuring the null ${target.transport} target…`);
      if (target.transport === 'embedded') {
        const reports = await runChannelWorkers(config, new Executor(undefined, undefined), config.workers);
        return [phaseOf(config, 'null', 'null target: answered at once in the main thread, through the channel', reports, {})];
      }
      // In its own process (not beside the generator's event loops), answering on raw TCP: the
      // cheapest server there is, so the generator is what the self-check measures.
      const server = await startTarget('bare', { raw: true });
      try {
        const reports = await runHttpWorkers(config, server.url, 'us-east-1', { accessKeyId: 'silt', secretAccessKey: 'silt' }, 'null', target.connections);
        return [phaseOf(config, 'null', 'null target: canned JSON over raw TCP from a server process of its own', reports, {})];
      } finally {
        await server.stop();
      }
    }
    case 'http': {
      progress(`${config.name}: preparing table ${target.tableName} at ${target.url} and loading ${config.recordCount} records…`);
      await prepareHttpTarget(target, config.workload, config.recordCount, config.seed);
      progress(measuringLine(config));
      const reports = await runHttpWorkers(config, target.url, target.region, credentialsOf(target), target.tableName, target.connections);
      return [phaseOf(config, 'http', `DynamoDB endpoint ${target.url}`, reports, { url: target.url, region: target.region })];
    }
  }
}

/** The generator against the null target of `transport`: the most it can drive. */
export async function runSelfCheck(transport: SelfCheckTransport, workers: number, progress: (line: string) => void = () => undefined): Promise<GeneratorSelfCheck> {
  const perWorker = transport === 'embedded' ? SELF_CHECK_EMBEDDED_CONCURRENCY_PER_WORKER : SELF_CHECK_HTTP_CONNECTIONS_PER_WORKER;
  const config = parseBenchConfig({
    name: `generator self-check (${transport})`,
    target: { kind: 'null', transport },
    workload: 'ycsb-a',
    model: 'closed',
    workers,
    concurrency: perWorker * workers,
    durationMs: SELF_CHECK_DURATION_MS,
    warmupMs: SELF_CHECK_WARMUP_MS,
    recordCount: 100_000,
  });
  const [phase] = await runPhase(config, progress, new EmbeddedTargetPool());
  const operations = Object.values(phase!.operations);
  const all = mergeEncoded(operations.map((operation) => operation.histogram));
  const p99Us = percentilesOf(all).p99;
  all.destroy();
  const opsPerSecond = operations.reduce((total, operation) => total + operation.opsPerSecond, 0);
  progress(`self-check ${transport}: ${Math.round(opsPerSecond)} ops/s with ${workers} worker(s), p99 ${p99Us} µs`);
  return { target: 'null', transport, workers, opsPerSecond, p99Us };
}

function selfCheckTransport(config: BenchConfig): { transport: SelfCheckTransport; workers: number } | undefined {
  switch (config.target.kind) {
    case 'embedded':
    case 'embedded-single':
      return { transport: 'embedded', workers: Math.max(1, config.workers) };
    case 'http':
      return { transport: 'http', workers: HTTP_SELF_CHECK_WORKERS };
    case 'null':
      return { transport: config.target.transport, workers: config.workers };
    case 'kv':
      return undefined;
  }
}

/** Runs `configs` in order into one BenchResult; each transport's self-check runs once, first. */
export async function runSuite(configs: readonly BenchConfig[], hooks: BenchHooks = {}): Promise<BenchResult> {
  if (configs.length === 0) throw new BenchConfigError(['the suite has no phases']);
  const progress = (line: string): void => hooks.onProgress?.(line);
  const startedAt = new Date().toISOString();
  const environment = environmentAtStart(redactArgv(hooks.argv ?? []));
  const checks = configs.flatMap((config) => (config.selfCheck ? [selfCheckTransport(config)] : [])).filter((check) => check !== undefined);
  for (const transport of hooks.selfChecks ?? []) checks.push({ transport, workers: transport === 'http' ? HTTP_SELF_CHECK_WORKERS : 1 });
  const selfCheck: GeneratorSelfCheck[] = [];
  const checked = new Set<string>();
  for (const check of checks) {
    if (checked.has(check.transport)) continue;
    checked.add(check.transport);
    selfCheck.push(await runSelfCheck(check.transport, check.workers, progress));
  }
  const phases: PhaseResult[] = [];
  const pool = new EmbeddedTargetPool();
  try {
    for (const config of configs) {
      for (const phase of await runPhase(config, progress, pool)) {
        phases.push(phase);
        const total = Object.values(phase.operations).reduce((sum, operation) => sum + operation.opsPerSecond, 0);
        progress(`${phase.name}: ${Math.round(total)} ops/s`);
      }
    }
  } finally {
    await pool.close();
  }
  return { schema: BENCH_RESULT_SCHEMA, startedAt, environment: finishEnvironment(environment), config: { phases: configs.map(redactConfig) }, selfCheck, phases };
}

/** One phase (and its self-check when config.selfCheck). */
export function runBench(config: BenchConfig, hooks: BenchHooks = {}): Promise<BenchResult> {
  return runSuite([config], hooks);
}
