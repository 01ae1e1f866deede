/**
 * db-bench's command line: flags, defaults, validation and the usage text. Defaults are sized so the
 * whole default run (1M entries, every workload and mode, three engines) fits in about ten minutes on
 * two cores; see bench/README.md for what each flag means.
 */
import { parseArgs } from 'node:util';
import { ENGINE_NAMES, type EngineName } from './adapters.js';
import { READ_WORKLOADS, WORKLOADS, type Workload } from './report.js';
import { WRITE_MODE_FLAGS, type WriteModeFlag } from './runner.js';
import { UsageError } from '../script.js';

export interface CliOptions {
  num: number;
  reads: number;
  seeks: number;
  batchSize: number;
  durableNum: number;
  durableWriters: number;
  durableConcurrentNum: number;
  durableSeconds: number;
  benchmarks: Workload[];
  engines: EngineName[];
  modes: WriteModeFlag[];
  cacheMib: number;
  writeBufferMib: number;
  seed: number;
  dir: string | undefined;
  json: string | undefined;
  profile: { workload: Workload; mode: string } | undefined;
  help: boolean;
}

export const DEFAULTS = {
  num: 1_000_000,
  seeksMax: 100_000,
  batchSize: 100,
  durableNum: 2_000,
  durableWriters: 64,
  durableConcurrentNum: 20_000,
  durableSeconds: 10,
  cacheMib: 128,
  writeBufferMib: 16,
  seed: 301,
} as const;

export const USAGE = `usage: npm run bench:db -- [flags]  (or: node dist/bench/lsm/db-bench.js [flags])

  --num N                     entries per database (default ${DEFAULTS.num.toLocaleString('en-US')})
  --reads N                   point reads per read workload (default: --num)
  --seeks N                   seeks for seekrandom (default: min(--reads, ${DEFAULTS.seeksMax.toLocaleString('en-US')}))
  --benchmarks a,b,...        any of ${WORKLOADS.join(',')} (default: all)
  --engines a,b,...           any of ${ENGINE_NAMES.join(',')} (default: all)
  --modes a,b,...             write modes, any of ${WRITE_MODE_FLAGS.join(',')} (default: all)
  --batch-size N              puts per batch in batched mode (default ${DEFAULTS.batchSize})
  --durable-num N             puts in the one-writer durable runs (default ${DEFAULTS.durableNum.toLocaleString('en-US')}, capped by --num)
  --durable-writers N         concurrent writers in the other durable run (default ${DEFAULTS.durableWriters})
  --durable-concurrent-num N  puts in that run (default ${DEFAULTS.durableConcurrentNum.toLocaleString('en-US')}, capped by --num)
  --durable-seconds S         a durable run stops starting puts after S seconds (default ${DEFAULTS.durableSeconds})
  --cache-mib N               Silt block cache and LevelDB cache, MiB each (default ${DEFAULTS.cacheMib})
  --write-buffer-mib N        Silt memtable and LevelDB write buffer, MiB each (default ${DEFAULTS.writeBufferMib})
  --seed N                    seed of the key orders (default ${DEFAULTS.seed})
  --dir PATH                  where databases go (a fresh subdirectory, removed after; default: the OS temp dir)
  --json PATH                 also write the JSON report here (it always goes to data/bench/db-bench-<time>.json)
  --profile WORKLOAD[:MODE]   run only Silt on that workload under the CPU profiler and print the top 20
                              functions by self time, e.g. readrandom, readrandom:awaited, fillrandom:batched
  --help
`;

/** db-bench's usage errors are the bench scripts' (bench/script.ts). */
export { UsageError };

function count(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${text}`);
  return value;
}

function list<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T[] {
  if (text === undefined) return [...allowed];
  const items = text.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new UsageError(`--${name}: unknown '${item}' (allowed: ${allowed.join(', ')})`);
  }
  if (items.length === 0) throw new UsageError(`--${name} needs at least one of ${allowed.join(', ')}`);
  // Keep the canonical order, whatever order they were given in.
  return allowed.filter((item) => items.includes(item));
}

function parseProfile(text: string | undefined, durableWriters: number): CliOptions['profile'] {
  if (text === undefined) return undefined;
  const [workloadText, modeText] = text.split(':', 2);
  const workload = WORKLOADS.find((w) => w === workloadText);
  if (workload === undefined) throw new UsageError(`--profile: unknown workload '${workloadText ?? ''}' (allowed: ${WORKLOADS.join(', ')})`);
  const modes: Record<Workload, readonly string[]> = {
    fillseq: ['serial', 'batched', 'durable-1', `durable-${durableWriters}`],
    fillrandom: ['serial', 'batched', 'durable-1', `durable-${durableWriters}`],
    overwrite: ['serial', 'batched', 'durable-1', `durable-${durableWriters}`],
    readrandom: ['sync', 'awaited'],
    readmissing: ['sync'],
    seekrandom: ['seek'],
    readseq: ['scan'],
  };
  const allowed = modes[workload];
  const mode = modeText ?? allowed[0]!;
  if (!allowed.includes(mode)) throw new UsageError(`--profile: ${workload} has modes ${allowed.join(', ')}, not '${mode}'`);
  return { workload, mode };
}

export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        num: { type: 'string' },
        reads: { type: 'string' },
        seeks: { type: 'string' },
        benchmarks: { type: 'string' },
        engines: { type: 'string' },
        modes: { type: 'string' },
        'batch-size': { type: 'string' },
        'durable-num': { type: 'string' },
        'durable-writers': { type: 'string' },
        'durable-concurrent-num': { type: 'string' },
        'durable-seconds': { type: 'string' },
        'cache-mib': { type: 'string' },
        'write-buffer-mib': { type: 'string' },
        seed: { type: 'string' },
        dir: { type: 'string' },
        json: { type: 'string' },
        profile: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const num = count('num', v.num, DEFAULTS.num);
  const reads = count('reads', v.reads, num);
  const durableWriters = count('durable-writers', v['durable-writers'], DEFAULTS.durableWriters);
  const benchmarks = list('benchmarks', v.benchmarks, WORKLOADS);
  return {
    num,
    reads,
    seeks: count('seeks', v.seeks, Math.min(reads, DEFAULTS.seeksMax)),
    batchSize: count('batch-size', v['batch-size'], DEFAULTS.batchSize),
    durableNum: count('durable-num', v['durable-num'], DEFAULTS.durableNum),
    durableWriters,
    durableConcurrentNum: count('durable-concurrent-num', v['durable-concurrent-num'], DEFAULTS.durableConcurrentNum),
    durableSeconds: count('durable-seconds', v['durable-seconds'], DEFAULTS.durableSeconds),
    benchmarks,
    engines: list('engines', v.engines, ENGINE_NAMES),
    modes: list('modes', v.modes, WRITE_MODE_FLAGS),
    cacheMib: count('cache-mib', v['cache-mib'], DEFAULTS.cacheMib, 0),
    writeBufferMib: count('write-buffer-mib', v['write-buffer-mib'], DEFAULTS.writeBufferMib),
    seed: count('seed', v.seed, DEFAULTS.seed, 0),
    dir: v.dir,
    json: v.json,
    profile: parseProfile(v.profile, durableWriters),
    help: v.help === true,
  };
}

/** Whether a workload reads (and so runs on a settled, fully loaded database). */
export function isReadWorkload(workload: Workload): boolean {
  return READ_WORKLOADS.includes(workload);
}
