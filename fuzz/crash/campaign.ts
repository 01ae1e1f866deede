/**
 * Campaign `crash`: the store on the fault-injecting file system, in four modes run one after the
 * other, each with a share of the budget (runs or time):
 *   - random (50%): seeded concurrent workloads crashed at random file operations, biased to just
 *     after syncs and renames; process-crash and power-loss images; crashes during recovery
 *     (random-crashes.ts). Shrinks with fast-check.
 *   - exhaustive (30%): every sequence of up to 3 operations from a small alphabet x a crash after
 *     every file operation (exhaustive.ts), continuing from a seed-chosen sequence.
 *   - torn-tail (10%): the newest WAL cut at every byte of its last two records (torn-tail.ts).
 *   - bit-flip (10%): single-bit damage in every kind of file (bit-flip.ts).
 * A run is one crash point, WAL cut or bit flip. The oracle is in oracle.ts.
 *
 * `crashCampaign({ fileSystem })` puts another layer between the store and the FaultFileSystem for
 * the random and exhaustive modes (the proof-of-power test passes one that acknowledges fsync without
 * persisting).
 */
import { SeededRandom } from '../../engine/util/random.js';
import type { Campaign, CampaignFailure, CampaignOptions, CampaignResult } from '../campaign.js';
import { addCounts, budgetOf, errorMessage, progressReporter, runProperty, yieldToMacrotasks, type PropertySpec } from '../property-runner.js';
import { buildFlipBase, buildImageWithOlderWal, flipAndCheck, flipTargets, olderWalTargets, truthOf, type FlipTarget } from './bit-flip.js';
import { checkExhaustiveCase, exhaustiveScript, exhaustiveSequences, forEachExhaustiveCase, type ExhaustiveCase } from './exhaustive.js';
import { plainFaultFileSystem, type CrashFileSystemFactory } from './oracle.js';
import { checkRandomCrashCase, randomCrashCaseArbitrary, randomCrashScript, type RandomCrashCase } from './random-crashes.js';
import { buildTornTailBase, checkTornTail } from './torn-tail.js';

export type CrashReplay =
  | { mode: 'random'; case: RandomCrashCase }
  | { mode: 'exhaustive'; case: ExhaustiveCase }
  | { mode: 'torn-tail'; seed: number; cut: number }
  | { mode: 'bit-flip'; seed: number; olderWal: boolean; target: FlipTarget };

export interface CrashCampaignOptions {
  name?: string;
  fileSystem?: CrashFileSystemFactory;
  /** Budget shares of the modes, in order random, exhaustive, torn-tail, bit-flip (default 0.5/0.3/0.1/0.1). */
  shares?: readonly [number, number, number, number];
}

const OLDER_WAL_FLIPS = 500;

interface Phase {
  runsMax: number;
  deadlineMs: number;
}

/** What a mode reports back: runs done, counts, and a failure if one was found. */
interface ModeResult {
  runs: number;
  failure: CampaignFailure | null;
}

export function crashCampaign(campaignOptions: CrashCampaignOptions = {}): Campaign {
  const name = campaignOptions.name ?? 'crash';
  const makeFs = campaignOptions.fileSystem ?? plainFaultFileSystem;
  const shares = campaignOptions.shares ?? [0.5, 0.3, 0.1, 0.1];
  const failureOf = (seed: number, message: string, script: string, replay: CrashReplay): CampaignFailure => ({ campaign: name, seed, message, script, replay });

  const randomSpec: PropertySpec<RandomCrashCase> = {
    campaign: name,
    arbitrary: randomCrashCaseArbitrary,
    check: (value) => checkRandomCrashCase(value, makeFs),
    script: randomCrashScript,
    chunkRuns: 1,
    runsOf: (counts) => counts['crashPoints'] ?? 0,
  };

  async function randomMode(options: CampaignOptions, phase: Phase, counts: Record<string, number>): Promise<ModeResult> {
    const timeMs = phase.deadlineMs - performance.now();
    const result = await runProperty(
      randomSpec,
      {
        seed: options.seed,
        runs: phase.runsMax,
        ...(Number.isFinite(timeMs) ? { timeMs: Math.max(0, timeMs) } : {}),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      },
      {},
    );
    addCounts(counts, result.counts);
    const failure = result.failure === null ? null : { ...result.failure, replay: { mode: 'random', case: result.failure.replay as RandomCrashCase } satisfies CrashReplay };
    return { runs: result.runs, failure };
  }

  async function exhaustiveMode(options: CampaignOptions, phase: Phase, counts: Record<string, number>, tick: () => Promise<void>): Promise<ModeResult> {
    let runs = 0;
    let failure: CampaignFailure | null = null;
    const start = options.seed % exhaustiveSequences().length;
    const covered = await forEachExhaustiveCase(start, makeFs, async (value) => {
      if (runs >= phase.runsMax || performance.now() >= phase.deadlineMs) return false;
      try {
        await checkExhaustiveCase(value, makeFs);
      } catch (error) {
        failure = failureOf(options.seed, errorMessage(error), exhaustiveScript(value), { mode: 'exhaustive', case: value });
        return false;
      }
      runs++;
      counts['exhaustiveCrashPoints'] = (counts['exhaustiveCrashPoints'] ?? 0) + 1;
      await tick();
      return true;
    });
    counts['exhaustiveSequences'] = (counts['exhaustiveSequences'] ?? 0) + covered;
    return { runs, failure };
  }

  async function tornTailMode(options: CampaignOptions, phase: Phase, counts: Record<string, number>, tick: () => Promise<void>): Promise<ModeResult> {
    let runs = 0;
    for (let base = 0; runs < phase.runsMax && performance.now() < phase.deadlineMs; base++) {
      const seed = options.seed + base;
      const built = await buildTornTailBase(seed);
      for (const cut of built.cuts) {
        if (runs >= phase.runsMax || performance.now() >= phase.deadlineMs) break;
        try {
          await checkTornTail(built, cut);
        } catch (error) {
          const script = `# sync 'always', 30 awaited batches of workload seed ${seed}, then close\ncut ${built.walPath} to ${cut} of ${built.walBytes} bytes\nreopen`;
          return { runs, failure: failureOf(options.seed, errorMessage(error), script, { mode: 'torn-tail', seed, cut }) };
        }
        runs++;
        counts['tornTailCuts'] = (counts['tornTailCuts'] ?? 0) + 1;
        await tick();
      }
    }
    return { runs, failure: null };
  }

  async function bitFlipMode(options: CampaignOptions, phase: Phase, counts: Record<string, number>, tick: () => Promise<void>): Promise<ModeResult> {
    let runs = 0;
    for (let round = 0; runs < phase.runsMax && performance.now() < phase.deadlineMs; round++) {
      const seed = options.seed + round;
      const olderWal = round % 2 === 1;
      const base = olderWal ? await buildImageWithOlderWal(seed) : await buildFlipBase(seed);
      const random = new SeededRandom(seed ^ 0xb17f);
      const targets = shuffle(olderWal ? olderWalTargets(base, random, OLDER_WAL_FLIPS) : flipTargets(base, random), random);
      const truth = await truthOf(base);
      for (const target of targets) {
        if (runs >= phase.runsMax || performance.now() >= phase.deadlineMs) break;
        try {
          const outcome = await flipAndCheck(base, target.path, target.bit, truth, target.isTable);
          const key = outcome === 'harmless' ? 'bitFlipsHarmless' : `bitFlipsDetected${outcome === 'open' ? 'AtOpen' : outcome === 'read' ? 'ByRead' : 'ByVerify'}`;
          counts[key] = (counts[key] ?? 0) + 1;
        } catch (error) {
          const script = `# ${olderWal ? 'a crash image holding an older WAL' : 'a store'} built from workload seed ${seed}\nflip bit ${target.bit} (byte ${target.bit >>> 3}) of ${target.path} (${target.kind})\nreopen, get every key, verify, scan both ways`;
          return { runs, failure: failureOf(options.seed, errorMessage(error), script, { mode: 'bit-flip', seed, olderWal, target }) };
        }
        runs++;
        counts['bitFlips'] = (counts['bitFlips'] ?? 0) + 1;
        await tick();
      }
    }
    return { runs, failure: null };
  }

  async function run(options: CampaignOptions): Promise<CampaignResult> {
    const startMs = performance.now();
    const { runs: runsMax, deadlineMs } = budgetOf(options, ciBudget);
    const counts: Record<string, number> = {};
    const report = progressReporter(options, startMs);
    let runs = 0;
    let failure: CampaignFailure | null = null;
    const modes = [randomMode, exhaustiveMode, tornTailMode, bitFlipMode];
    let phaseStartMs = startMs;
    for (const [i, mode] of modes.entries()) {
      const share = shares[i] ?? 0;
      if (share <= 0) continue;
      const phase: Phase = {
        runsMax: Number.isFinite(runsMax) ? Math.ceil(runsMax * share) : Number.POSITIVE_INFINITY,
        deadlineMs: Number.isFinite(deadlineMs) ? phaseStartMs + (deadlineMs - startMs) * share : Number.POSITIVE_INFINITY,
      };
      const before = runs;
      let done = 0;
      const tick = async (): Promise<void> => {
        report(before + ++done, counts);
        await yieldToMacrotasks();
      };
      const result = await mode(options, phase, counts, tick);
      runs += result.runs;
      phaseStartMs = Math.max(phaseStartMs, Math.min(performance.now(), phase.deadlineMs));
      if (result.failure !== null) {
        failure = result.failure;
        break;
      }
    }
    return { campaign: name, seed: options.seed, runs, elapsedMs: performance.now() - startMs, counts, failure };
  }

  async function replay(value: unknown): Promise<CampaignResult> {
    const startMs = performance.now();
    const recorded = value as CrashReplay; // regression files hold what run() recorded
    const counts: Record<string, number> = {};
    let failure: CampaignFailure | null = null;
    const fail = (error: unknown, script: string): void => {
      failure = failureOf(0, errorMessage(error), script, recorded);
    };
    switch (recorded.mode) {
      case 'random':
        try {
          addCounts(counts, await checkRandomCrashCase(recorded.case, makeFs));
        } catch (error) {
          fail(error, randomCrashScript(recorded.case));
        }
        break;
      case 'exhaustive':
        try {
          await checkExhaustiveCase(recorded.case, makeFs);
        } catch (error) {
          fail(error, exhaustiveScript(recorded.case));
        }
        break;
      case 'torn-tail':
        try {
          await checkTornTail(await buildTornTailBase(recorded.seed), recorded.cut);
        } catch (error) {
          fail(error, `cut the newest WAL of workload seed ${recorded.seed} to ${recorded.cut} bytes`);
        }
        break;
      case 'bit-flip': {
        const base = recorded.olderWal ? await buildImageWithOlderWal(recorded.seed) : await buildFlipBase(recorded.seed);
        try {
          await flipAndCheck(base, recorded.target.path, recorded.target.bit, await truthOf(base), recorded.target.isTable);
        } catch (error) {
          fail(error, `flip bit ${recorded.target.bit} of ${recorded.target.path}`);
        }
        break;
      }
      default:
        throw new Error(`unknown crash replay mode in ${JSON.stringify(value).slice(0, 100)}`);
    }
    return { campaign: name, seed: 0, runs: 1, elapsedMs: performance.now() - startMs, counts, failure };
  }

  const ciBudget = { runs: 4400 };
  return {
    name,
    description: 'crashes at random and at every file operation of short workloads (process and power loss), torn WAL tails, bit flips',
    ciBudget,
    run,
    replay,
  };
}

/** Fisher-Yates with a seeded generator: a deterministic order that samples every file kind early. */
function shuffle<T>(items: T[], random: SeededRandom): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
