#!/usr/bin/env node
/**
 * `silt bench`: run a benchmark (the default suite, a phase from flags, or a suite from a JSON file)
 * and report it — the table on stdout, JSON and a self-contained HTML report in data/bench/ —, compare
 * two results, re-render a saved result, and judge `--threshold` rules for CI.
 *
 *   silt bench [options]                  run (no options: the default suite, what `npm run bench` runs)
 *   silt bench compare a.json b.json      deltas from a to b
 *   silt bench report result.json         the table (and --html/--png) of a saved result
 *
 * Output discipline: stdout gets results only (the table, or JSON with --format json); progress goes
 * to stderr and only when stderr is a terminal; the paths of written files go to stderr.
 * Exit codes: 0 success, 1 a threshold failed (or a runtime failure), 2 a usage error.
 *
 * `main(argv, io, runner?)` does the work and returns the exit code, so tests call it with a fake
 * runner; the load generator (bench/harness/run.ts) is imported only when a run is asked for. The
 * module runs main() itself only when executed (`node dist/bench/cli.js`), not when imported.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { BenchConfig } from './harness/config.js';
import type { SelfCheckTransport } from './harness/run.js';
import type { BenchResult } from './harness/result.js';
import { compareResults, DEFAULT_TOLERANCE, formatComparison } from './report/compare.js';
import { writeHtml } from './report/html.js';
import { readResultJson, ResultFormatError, stringifyResult, writeResultJson } from './report/json.js';
import { writePng } from './report/png.js';
import { formatReport } from './report/table.js';
import { evaluateThresholds, formatVerdicts, parseThreshold, ThresholdParseError, type Threshold } from './report/threshold.js';
import { BENCH_HELP, COMPARE_HELP, REPORT_HELP } from './report/help.js';
import { configFromFlags, RUN_FLAG_NAMES, type RunFlags } from './report/flags.js';
import { runIfEntryPoint } from '../engine/cli-entry.js';
import { UsageError } from './script.js';

export interface BenchIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  cwd: string;
  /** Where AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION are read (default none). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** What a run needs from the load generator (bench/harness/run.ts); tests pass a fake. */
export interface BenchRunner {
  defaultSuite(): readonly BenchConfig[];
  /** The transports the default suite self-checks besides its phases' own. */
  defaultSuiteSelfChecks?(): readonly SelfCheckTransport[];
  /** Validates one phase's JSON; throws with a readable message (BenchConfigError) when invalid. */
  parseConfig(json: unknown): BenchConfig;
  runSuite(configs: readonly BenchConfig[], hooks: { onProgress?(line: string): void; argv?: readonly string[]; selfChecks?: readonly SelfCheckTransport[] }): Promise<BenchResult>;
  /** True for the errors of parseConfig: they are usage errors (exit 2). */
  isConfigError(error: unknown): boolean;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
const DEFAULT_OUT_DIR = 'data/bench';


async function harnessRunner(): Promise<BenchRunner> {
  const run = await import('./harness/run.js');
  return {
    defaultSuite: () => run.DEFAULT_SUITE,
    defaultSuiteSelfChecks: () => run.DEFAULT_SUITE_SELF_CHECKS,
    parseConfig: (json) => run.parseBenchConfig(json),
    runSuite: (configs, hooks) => run.runSuite(configs, hooks),
    isConfigError: (error) => error instanceof run.BenchConfigError,
  };
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs's messages name the flag ("Unknown option '--x'").
    throw new UsageError((error as Error).message);
  }
}

const OUTPUT_OPTIONS = {
  format: { type: 'string' },
  threshold: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const RUN_OPTIONS = {
  ...OUTPUT_OPTIONS,
  ...Object.fromEntries(RUN_FLAG_NAMES.map((name) => [name, { type: 'string' }])),
  'in-memory': { type: 'boolean' },
  'no-self-check': { type: 'boolean' },
  config: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  'no-html': { type: 'boolean' },
  png: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const COMPARE_OPTIONS = { ...OUTPUT_OPTIONS, tolerance: { type: 'string' }, 'fail-on-regression': { type: 'boolean' } } as const satisfies ParseArgsConfig['options'];
const REPORT_OPTIONS = { ...OUTPUT_OPTIONS, html: { type: 'string' }, png: { type: 'string' }, phase: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

function outputFormat(value: string | undefined): 'table' | 'json' {
  if (value === undefined || value === 'table') return 'table';
  if (value === 'json') return 'json';
  throw new UsageError(`--format must be 'table' or 'json', got '${value}'`);
}

function thresholds(values: readonly string[] | undefined): Threshold[] {
  try {
    return (values ?? []).map(parseThreshold);
  } catch (error) {
    if (error instanceof ThresholdParseError) throw new UsageError(error.message);
    throw error;
  }
}

/** Prints the verdicts (stdout for the table format, stderr beside JSON); false when any failed. */
function judge(result: BenchResult, rules: readonly Threshold[], format: 'table' | 'json', io: BenchIo): boolean {
  if (rules.length === 0) return true;
  const verdicts = evaluateThresholds(result, rules);
  (format === 'table' ? io.stdout : io.stderr).write(`${format === 'table' ? '\n' : ''}## thresholds\n${formatVerdicts(verdicts)}`);
  return verdicts.every((verdict) => verdict.pass);
}

/** data/bench/2025-03-01T12-00-00Z: the run's start time, safe in a file name on every system. */
export function defaultReportStem(startedAt: string): string {
  return startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

async function runCommand(args: readonly string[], io: BenchIo, getRunner: () => Promise<BenchRunner>): Promise<number> {
  const { values, positionals } = parse(args, RUN_OPTIONS);
  if (values.help === true) {
    io.stdout.write(BENCH_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]!}' (commands: compare, report)`);
  const format = outputFormat(values.format);
  const rules = thresholds(values.threshold);
  if (values['no-html'] === true && values.html !== undefined) throw new UsageError('--html and --no-html exclude each other');
  const flags: RunFlags = {};
  for (const name of RUN_FLAG_NAMES) {
    const value = (values as Record<string, string | boolean | string[] | undefined>)[name];
    if (typeof value === 'string') flags[name] = value;
  }
  if (values['in-memory'] === true) flags['in-memory'] = 'true';
  if (values['no-self-check'] === true) flags['self-check'] = 'false';
  const defaultSuite = values.config === undefined && Object.values(flags).every((value) => value === undefined);

  const runner = await getRunner();
  let configs: BenchConfig[];
  try {
    let fileJson: unknown;
    if (values.config !== undefined) {
      const path = resolvePath(io.cwd, values.config);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        throw new UsageError(`cannot read --config ${path}: ${(error as Error).message}`);
      }
      try {
        fileJson = JSON.parse(text);
      } catch (error) {
        throw new UsageError(`--config ${path} is not JSON: ${(error as Error).message}`);
      }
    }
    const raw = configFromFlags(flags, fileJson, io.env ?? {});
    configs = raw === undefined ? [...runner.defaultSuite()] : raw.map((phase) => runner.parseConfig(phase));
  } catch (error) {
    if (error instanceof RangeError || runner.isConfigError(error)) throw new UsageError((error as Error).message);
    throw error;
  }

  const progress = io.stderr.isTTY === true ? (line: string): void => void io.stderr.write(`· ${line}\n`) : undefined;
  const selfChecks = defaultSuite ? (runner.defaultSuiteSelfChecks?.() ?? []) : [];
  const result = await runner.runSuite(configs, { ...(progress === undefined ? {} : { onProgress: progress }), argv: args, ...(selfChecks.length > 0 ? { selfChecks } : {}) });

  io.stdout.write(format === 'json' ? stringifyResult(result) : formatReport(result));
  const stem = join(resolvePath(io.cwd, values.out ?? DEFAULT_OUT_DIR), defaultReportStem(result.startedAt));
  const written: string[] = [];
  const jsonPath = values.json === undefined ? `${stem}.json` : resolvePath(io.cwd, values.json);
  await writeResultJson(jsonPath, result);
  written.push(jsonPath);
  let htmlPath: string | undefined;
  if (values['no-html'] !== true) {
    htmlPath = values.html === undefined ? `${stem}.html` : resolvePath(io.cwd, values.html);
    await writeHtml(htmlPath, result);
    written.push(htmlPath);
  }
  if (values.png !== undefined) {
    const pngPath = resolvePath(io.cwd, values.png);
    await writePng(pngPath, result);
    written.push(pngPath);
  }
  io.stderr.write(written.map((path) => `wrote ${path}\n`).join(''));
  // The report is what the run is for: say where it is where it will be seen (stdout carries results only).
  if (htmlPath !== undefined && format === 'table') io.stderr.write(`HTML report: ${pathToFileURL(htmlPath).href}\n`);
  return judge(result, rules, format, io) ? EXIT_OK : EXIT_FAILURE;
}

async function readResults(paths: readonly string[], io: BenchIo): Promise<BenchResult[]> {
  try {
    return await Promise.all(paths.map((path) => readResultJson(resolvePath(io.cwd, path))));
  } catch (error) {
    if (error instanceof ResultFormatError) throw new UsageError(error.message);
    throw error;
  }
}

async function compareCommand(args: readonly string[], io: BenchIo): Promise<number> {
  const { values, positionals } = parse(args, COMPARE_OPTIONS);
  if (values.help === true) {
    io.stdout.write(COMPARE_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 2) throw new UsageError(`compare takes two result files (a.json b.json), got ${positionals.length}`);
  const format = outputFormat(values.format);
  const rules = thresholds(values.threshold);
  let tolerance = DEFAULT_TOLERANCE;
  if (values.tolerance !== undefined) {
    const match = /^(\d+(?:\.\d+)?)%?$/.exec(values.tolerance);
    if (match === null) throw new UsageError(`--tolerance must be a percentage like 5%, got '${values.tolerance}'`);
    tolerance = Number(match[1]) / 100;
  }
  const [a, b] = (await readResults(positionals, io)) as [BenchResult, BenchResult];
  const comparison = compareResults(a, b, tolerance);
  io.stdout.write(format === 'json' ? `${JSON.stringify(comparison, null, 2)}\n` : formatComparison(comparison));
  const thresholdsHold = judge(b, rules, format, io);
  const regressionsAllowed = values['fail-on-regression'] !== true || comparison.regressions === 0;
  return thresholdsHold && regressionsAllowed ? EXIT_OK : EXIT_FAILURE;
}

async function reportCommand(args: readonly string[], io: BenchIo): Promise<number> {
  const { values, positionals } = parse(args, REPORT_OPTIONS);
  if (values.help === true) {
    io.stdout.write(REPORT_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError(`report takes one result file, got ${positionals.length}`);
  const format = outputFormat(values.format);
  const rules = thresholds(values.threshold);
  const [result] = (await readResults(positionals, io)) as [BenchResult];
  if (values.phase !== undefined && !result.phases.some((phase) => phase.name === values.phase)) {
    throw new UsageError(`--phase: no phase named '${values.phase}' (phases: ${result.phases.map((phase) => phase.name).join(', ')})`);
  }
  io.stdout.write(format === 'json' ? stringifyResult(result) : formatReport(result));
  const written: string[] = [];
  if (values.html !== undefined) {
    const path = resolvePath(io.cwd, values.html);
    await writeHtml(path, result);
    written.push(path);
  }
  if (values.png !== undefined) {
    const path = resolvePath(io.cwd, values.png);
    await writePng(path, result, values.phase === undefined ? {} : { phase: values.phase });
    written.push(path);
  }
  io.stderr.write(written.map((path) => `wrote ${path}\n`).join(''));
  return judge(result, rules, format, io) ? EXIT_OK : EXIT_FAILURE;
}

/** Runs `silt bench` with `argv` (after `bench`); resolves to the exit code. */
export async function main(argv: readonly string[], io: BenchIo = processIo(), getRunner: () => Promise<BenchRunner> = harnessRunner): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'compare':
        return await compareCommand(rest, io);
      case 'report':
        return await reportCommand(rest, io);
      case 'help':
        io.stdout.write(rest[0] === 'compare' ? COMPARE_HELP : rest[0] === 'report' ? REPORT_HELP : BENCH_HELP);
        return EXIT_OK;
      default:
        return await runCommand(argv, io, getRunner);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const topic = command === 'compare' || command === 'report' ? ` ${command}` : '';
      io.stderr.write(`silt bench: ${error.message}\nRun 'silt bench${topic} --help' for usage.\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

function processIo(): BenchIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

runIfEntryPoint(import.meta.url, 'silt bench', (argv) => main(argv));
