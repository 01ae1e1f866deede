#!/usr/bin/env node
/**
 * `silt fuzz` (also `npm run fuzz`, `node dist/fuzz/cli.js`): runs the fuzz campaigns of
 * fuzz/registry.ts.
 *
 *   silt fuzz [campaign|all] [--seed N] [--time 60s] [--runs N]
 *   silt fuzz --replay fuzz/regressions/<file>.test.ts
 *   silt fuzz --ci
 *
 * Output contract: the seed is the first line on stdout; a progress line goes to stderr only when
 * stderr is a TTY; results (runs, time, counts) go to stdout. A failure prints its message, the
 * shrunk script and the path of the regression test written for it, and exits 1. Usage errors exit 2.
 *
 * `main(argv, io, campaigns)` does the work and resolves to the exit code, so tests call it directly.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import type { Campaign, CampaignProgress, CampaignResult } from './campaign.js';
import { CAMPAIGNS } from './registry.js';
import { readRegression, writeRegression } from './regressions.js';
import { runIfEntryPoint } from '../engine/cli-entry.js';

export interface FuzzIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  cwd: string;
}

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const REGRESSIONS_DIRECTORY = 'fuzz/regressions';

class UsageError extends Error {}

function help(campaigns: readonly Campaign[]): string {
  const width = Math.max(...campaigns.map((c) => c.name.length), 3);
  const list = campaigns.map((c) => `  ${c.name.padEnd(width)}  ${c.description}`).join('\n');
  return `silt fuzz — property-based fuzzing of Silt (shrinks failures, writes regression tests)

Usage:
  silt fuzz [campaign|all] [options]
  silt fuzz --replay <regression file>
  silt fuzz --ci

Campaigns:
${list}

Options:
  --seed <n>          seed (default: random); printed first, so any run can be repeated
  --runs <n>          stop after n runs (each campaign counts its own unit: sequences, crash points, requests)
  --time <duration>   stop after this long per campaign: 90s, 5m, 1h, 500ms (a bare number means seconds)
                      (without --runs or --time a campaign runs its CI budget)
  --replay <file>     re-run the counterexample recorded in a regression file; exit 1 while it still fails
  --ci                every campaign at its CI budget, then a table of counts
  --regressions <dir> where failures are written (default ${REGRESSIONS_DIRECTORY}/)
  -h, --help          this help

Exit codes: 0 no failure, 1 a failure (script printed, regression test written), 2 a usage error.

Examples:
  silt fuzz lsm --time 60s                     # a minute of model-based store fuzzing
  silt fuzz crash --seed 1234 --runs 5000      # repeatable: same seed, same crash points
  silt fuzz all --time 30s
  silt fuzz --replay fuzz/regressions/lsm-1234-0a1b2c3d.test.ts
  npm run fuzz -- metamorphic --time 5m
`;
}

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a duration such as `60s`, `5m`, `1h`, `250ms` or `90` (seconds). */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) throw new UsageError(`--time wants a duration such as 60s, 5m or 1h, got '${text}'`);
  const ms = Number(match[1]) * UNITS_MS[match[2] ?? 's']!;
  if (!(ms > 0) || !Number.isFinite(ms)) throw new UsageError(`--time must be positive, got '${text}'`);
  return Math.round(ms);
}

function parseCount(name: string, text: string, min: number): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new UsageError(`--${name} wants an integer >= ${min}, got '${text}'`);
  }
  return Number(text);
}

function parseFuzzArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      seed: { type: 'string' },
      runs: { type: 'string' },
      time: { type: 'string' },
      replay: { type: 'string' },
      ci: { type: 'boolean' },
      regressions: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function randomSeed(): number {
  const seed = new Uint32Array(1);
  globalThis.crypto.getRandomValues(seed);
  return seed[0]! >>> 1; // a positive 31-bit number reads and types easily
}

function formatMs(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)}s` : `${(ms / 1000).toFixed(1)}s`;
}

function formatCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
}

function progressWriter(io: FuzzIo, name: string): ((progress: CampaignProgress) => void) | undefined {
  if (io.stderr.isTTY !== true) return undefined;
  return (progress) => {
    io.stderr.write(`\r\x1b[K${name}: ${progress.runs} runs, ${formatMs(progress.elapsedMs)}, ${formatCounts(progress.counts)}`.slice(0, 200));
  };
}

async function reportFailure(result: CampaignResult, io: FuzzIo, directory: string): Promise<void> {
  const failure = result.failure;
  if (failure === null) return;
  io.stdout.write(`\nFAILURE in ${failure.campaign} (seed ${failure.seed}):\n${failure.message}\n\nShrunk counterexample:\n${failure.script}\n\n`);
  const path = await writeRegression(failure, directory);
  io.stdout.write(`Regression test written: ${path}\nReplay: silt fuzz --replay ${path}\n`);
}

async function runOne(campaign: Campaign, seed: number, budget: { runs?: number; timeMs?: number }, io: FuzzIo): Promise<CampaignResult> {
  const onProgress = progressWriter(io, campaign.name);
  const result = await campaign.run({ seed, ...budget, ...(onProgress === undefined ? {} : { onProgress }) });
  if (onProgress !== undefined) io.stderr.write('\r\x1b[K');
  io.stdout.write(`${campaign.name}: ${result.runs} runs in ${formatMs(result.elapsedMs)}${result.failure === null ? '' : ' (FAILED)'}; ${formatCounts(result.counts)}\n`);
  return result;
}

function table(results: readonly CampaignResult[]): string {
  const rows = results.map((r) => [r.campaign, String(r.runs), formatMs(r.elapsedMs), r.failure === null ? 'ok' : 'FAILED', formatCounts(r.counts)]);
  const header = ['campaign', 'runs', 'time', 'result', 'counts'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  const total = results.reduce((sum, r) => sum + r.elapsedMs, 0);
  return [line(header), ...rows.map(line), `total ${formatMs(total)}`].join('\n') + '\n';
}

/** Runs the fuzz CLI with `argv` (after `silt fuzz`); resolves to the exit code. */
export async function main(argv: readonly string[], io: FuzzIo = processIo(), campaigns: readonly Campaign[] = CAMPAIGNS): Promise<number> {
  try {
    const { values, positionals } = parseFuzzArgs(argv);
    if (values.help === true) {
      io.stdout.write(help(campaigns));
      return EXIT_OK;
    }
    if (positionals.length > 1) throw new UsageError(`one campaign at a time (or 'all'), got ${positionals.join(' ')}`);
    const target = positionals[0] ?? 'all';
    if (target !== 'all' && !campaigns.some((c) => c.name === target)) {
      throw new UsageError(`unknown campaign '${target}' (campaigns: ${campaigns.map((c) => c.name).join(', ')}, all)`);
    }
    if (values.replay !== undefined && (positionals.length > 0 || values.ci === true || values.runs !== undefined || values.time !== undefined)) {
      throw new UsageError('--replay takes only the regression file');
    }
    if (values.ci === true && (positionals.length > 0 || values.runs !== undefined || values.time !== undefined)) {
      throw new UsageError('--ci runs every campaign at its CI budget; it takes only --seed');
    }
    const seed = values.seed === undefined ? randomSeed() : parseCount('seed', values.seed, 0);
    const runs = values.runs === undefined ? undefined : parseCount('runs', values.runs, 1);
    const timeMs = values.time === undefined ? undefined : parseDuration(values.time);
    const directory = resolvePath(io.cwd, values.regressions ?? REGRESSIONS_DIRECTORY);

    if (values.replay !== undefined) return await replay(resolvePath(io.cwd, values.replay), io, campaigns);

    io.stdout.write(`seed: ${seed}\n`);
    const selected = target === 'all' || values.ci === true ? campaigns : campaigns.filter((c) => c.name === target);
    const results: CampaignResult[] = [];
    for (const campaign of selected) {
      const budget = values.ci === true ? campaign.ciBudget : { ...(runs === undefined ? {} : { runs }), ...(timeMs === undefined ? {} : { timeMs }) };
      const result = await runOne(campaign, seed, budget, io);
      results.push(result);
      if (result.failure !== null) {
        await reportFailure(result, io, directory);
        return EXIT_FAILURE;
      }
    }
    if (values.ci === true || selected.length > 1) io.stdout.write(`\n${table(results)}`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`silt fuzz: ${error.message}\nRun 'silt fuzz --help' for usage.\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

async function replay(path: string, io: FuzzIo, campaigns: readonly Campaign[]): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let recorded;
  try {
    recorded = readRegression(text);
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
  const campaign = campaigns.find((c) => c.name === recorded.campaign);
  if (campaign === undefined) throw new UsageError(`${path} names campaign '${recorded.campaign}', which is not registered`);
  io.stdout.write(`replay: ${path} (campaign ${campaign.name})\n`);
  const result = await campaign.replay(recorded.replay);
  if (result.failure === null) {
    io.stdout.write(`passed in ${formatMs(result.elapsedMs)}${Object.keys(result.counts).length > 0 ? `; ${formatCounts(result.counts)}` : ''}\n`);
    return EXIT_OK;
  }
  io.stdout.write(`FAILS: ${result.failure.message}\n\nCounterexample:\n${result.failure.script}\n`);
  return EXIT_FAILURE;
}

function processIo(): FuzzIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}

runIfEntryPoint(import.meta.url, 'silt fuzz', (argv) => main(argv));
