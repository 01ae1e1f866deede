/**
 * The kv target: the raw store (Silt's Store) against classic-level and lmdb, by running db-bench's
 * workloads (bench/lsm/runner.ts) and mapping its rows into PhaseResults — one phase per engine,
 * one operation per `<workload>:<mode>` (e.g. `readrandom:sync`).
 *
 * db-bench keeps summaries, not histograms (it samples cheap operations, see bench/lsm/histogram.ts),
 * so these operations carry db-bench's p50/p99/p99.9/max/mean, p90 = p99 (an upper bound, keeping the
 * percentiles in order) and an EMPTY histogram; the phase's parameters say so (`latencySource`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../lsm/args.js';
import { runBench as runDbBench } from '../lsm/runner.js';
import type { BenchConfig, KvTargetSpec } from './config.js';
import { emptyEncodedHistogram } from './histograms.js';
import type { OperationResult, PhaseResult } from './result.js';

const MIB = 1024 * 1024;

export async function runKvPhases(config: BenchConfig, target: KvTargetSpec, progress: (line: string) => void): Promise<PhaseResult[]> {
  const dir = await mkdtemp(join(os.tmpdir(), 'silt-bench-kv-'));
  try {
    const num = config.recordCount;
    const output = await runDbBench({
      num,
      reads: num,
      seeks: Math.min(num, DEFAULTS.seeksMax),
      batchSize: DEFAULTS.batchSize,
      durableNum: DEFAULTS.durableNum,
      durableWriters: DEFAULTS.durableWriters,
      durableConcurrentNum: DEFAULTS.durableConcurrentNum,
      durableTimeLimitMs: DEFAULTS.durableSeconds * 1000,
      benchmarks: target.benchmarks,
      engines: target.engines,
      modes: target.modes,
      dir,
      seed: config.seed,
      cacheBytes: DEFAULTS.cacheMib * MIB,
      writeBufferBytes: DEFAULTS.writeBufferMib * MIB,
      progress,
    });
    const empty = emptyEncodedHistogram();
    return target.engines.map((engine): PhaseResult => {
      const operations: Record<string, OperationResult> = {};
      let elapsedMs = 0;
      for (const row of output.rows.filter((r) => r.engine === engine)) {
        elapsedMs += row.elapsedMs;
        const latency = row.latency;
        operations[`${row.workload}:${row.mode}`] = {
          count: row.ops,
          errors: 0,
          throttles: 0,
          opsPerSecond: row.opsPerSec,
          latency: latency === null ? { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 } : { p50: latency.p50Us, p90: latency.p99Us, p99: latency.p99Us, p999: latency.p999Us, max: latency.maxUs, mean: latency.meanUs },
          histogram: empty,
          errorsByName: {},
        };
      }
      return {
        name: `${config.name}: ${engine}`,
        workload: `db_bench ${target.benchmarks.join(',')}`,
        target: { kind: 'kv', description: engine === 'silt' ? 'Silt Store (raw key-value)' : engine === 'leveldb' ? 'LevelDB (classic-level)' : 'LMDB (lmdb-js)' },
        model: 'closed',
        ratePerSecond: null,
        concurrency: 1,
        workers: 0,
        warmupMs: 0,
        durationMs: Math.round(elapsedMs),
        correctedForCoordinatedOmission: false,
        operations,
        timeline: [],
        parameters: { engine, num, modes: target.modes.join(','), seed: config.seed, latencySource: 'db-bench summary (sampled): p90 not recorded (shown as p99, an upper bound), empty histogram' },
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
