/**
 * Runs the selected db-bench workloads on the selected engines and returns one row per
 * (workload, engine, mode). This is the harness without a command line: db-bench.ts and the smoke
 * test both call `runBench`.
 *
 * Database lifetimes, following db_bench (fillrandom then overwrite on the same database):
 * 1. fillseq: a fresh database per (mode, engine).
 * 2. the random chain, per (mode, engine): a fresh database; fillrandom (or, when fillrandom is not
 *    selected, the same keys loaded untimed in batches); overwrite (random keys already written,
 *    drawn with replacement); and, in the batched chain only, the reads: settle (flush + full
 *    compaction, so every engine is read in steady state) then readrandom, readmissing, seekrandom,
 *    readseq over keys 0..num-1.
 * 3. if reads are selected but the batched chain is not run, a chain of its own for them.
 * Steps run engine after engine, so each step's rows are measured close together in time.
 *
 * Every database lives in its own directory under `config.dir`, removed when the step ends.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openEngine, type Engine, type EngineName } from './adapters.js';
import { permutedOrder, sequentialOrder, uniformDraws, ValueGenerator } from './data-gen.js';
import { makeRow, READ_WORKLOADS, type ResultRow, type Workload } from './report.js';
import { readPoints, readSequential, seekRandom, writeBatched, writeConcurrent, writeSerial, type Measurement } from './workloads.js';

export const WRITE_MODE_FLAGS = ['serial', 'batched', 'durable'] as const;
export type WriteModeFlag = (typeof WRITE_MODE_FLAGS)[number];

export interface BenchConfig {
  /** Entries per database (db_bench --num). */
  num: number;
  /** Point reads per read workload. */
  reads: number;
  /** Seeks for seekrandom. */
  seeks: number;
  batchSize: number;
  /** Puts in the one-writer durable runs (capped by num). */
  durableNum: number;
  /** Concurrent writers in the many-writer durable runs. */
  durableWriters: number;
  /** Puts in the many-writer durable runs (capped by num). */
  durableConcurrentNum: number;
  /** A durable run stops claiming new keys after this long. */
  durableTimeLimitMs: number;
  benchmarks: readonly Workload[];
  engines: readonly EngineName[];
  modes: readonly WriteModeFlag[];
  /** Parent directory for the databases (each in its own subdirectory, removed after). */
  dir: string;
  seed: number;
  cacheBytes: number;
  writeBufferBytes: number;
  progress?: (message: string) => void;
  /** Wraps each timed run (for profiling); the default just runs it. */
  around?: (label: RunLabel, run: () => Promise<Measurement>) => Promise<Measurement>;
}

export interface RunLabel {
  engine: EngineName;
  workload: Workload;
  mode: string;
}

export interface MaintenanceRecord {
  engine: EngineName;
  /** What was done untimed-for-the-tables: 'settle' (flush + compact before reads) or 'prefill'. */
  what: 'settle' | 'prefill';
  elapsedMs: number;
}

export interface BenchOutput {
  rows: ResultRow[];
  maintenance: MaintenanceRecord[];
}

/** Untimed point reads or seeks before each timed read workload. */
const READ_WARMUP_OPS = 2_000;

interface WriteMode {
  mode: string;
  kind: 'serial' | 'batched' | 'concurrent';
  durable: boolean;
  writers: number;
  count: number;
}

function writeModes(config: BenchConfig): WriteMode[] {
  const modes: WriteMode[] = [];
  for (const flag of config.modes) {
    if (flag === 'serial') modes.push({ mode: 'serial', kind: 'serial', durable: false, writers: 1, count: config.num });
    if (flag === 'batched') modes.push({ mode: 'batched', kind: 'batched', durable: false, writers: 1, count: config.num });
    if (flag === 'durable') {
      modes.push({ mode: 'durable-1', kind: 'concurrent', durable: true, writers: 1, count: Math.min(config.num, config.durableNum) });
      modes.push({
        mode: `durable-${config.durableWriters}`,
        kind: 'concurrent',
        durable: true,
        writers: config.durableWriters,
        count: Math.min(config.num, config.durableConcurrentNum),
      });
    }
  }
  return modes;
}

export async function runBench(config: BenchConfig): Promise<BenchOutput> {
  const rows: ResultRow[] = [];
  const maintenance: MaintenanceRecord[] = [];
  const selected = new Set(config.benchmarks);
  const progress = config.progress ?? ((): void => {});
  const around = config.around ?? ((_label: RunLabel, run: () => Promise<Measurement>): Promise<Measurement> => run());
  const fillOrder = permutedOrder(config.num, config.seed);
  const readsSelected = READ_WORKLOADS.some((workload) => selected.has(workload));
  await mkdir(config.dir, { recursive: true });

  const timed = async (engine: Engine, workload: Workload, mode: string, run: () => Promise<Measurement>): Promise<Measurement> => {
    progress(`${workload} ${mode} ${engine.name}…`);
    const measurement = await around({ engine: engine.name, workload, mode }, run);
    rows.push(makeRow(workload, engine.name, mode, measurement.ops, measurement.elapsedMs, measurement.latency));
    return measurement;
  };

  const write = (engine: Engine, mode: WriteMode, order: Uint32Array, values: ValueGenerator): Promise<Measurement> => {
    switch (mode.kind) {
      case 'serial':
        return writeSerial(engine, order, values);
      case 'batched':
        return writeBatched(engine, order, values, config.batchSize);
      case 'concurrent':
        return writeConcurrent(engine, order, values, mode.writers, config.durableTimeLimitMs);
    }
  };

  const withDatabase = async (name: EngineName, step: string, durable: boolean, body: (engine: Engine) => Promise<void>): Promise<void> => {
    const dir = join(config.dir, `${name}-${step}`);
    await rm(dir, { recursive: true, force: true });
    const engine = await openEngine(name, dir, { durable, cacheBytes: config.cacheBytes, writeBufferBytes: config.writeBufferBytes });
    try {
      await body(engine);
    } finally {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  };

  const runReads = async (engine: Engine): Promise<void> => {
    const settleStart = performance.now();
    await engine.settle();
    maintenance.push({ engine: engine.name, what: 'settle', elapsedMs: performance.now() - settleStart });
    const n = config.num;
    // A short untimed pass first, so the first engine measured does not also pay for compiling the
    // shared loop. It uses keys from the timed set: its cache effect is tiny (READ_WARMUP_OPS ≪ num).
    const warm = (keys: Uint32Array): Uint32Array => keys.subarray(0, Math.min(keys.length, READ_WARMUP_OPS));
    if (selected.has('readrandom')) {
      const keys = uniformDraws(config.reads, n, config.seed + 2);
      await readPoints(engine, warm(keys), false, 'sync');
      await timed(engine, 'readrandom', 'sync', () => readPoints(engine, keys, false, 'sync'));
      await readPoints(engine, warm(keys), false, 'awaited');
      await timed(engine, 'readrandom', 'awaited', () => readPoints(engine, keys, false, 'awaited'));
    }
    if (selected.has('readmissing')) {
      const keys = uniformDraws(config.reads, n, config.seed + 3);
      await readPoints(engine, warm(keys), true, 'sync');
      await timed(engine, 'readmissing', 'sync', () => readPoints(engine, keys, true, 'sync'));
    }
    if (selected.has('seekrandom')) {
      const keys = uniformDraws(config.seeks, n, config.seed + 4);
      await seekRandom(engine, warm(keys), n);
      await timed(engine, 'seekrandom', 'seek', () => seekRandom(engine, keys, n));
    }
    if (selected.has('readseq')) await timed(engine, 'readseq', 'scan', () => readSequential(engine, n));
  };

  const modes = writeModes(config);

  if (selected.has('fillseq')) {
    for (const mode of modes) {
      const order = sequentialOrder(mode.count);
      for (const name of config.engines) {
        await withDatabase(name, `fillseq-${mode.mode}`, mode.durable, async (engine) => {
          await timed(engine, 'fillseq', mode.mode, () => write(engine, mode, order, new ValueGenerator()));
        });
      }
    }
  }

  const randomChain = selected.has('fillrandom') || selected.has('overwrite');
  let readsDone = false;
  for (const mode of modes) {
    const hostsReads = readsSelected && mode.mode === 'batched';
    if (!randomChain && !hostsReads) continue;
    readsDone ||= hostsReads;
    const order = fillOrder.subarray(0, mode.count);
    for (const name of config.engines) {
      await withDatabase(name, `random-${mode.mode}`, mode.durable, async (engine) => {
        const values = new ValueGenerator();
        let written: number;
        if (selected.has('fillrandom')) {
          written = (await timed(engine, 'fillrandom', mode.mode, () => write(engine, mode, order, values))).ops;
        } else {
          const start = performance.now();
          written = (await writeBatched(engine, order, values, config.batchSize)).ops;
          maintenance.push({ engine: name, what: 'prefill', elapsedMs: performance.now() - start });
        }
        if (selected.has('overwrite')) {
          const draws = uniformDraws(mode.count, written, config.seed + 1);
          const keys = new Uint32Array(draws.length);
          for (let i = 0; i < draws.length; i++) keys[i] = order[draws[i]!]!;
          await timed(engine, 'overwrite', mode.mode, () => write(engine, mode, keys, values));
        }
        if (hostsReads) await runReads(engine);
      });
    }
  }

  if (readsSelected && !readsDone) {
    for (const name of config.engines) {
      await withDatabase(name, 'reads', false, async (engine) => {
        const start = performance.now();
        await writeBatched(engine, fillOrder, new ValueGenerator(), config.batchSize);
        maintenance.push({ engine: name, what: 'prefill', elapsedMs: performance.now() - start });
        await runReads(engine);
      });
    }
  }
  return { rows, maintenance };
}
