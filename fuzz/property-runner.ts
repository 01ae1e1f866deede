/**
 * Runs a fast-check property as a campaign: the budget (runs or wall time), progress reports,
 * counts, and a failure that carries the SHRUNK counterexample as a script and as replay JSON.
 *
 * Determinism: the run is split into chunks of at most `chunkRuns` cases, chunk k checked by
 * fc.check with seed chunkSeed(seed, k). With a `runs` budget the same seed gives the same cases;
 * a time budget only decides how many chunks run. A failing chunk shrinks to completion (shrinking
 * is never cut short by the budget), so the printed counterexample is as small as fast-check gets it.
 *
 * Counts: `check` returns counters for a case; they are summed only for cases run before the first
 * failure, not for the re-runs fast-check makes while shrinking.
 */
import fc from 'fast-check';
import type { CampaignFailure, CampaignOptions, CampaignResult } from './campaign.js';

export interface PropertySpec<T> {
  campaign: string;
  arbitrary: fc.Arbitrary<T>;
  /** Runs one case; throws when it fails. Resolves to counters to add to the campaign's counts. */
  check(value: T): Promise<Readonly<Record<string, number>>>;
  /** The readable script of a case, one operation per line. */
  script(value: T): string;
  /** Cases per fc.check call (default 10): smaller stops closer to a time budget. */
  chunkRuns?: number;
  /** How many runs a case counts for, from its counters (default 1; the crash campaign counts crash points). */
  runsOf?: (counts: Readonly<Record<string, number>>) => number;
}

export interface Budget {
  runs?: number;
  timeMs?: number;
}

const PROGRESS_INTERVAL_MS = 250;
const CHUNK_RUNS_DEFAULT = 10;

/** The budget options ask for, or `fallback` when they set neither runs nor time. */
export function budgetOf(options: CampaignOptions, fallback: Budget): { runs: number; deadlineMs: number } {
  const runs = options.runs ?? (options.timeMs === undefined ? fallback.runs : undefined);
  const timeMs = options.timeMs ?? (options.runs === undefined ? fallback.timeMs : undefined);
  return { runs: runs ?? Number.POSITIVE_INFINITY, deadlineMs: timeMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeMs };
}

/** A 32-bit seed for chunk `index` of a run seeded `seed` (splitmix-style, so neighbours differ). */
export function chunkSeed(seed: number, index: number): number {
  let z = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Adds `more` into `counts`. */
export function addCounts(counts: Record<string, number>, more: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(more)) counts[name] = (counts[name] ?? 0) + value;
}

/** Calls onProgress at most every PROGRESS_INTERVAL_MS. */
export function progressReporter(options: CampaignOptions, startMs: number): (runs: number, counts: Readonly<Record<string, number>>) => void {
  let lastMs = startMs;
  return (runs, counts) => {
    const onProgress = options.onProgress;
    if (onProgress === undefined) return;
    const now = performance.now();
    if (now - lastMs < PROGRESS_INTERVAL_MS) return;
    lastMs = now;
    onProgress({ runs, elapsedMs: now - startMs, counts: { ...counts } });
  };
}

/**
 * Lets timers and I/O run. A campaign's store work settles in microtasks (the memory file system
 * never waits), so without this a long run would starve the event loop: no progress line, and a
 * test runner's worker misses its heartbeat. Called once per case.
 */
export function yieldToMacrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the property under the budget; see the header. */
export async function runProperty<T>(spec: PropertySpec<T>, options: CampaignOptions, fallback: Budget): Promise<CampaignResult> {
  const startMs = performance.now();
  const { runs: runsMax, deadlineMs } = budgetOf(options, fallback);
  const counts: Record<string, number> = {};
  const progress = progressReporter(options, startMs);
  let runs = 0;
  let failing = false;
  let failure: CampaignFailure | null = null;
  const property = fc.asyncProperty(spec.arbitrary, async (value) => {
    await yieldToMacrotasks();
    if (failing) {
      await spec.check(value); // a shrinking step: not counted
      return;
    }
    if (performance.now() > deadlineMs) return; // out of time: the rest of the chunk passes unrun
    try {
      const more = await spec.check(value);
      runs += spec.runsOf?.(more) ?? 1;
      addCounts(counts, more);
      progress(runs, counts);
    } catch (error) {
      runs++;
      failing = true;
      throw error;
    }
  });
  for (let chunk = 0; runs < runsMax && performance.now() < deadlineMs; chunk++) {
    const numRuns = Math.min(spec.chunkRuns ?? CHUNK_RUNS_DEFAULT, runsMax - runs);
    const details = await fc.check(property, { seed: chunkSeed(options.seed, chunk) | 0, numRuns });
    if (details.failed) {
      const value = details.counterexample?.[0];
      if (value === undefined) throw new Error(`${spec.campaign}: fast-check failed without a counterexample`);
      failure = {
        campaign: spec.campaign,
        seed: options.seed,
        message: `${errorMessage(details.errorInstance)} (shrunk in ${details.numShrinks} steps)`,
        script: spec.script(value),
        replay: value,
      };
      break;
    }
  }
  return { campaign: spec.campaign, seed: options.seed, runs, elapsedMs: performance.now() - startMs, counts, failure };
}

/** Re-runs one recorded case (the `replay` of a failure) without search. */
export async function replayProperty<T>(spec: PropertySpec<T>, value: T): Promise<CampaignResult> {
  const startMs = performance.now();
  let failure: CampaignFailure | null = null;
  let counts: Record<string, number> = {};
  try {
    counts = { ...(await spec.check(value)) };
  } catch (error) {
    failure = { campaign: spec.campaign, seed: 0, message: errorMessage(error), script: spec.script(value), replay: value };
  }
  return { campaign: spec.campaign, seed: 0, runs: 1, elapsedMs: performance.now() - startMs, counts, failure };
}
