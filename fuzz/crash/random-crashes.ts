/**
 * The crash campaign's random mode (after RocksDB's crash test). A case is a seeded workload of
 * concurrent writers (1-8 batches in flight, so group commit, memtable switches, flushes,
 * compactions and manifest edits all happen under the tiny tuning) and up to 10 crash points. The
 * workload runs once to learn its file operations, then once per crash point, crashing after
 * operation n: 60% of points are right after a sync, directory sync or rename, 40% uniform. The
 * re-run must perform the same operations up to n (the workload is deterministic). Its process-crash
 * and power-loss images both go through the oracle (oracle.ts); some are crashed again during
 * recovery.
 *
 * Shrinking: fast-check shrinks the batch count, the crash list and the picks, so a failure ends as
 * a short workload with one crash point.
 */
import fc from 'fast-check';
import { SeededRandom } from '../../engine/util/random.js';
import { FaultFileSystem } from '../../engine/vfs/fault.js';
import { cloneFileSystem, textOf } from '../lsm/model.js';
import {
  checkImage,
  crashDuringRecovery,
  describeOperation,
  isCrashFallout,
  openCrashStore,
  plainFaultFileSystem,
  prefixSequences,
  sameOperations,
  type CrashFileSystemFactory,
  type SyncMode,
} from './oracle.js';
import {
  ackedPrefixLength,
  DEFAULT_WORKLOAD,
  prefixFingerprints,
  runWorkload,
  seededWorkload,
  type WorkloadHistory,
  type WorkloadStep,
} from './workload.js';

export interface CrashPointSpec {
  /** Pick among the operations after a sync, directory sync or rename (else among all). */
  afterSync: boolean;
  pick: number;
  /** When set, the power image is also crashed during its recovery, after operation 1 + this % count. */
  recoveryPick?: number;
}

export interface RandomCrashCase {
  seed: number;
  batchCount: number;
  sync: SyncMode;
  crashes: CrashPointSpec[];
}

export const randomCrashCaseArbitrary: fc.Arbitrary<RandomCrashCase> = fc.record({
  seed: fc.noBias(fc.nat()),
  batchCount: fc.noBias(fc.integer({ min: 1, max: DEFAULT_WORKLOAD.batchCount })),
  sync: fc.oneof({ weight: 5, arbitrary: fc.constant('always' as const) }, { weight: 1, arbitrary: fc.constant('none' as const) }),
  crashes: fc.array(
    fc
      .record({ afterSync: fc.noBias(fc.nat(9)), pick: fc.noBias(fc.nat()), recovery: fc.noBias(fc.nat(3)), recoveryPick: fc.noBias(fc.nat()) })
      .map(({ afterSync, pick, recovery, recoveryPick }): CrashPointSpec =>
        recovery === 0 ? { afterSync: afterSync < 6, pick, recoveryPick } : { afterSync: afterSync < 6, pick },
      ),
    { minLength: 1, maxLength: 10 },
  ),
});

interface Run {
  fault: FaultFileSystem;
  history: WorkloadHistory;
}

/** Runs the workload on a fresh FaultFileSystem, crashing after operation `crashAfter` if given. */
async function runCase(value: RandomCrashCase, steps: readonly WorkloadStep[], makeFs: CrashFileSystemFactory, crashAfter?: number): Promise<Run> {
  const fault = new FaultFileSystem();
  if (crashAfter !== undefined) fault.crashAfter(crashAfter);
  const fs = makeFs(fault);
  const empty: WorkloadHistory = { submitted: [], acked: [], firstError: undefined };
  let store;
  try {
    store = await openCrashStore(fs, value.sync, value.seed);
  } catch (error) {
    if (crashAfter === undefined || !isCrashFallout(error)) throw error;
    return { fault, history: { ...empty, firstError: error } };
  }
  const history = await runWorkload(store, steps, new SeededRandom(value.seed ^ 0x2545f491), DEFAULT_WORKLOAD.writersMax);
  if (history.firstError !== undefined && !(crashAfter !== undefined && isCrashFallout(history.firstError))) {
    throw new Error(`the workload failed without a crash: ${String(history.firstError)}`, { cause: history.firstError });
  }
  if (!fault.crashed) {
    try {
      await store.close();
    } catch (error) {
      if (!isCrashFallout(error)) throw error;
    }
  }
  return { fault, history };
}

function workloadOf(value: RandomCrashCase): WorkloadStep[] {
  return seededWorkload(value.seed, { ...DEFAULT_WORKLOAD, batchCount: value.batchCount });
}

/** Runs one case through the oracle; throws at the first violation. */
export async function checkRandomCrashCase(value: RandomCrashCase, makeFs: CrashFileSystemFactory = plainFaultFileSystem): Promise<Record<string, number>> {
  const counts = { crashPoints: 0, afterSyncOrRename: 0, processImages: 0, powerImages: 0, recoveryCrashes: 0, openCrashed: 0 };
  const steps = workloadOf(value);
  const learned = await runCase(value, steps, makeFs);
  const total = learned.fault.operationCount;
  const learnedLog = learned.fault.operationLog;
  const interesting = learned.fault.interestingCrashPoints();
  const batches = steps.flatMap((step) => (step.kind === 'write' ? [step.ops] : []));
  const prefixes = prefixFingerprints(batches);
  const sequences = prefixSequences(batches);
  for (const [c, crash] of value.crashes.entries()) {
    const n = crash.afterSync && interesting.length > 0 ? interesting[crash.pick % interesting.length]! : 1 + (crash.pick % total);
    const run = await runCase(value, steps, makeFs, n);
    counts.crashPoints++;
    if (interesting.includes(n)) counts.afterSyncOrRename++;
    if (run.history.submitted.length === 0) counts.openCrashed++;
    const where = `crash ${c}: ${describeOperation(learnedLog, n)} of ${total}`;
    if (!sameOperations(run.fault.operationLog, learnedLog, Math.min(n, run.fault.operationLog.length))) {
      throw new Error(`${where}: the re-run did not repeat the learning run's file operations (nondeterministic workload)`);
    }
    const acked = ackedPrefixLength(run.history);
    const submitted = run.history.submitted.length;
    const label = `${where}, ${acked} of ${submitted} batches acknowledged`;
    const base = { prefixes: prefixes.slice(0, submitted + 1), sequences };

    const processImage = run.fault.crashImage('process');
    const powerImage = run.fault.crashImage('power', new SeededRandom(value.seed));
    const recoveryImage = cloneFileSystem(powerImage);
    await checkImage(processImage, value.sync, value.seed, { ...base, minimum: acked, label: `${label}, process image` });
    counts.processImages++;
    const powerExpectation = { ...base, minimum: value.sync === 'always' ? acked : 0, label: `${label}, power image` };
    const jPower = await checkImage(powerImage, value.sync, value.seed, powerExpectation);
    counts.powerImages++;
    if (crash.recoveryPick !== undefined) {
      await crashDuringRecovery(recoveryImage, value.sync, value.seed, powerExpectation, jPower, crash.recoveryPick);
      counts.recoveryCrashes++;
    }
  }
  return counts;
}

/** The case as a script: the workload's steps, then each crash point. */
export function randomCrashScript(value: RandomCrashCase): string {
  const lines = [`# sync '${value.sync}', workload seed ${value.seed}, ${value.batchCount} batches, up to ${DEFAULT_WORKLOAD.writersMax} in flight`];
  for (const step of workloadOf(value)) {
    if (step.kind !== 'write') {
      lines.push(step.kind);
      continue;
    }
    const ops = step.ops.map((op) => (op.type === 'put' ? `put ${textOf(op.key)} (${op.value.length} B)` : `delete ${textOf(op.key)}`));
    lines.push(`batch [${ops.join('; ')}]`);
  }
  for (const [c, crash] of value.crashes.entries()) {
    const recovery = crash.recoveryPick === undefined ? '' : `, then crash its recovery (pick ${crash.recoveryPick})`;
    lines.push(`crash ${c}: after ${crash.afterSync ? 'a sync/rename' : 'any op'} (pick ${crash.pick})${recovery}; check process and power images`);
  }
  return lines.join('\n');
}
