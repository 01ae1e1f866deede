/**
 * db-bench: LevelDB's db_bench workloads run against Silt's Store, LevelDB (classic-level) and LMDB
 * (lmdb-js) in one process, one engine at a time, printed side by side with Silt's ratios and the
 * project's performance targets. `npm run bench:db -- --help` lists the flags; bench/README.md explains
 * every workload and mode.
 *
 * Output: the tables on stdout; progress on stderr only when it is a terminal; a JSON report in
 * data/bench/db-bench-<time>.json (and at --json). Databases live in a temporary directory that is
 * removed at the end, whatever happens.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isReadWorkload, parseCli, USAGE, UsageError, type CliOptions } from './args.js';
import { describeEnvironment, formatEnvironment, type Environment } from './environment.js';
import { formatSelfTime, topSelfTime, withCpuProfile, type SelfTimeRow } from './profile.js';
import {
  computeRatios,
  evaluateTargets,
  formatResultTables,
  formatTargets,
  type RatioRow,
  type ResultRow,
  type TargetResult,
  type Workload,
} from './report.js';
import { runBench, type BenchConfig, type MaintenanceRecord, type WriteModeFlag } from './runner.js';
import type { Measurement } from './workloads.js';
import { KEY_BYTES, VALUE_BYTES, VALUE_COMPRESSION_RATIO } from './data-gen.js';

export interface DbBenchReport {
  schema: 'silt-db-bench/1';
  startedAt: string;
  environment: Environment;
  options: Omit<CliOptions, 'help' | 'dir' | 'json'> & { keyBytes: number; valueBytes: number; valueCompressionRatio: number };
  results: ResultRow[];
  ratios: RatioRow[];
  targets: TargetResult[];
  maintenance: MaintenanceRecord[];
  profile: { workload: Workload; mode: string; file: string; totalMs: number; top: SelfTimeRow[] } | null;
}

export interface MainIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Progress lines; db-bench sends them to stderr only when it is a terminal. */
  progress: ((text: string) => void) | undefined;
  /** Where the timestamped JSON report (and any .cpuprofile) goes; default data/bench in the repo. */
  reportDir: string;
}

const PROFILE_TOP_FUNCTIONS = 20;

/** The repository root: the nearest ancestor of this module with Silt's package.json (src or dist). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'silt') return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export function defaultIo(): MainIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    progress: process.stderr.isTTY ? (text): boolean => process.stderr.write(`${text}\n`) : undefined,
    reportDir: join(repoRoot(), 'data', 'bench'),
  };
}

function describeOptions(options: CliOptions, root: string): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const durableOne = Math.min(options.num, options.durableNum);
  const durableMany = Math.min(options.num, options.durableConcurrentNum);
  return [
    `Data:       ${n(options.num)} entries, ${KEY_BYTES}-byte keys, ${VALUE_BYTES}-byte values (compressible to ${VALUE_COMPRESSION_RATIO}), seed ${options.seed}`,
    `Runs:       ${options.benchmarks.join(',')} | engines ${options.engines.join(',')} | write modes ${options.modes.join(',')}`,
    `Counts:     reads ${n(options.reads)}, seeks ${n(options.seeks)}, batch ${options.batchSize} puts, ` +
      `durable ${n(durableOne)} puts with 1 writer and ${n(durableMany)} with ${options.durableWriters} writers (each run stops after ${options.durableSeconds} s)`,
    `Tuning:     cache ${options.cacheMib} MiB and write buffer ${options.writeBufferMib} MiB (Silt and LevelDB alike); compression: silt lz4, leveldb snappy, lmdb none`,
    `Databases:  ${root} (removed afterwards)`,
  ].join('\n');
}

/** Runs db-bench with the given flags; returns the report (also printed and written). */
export async function main(argv: readonly string[], io: MainIo = defaultIo()): Promise<DbBenchReport | null> {
  const options = parseCli(argv);
  if (options.help) {
    io.stdout(USAGE);
    return null;
  }
  const startedAt = new Date().toISOString();
  const parent = options.dir === undefined ? os.tmpdir() : resolve(options.dir);
  await mkdir(parent, { recursive: true });
  const root = await mkdtemp(join(parent, 'silt-db-bench-'));
  liveRoots.add(root);
  try {
    const environment = describeEnvironment(root);
    io.stdout(`# Silt db-bench\n${formatEnvironment(environment)}\n${describeOptions(options, root)}\n\n`);

    let engines = options.engines;
    let benchmarks: readonly Workload[] = options.benchmarks;
    let modes: readonly WriteModeFlag[] = options.modes;
    let captured: { measurementLabel: string; profile: Profiler.Profile } | undefined;
    const profileSpec = options.profile;
    let around: BenchConfig['around'];
    if (profileSpec !== undefined) {
      engines = ['silt'];
      benchmarks = [profileSpec.workload];
      modes = isReadWorkload(profileSpec.workload) ? [] : [profileSpec.mode.startsWith('durable') ? 'durable' : (profileSpec.mode as WriteModeFlag)];
      around = async (label, run): Promise<Measurement> => {
        if (label.workload !== profileSpec.workload || label.mode !== profileSpec.mode) return run();
        const { result, profile } = await withCpuProfile(run);
        captured = { measurementLabel: `${label.workload}:${label.mode}`, profile };
        return result;
      };
      io.stdout(`Profiling:  silt ${profileSpec.workload} (${profileSpec.mode}) only\n\n`);
    }

    const config: BenchConfig = {
      num: options.num,
      reads: options.reads,
      seeks: options.seeks,
      batchSize: options.batchSize,
      durableNum: options.durableNum,
      durableWriters: options.durableWriters,
      durableConcurrentNum: options.durableConcurrentNum,
      durableTimeLimitMs: options.durableSeconds * 1000,
      benchmarks,
      engines,
      modes,
      dir: root,
      seed: options.seed,
      cacheBytes: options.cacheMib * 2 ** 20,
      writeBufferBytes: options.writeBufferMib * 2 ** 20,
      ...(io.progress ? { progress: io.progress } : {}),
      ...(around ? { around } : {}),
    };
    const { rows, maintenance } = await runBench(config);
    const ratios = computeRatios(rows);
    const targets = evaluateTargets(rows, options.durableWriters);

    const notes = new Map<Workload, string>();
    if (options.modes.includes('durable')) {
      const note = `durable runs use fewer puts: ${Math.min(options.num, options.durableNum).toLocaleString('en-US')} (1 writer), ${Math.min(options.num, options.durableConcurrentNum).toLocaleString('en-US')} (${options.durableWriters} writers); ops column = puts done`;
      for (const workload of ['fillseq', 'fillrandom', 'overwrite'] as const) notes.set(workload, note);
    }
    io.stdout(`${formatResultTables(rows, ratios, notes)}\n`);
    if (maintenance.length > 0) {
      const text = maintenance.map((m) => `${m.engine} ${m.what} ${(m.elapsedMs / 1000).toFixed(2)} s`).join(', ');
      io.stdout(`Untimed steps (not in the tables): ${text}\n\n`);
    }
    if (profileSpec === undefined) io.stdout(formatTargets(targets));

    await mkdir(io.reportDir, { recursive: true });
    const stamp = startedAt.replace(/[:.]/g, '-');
    let profileReport: DbBenchReport['profile'] = null;
    if (profileSpec !== undefined) {
      if (captured === undefined) throw new Error(`--profile ${profileSpec.workload}:${profileSpec.mode} matched no run`);
      const file = join(io.reportDir, `db-bench-${stamp}-${profileSpec.workload}-${profileSpec.mode}.cpuprofile`);
      await writeFile(file, JSON.stringify(captured.profile));
      const { rows: top, totalMs } = topSelfTime(captured.profile, PROFILE_TOP_FUNCTIONS);
      io.stdout(`## profile: silt ${captured.measurementLabel}\n${formatSelfTime(top, totalMs)}\nsaved ${file} (open in Chrome DevTools → Performance, or speedscope)\n\n`);
      profileReport = { workload: profileSpec.workload, mode: profileSpec.mode, file, totalMs, top };
    }

    const { help: _help, dir: _dir, json: _json, ...reportedOptions } = options;
    const report: DbBenchReport = {
      schema: 'silt-db-bench/1',
      startedAt,
      environment,
      options: { ...reportedOptions, keyBytes: KEY_BYTES, valueBytes: VALUE_BYTES, valueCompressionRatio: VALUE_COMPRESSION_RATIO },
      results: rows,
      ratios,
      targets,
      maintenance,
      profile: profileReport,
    };
    const text = `${JSON.stringify(report, null, 2)}\n`;
    const reportFile = join(io.reportDir, `db-bench-${stamp}.json`);
    await writeFile(reportFile, text);
    if (options.json !== undefined) {
      await mkdir(dirname(resolve(options.json)), { recursive: true });
      await writeFile(options.json, text);
    }
    io.stdout(`JSON report: ${reportFile}${options.json !== undefined ? ` and ${options.json}` : ''}\n`);
    return report;
  } finally {
    liveRoots.delete(root);
    await rm(root, { recursive: true, force: true });
  }
}

/** Database directories of runs in progress, removed on an abnormal exit too. */
const liveRoots = new Set<string>();

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  let finished = false;
  // An engine that drops a promise (never settles it, with nothing left scheduled) empties the event
  // loop mid-run; Node would then exit 0 with half a report. Say so and fail instead.
  process.on('beforeExit', () => {
    if (finished) return;
    finished = true;
    for (const root of liveRoots) rmSync(root, { recursive: true, force: true });
    process.stderr.write('db-bench failed: the event loop emptied while a benchmark was still waiting — an engine left an operation\'s promise unsettled\n');
    process.exitCode = 1;
  });
  main(process.argv.slice(2)).then(() => {
    finished = true;
  }, (error: unknown) => {
    finished = true;
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
    else process.stderr.write(`db-bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
