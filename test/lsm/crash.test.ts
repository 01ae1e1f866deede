/**
 * Crash safety of the Store (DESIGN.md, "Durability contract").
 *
 * For each seed: a workload of concurrent writers (1-8 batches in flight) on a FaultFileSystem with
 * the tiny tuning (so memtable switches, flushes, compactions and manifest edits happen), run once to
 * learn its operations, then re-run with a crash after operation n (60% right after a sync,
 * directory sync or rename; 40% uniform). The re-run must perform the same operations up to n (the
 * workload is deterministic). From the crash, a process-crash image and a power-loss image are each
 * reopened, and the oracle checks:
 *   - open succeeds (a crash alone never looks like corruption);
 *   - the state equals the model after exactly the first j submitted batches, with j >= the number
 *     acknowledged (sync 'always'; 'none': process crash only, power loss just "some prefix");
 *   - verify() passes; the store accepts a new write that survives another close and reopen.
 * Acknowledged batches must themselves be a prefix of the submissions (the write path never acks a
 * batch after one that failed). Some images are crashed again during recovery, and the result must
 * recover to the same state. Finally a torn-tail sweep cuts the newest WAL at every byte of its
 * last two records.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../engine/lsm/index.js';
import { walFileName } from '../../engine/lsm/manifest/file-names.js';
import { readLog } from '../../engine/lsm/wal/reader.js';
import { ReadOnlyError } from '../../engine/util/errors.js';
import { CrashedError, FaultFileSystem, type FaultOperation } from '../../engine/vfs/fault.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import {
  ackedPrefixLength,
  bytesOf,
  cloneFileSystem,
  DEFAULT_WORKLOAD,
  idValue,
  matchingPrefix,
  prefixFingerprints,
  runWorkload,
  SeededRandom,
  seededWorkload,
  STORE_PATH,
  storeFingerprint,
  testEnv,
  TINY_TUNING,
  type WorkloadHistory,
  type WorkloadStep,
  workloadKey,
} from './store-harness.js';

type SyncMode = 'always' | 'none';

const BASE_SEED = Number(process.env.SILT_CRASH_SEED ?? 0x5117);
const SEED_COUNT = Number(process.env.SILT_CRASH_SEEDS ?? 200);
const CRASHES_PER_SEED = 10;
const RECOVERY_CRASH_EVERY = 4;

const counts = {
  crashPoints: 0,
  process: 0,
  power: 0,
  afterSyncOrRename: 0,
  openCrashed: 0,
  recoveryCrashes: 0,
  nondeterministic: 0,
  /** Summed over the learning runs (one per seed). */
  flushes: 0,
  compactions: 0,
  deepestLevel: 0,
  lostOverAcked: new Map<string, number>(),
};

afterAll(() => {
  const distribution = [...counts.lostOverAcked.entries()].map(([bucket, n]) => `${bucket}:${n}`).join(' ');
  console.log(
    `crash: base seed ${BASE_SEED}; ${counts.crashPoints} crash points (${counts.afterSyncOrRename} after a sync/syncDirectory/rename, ` +
      `${counts.openCrashed} during the first open), images checked: process ${counts.process}, power ${counts.power}; ` +
      `${counts.recoveryCrashes} crashes during recovery; nondeterministic re-runs ${counts.nondeterministic}; ` +
      `j - acked: ${distribution}; learning runs: ${counts.flushes} flushes, ${counts.compactions} compactions, deepest level ${counts.deepestLevel}`,
  );
});

function bucket(excess: number): string {
  return excess <= 2 ? String(excess) : excess <= 5 ? '3-5' : excess <= 10 ? '6-10' : '>10';
}

function openStore(fs: FaultFileSystem | MemoryFileSystem, sync: SyncMode, seed: number): Promise<Store> {
  return Store.open({ ...TINY_TUNING, sync, path: STORE_PATH, env: testEnv(fs, seed) });
}

/** An error a workload may see once the file system has crashed. */
function isCrashFallout(error: unknown): boolean {
  return error instanceof CrashedError || (error instanceof ReadOnlyError && isCrashFallout(error.cause));
}

interface Run {
  fault: FaultFileSystem;
  history: WorkloadHistory;
}

/** Runs the workload on a fresh FaultFileSystem, crashing after operation `crashAfter` if given. */
async function runCase(seed: number, sync: SyncMode, steps: readonly WorkloadStep[], crashAfter?: number): Promise<Run> {
  const fault = new FaultFileSystem();
  if (crashAfter !== undefined) fault.crashAfter(crashAfter);
  const empty: WorkloadHistory = { submitted: [], acked: [], firstError: undefined };
  let store: Store;
  try {
    store = await openStore(fault, sync, seed);
  } catch (error) {
    if (crashAfter === undefined || !isCrashFallout(error)) throw error;
    return { fault, history: { ...empty, firstError: error } };
  }
  const history = await runWorkload(store, steps, new SeededRandom(seed ^ 0x2545f491), DEFAULT_WORKLOAD.writersMax);
  if (history.firstError !== undefined && !(crashAfter !== undefined && isCrashFallout(history.firstError))) {
    throw new Error(`seed ${seed}: workload failed without a crash`, { cause: history.firstError });
  }
  if (crashAfter === undefined) {
    const stats = store.stats();
    counts.flushes += stats.counters.flushes;
    counts.compactions += stats.counters.compactions + stats.counters.trivialMoves;
    for (const level of stats.levels) if (level.files > 0) counts.deepestLevel = Math.max(counts.deepestLevel, level.level);
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

function sameOperations(a: readonly FaultOperation[], b: readonly FaultOperation[], count: number): boolean {
  for (let i = 0; i < count; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return x === y;
    if (x.kind !== y.kind || x.path !== y.path || x.targetPath !== y.targetPath) return false;
  }
  return true;
}

interface Expectation {
  prefixes: readonly string[];
  /** Smallest acceptable j. */
  minimum: number;
  label: string;
}

/**
 * Reopens `image` and checks the oracle; returns j. Mutates the image (it becomes the reopened
 * store's directory).
 */
async function checkImage(image: MemoryFileSystem, sync: SyncMode, seed: number, expect: Expectation): Promise<number> {
  const fail = (message: string, cause?: unknown): never => {
    throw new Error(`${expect.label}: ${message}`, cause === undefined ? undefined : { cause });
  };
  let store: Store;
  try {
    store = await openStore(image, sync, seed);
  } catch (error) {
    return fail(`open failed after a crash: ${String(error)}`, error);
  }
  let fingerprint: string;
  try {
    fingerprint = storeFingerprint(store);
    const j = matchingPrefix(expect.prefixes, fingerprint, expect.minimum);
    if (j < 0) {
      const any = matchingPrefix(expect.prefixes, fingerprint, 0);
      fail(
        any < 0
          ? `state is no prefix of the submitted batches (${expect.prefixes.length - 1} submitted, ${expect.minimum} required): ${fingerprint.slice(0, 300)}`
          : `state is prefix ${any}, but at least ${expect.minimum} batches were acknowledged`,
      );
    }
    await store.verify();
    await store.write([{ type: 'put', key: bytesOf('after-crash'), value: idValue(0xfffffff, 12) }]);
    await store.close();
    const reopened = await openStore(image, sync, seed);
    const after = storeFingerprint(reopened);
    await reopened.close();
    // 'after-crash' sorts before every workload key ('k000'...).
    const expected = [`after-crash=${0xfffffff}`, fingerprint].filter((part) => part !== '').join(',');
    if (after !== expected) fail(`a write after recovery did not survive a reopen: ${after.slice(0, 300)}`);
    return j;
  } finally {
    await store.close();
  }
}

/** Crashes a recovery of `image` after a random operation, then checks the result recovers to `j`. */
async function crashDuringRecovery(image: MemoryFileSystem, sync: SyncMode, seed: number, expect: Expectation, j: number, random: SeededRandom): Promise<void> {
  const learn = new FaultFileSystem({ initial: image });
  const learned = await openStore(learn, sync, seed);
  const recoveryOperations = learn.operationCount;
  await learned.close();
  const n = 1 + random.int(recoveryOperations);
  const fault = new FaultFileSystem({ initial: image });
  fault.crashAfter(n);
  try {
    const store = await openStore(fault, sync, seed);
    await store.close();
  } catch (error) {
    if (!isCrashFallout(error)) throw error;
  }
  counts.recoveryCrashes++;
  for (const model of ['process', 'power'] as const) {
    const again = fault.crashImage(model, new SeededRandom(seed + n));
    const label = `${expect.label}, then a ${model} crash after recovery operation ${n}/${recoveryOperations}`;
    const j2 = await checkImage(again, sync, seed, { ...expect, label });
    if (j2 !== j) throw new Error(`${label}: recovered prefix ${j2}, but the image before recovery held ${j}`);
  }
}

describe('crash safety', () => {
  it(`recovers an acknowledged prefix at ${SEED_COUNT * CRASHES_PER_SEED} crash points`, async () => {
    for (let s = 0; s < SEED_COUNT; s++) {
      const seed = BASE_SEED + s;
      const random = new SeededRandom(seed * 7919);
      const sync: SyncMode = random.int(6) === 0 ? 'none' : 'always';
      const steps = seededWorkload(seed);
      const learned = await runCase(seed, sync, steps);
      expect(learned.history.firstError).toBeUndefined();
      const total = learned.fault.operationCount;
      const learnedLog = learned.fault.operationLog;
      const interesting = learned.fault.interestingCrashPoints();
      const prefixes = prefixFingerprints(steps.flatMap((step) => (step.kind === 'write' ? [step.ops] : [])));

      for (let c = 0; c < CRASHES_PER_SEED; c++) {
        const onInteresting = random.next() < 0.6 && interesting.length > 0;
        const n = onInteresting ? interesting[random.int(interesting.length)]! : 1 + random.int(total);
        const run = await runCase(seed, sync, steps, n);
        counts.crashPoints++;
        if (interesting.includes(n)) counts.afterSyncOrRename++;
        if (run.history.submitted.length === 0) counts.openCrashed++;
        if (!sameOperations(run.fault.operationLog, learnedLog, Math.min(n, run.fault.operationLog.length))) counts.nondeterministic++;
        const acked = ackedPrefixLength(run.history);
        const submitted = prefixes.slice(0, run.history.submitted.length + 1);
        const where = `seed ${seed} (sync '${sync}'), crash after operation ${n}/${total}, ${acked} of ${run.history.submitted.length} batches acknowledged`;

        const processImage = run.fault.crashImage('process');
        const powerImage = run.fault.crashImage('power', new SeededRandom(seed));
        const recoveryImage = cloneFileSystem(powerImage);

        const jProcess = await checkImage(processImage, sync, seed, { prefixes: submitted, minimum: acked, label: `${where}, process image` });
        counts.process++;
        const excess = jProcess - acked;
        counts.lostOverAcked.set(bucket(excess), (counts.lostOverAcked.get(bucket(excess)) ?? 0) + 1);

        const powerExpectation = { prefixes: submitted, minimum: sync === 'always' ? acked : 0, label: `${where}, power image` };
        const jPower = await checkImage(powerImage, sync, seed, powerExpectation);
        counts.power++;

        if (c % RECOVERY_CRASH_EVERY === 0) await crashDuringRecovery(recoveryImage, sync, seed, powerExpectation, jPower, random);
      }
    }
    expect(counts.nondeterministic).toBe(0);
    expect(counts.crashPoints).toBeGreaterThanOrEqual(2000);
  });

  it("regression (seed 20762): with sync 'none', a power loss while the memtable switches WALs does not look like corruption", async () => {
    // The old WAL used to be synced only after the new WAL's directory entry was durable: a power
    // loss in between left a torn older WAL next to a newer one, which recovery reports as a hole.
    const batches = Array.from({ length: 40 }, (_, i) => [{ type: 'put' as const, key: bytesOf(workloadKey(i)), value: idValue(i + 1, 300) }]);
    const prefixes = prefixFingerprints(batches);
    const run = async (crashAfter?: number): Promise<FaultFileSystem> => {
      const fault = new FaultFileSystem();
      if (crashAfter !== undefined) fault.crashAfter(crashAfter);
      try {
        const store = await Store.open({ ...TINY_TUNING, sync: 'none', autoCompaction: false, path: STORE_PATH, env: testEnv(fault) });
        for (const ops of batches) await store.write(ops);
      } catch (error) {
        if (!isCrashFallout(error)) throw error;
      }
      return fault;
    };
    const log = (await run()).operationLog;
    const secondWal = log.filter((op) => op.kind === 'create' && op.path.endsWith('.wal'))[1]!;
    const directorySync = log.find((op) => op.index > secondWal.index && op.kind === 'syncDirectory')!;
    const crashed = await run(directorySync.index);
    // FaultFileSystem's power model: int(4) = 2 picks "cut inside the last append", then int(n) = 1
    // keeps one byte of it: every earlier unsynced append is written back, the last one torn.
    const tearLastAppend = { next: () => 0, int: (bound: number) => (bound === 4 ? 2 : Math.min(1, bound - 1)) };
    const image = crashed.crashImage('power', tearLastAppend);
    const store = await Store.open({ ...TINY_TUNING, sync: 'none', path: STORE_PATH, env: testEnv(image) });
    expect(matchingPrefix(prefixes, storeFingerprint(store))).toBeGreaterThan(0);
    await store.close();
  });

  it('regression (seed 20796): a crash during recovery of a torn newest WAL does not look like corruption', async () => {
    // Recovery used to create its new WAL before logging the edit that retires the old ones: a crash
    // in between left the torn old WAL followed by a newer (empty) one, which reads as a hole.
    const fs = new MemoryFileSystem();
    const store = await Store.open({ path: STORE_PATH, env: testEnv(fs) });
    const batches = Array.from({ length: 5 }, (_, i) => [{ type: 'put' as const, key: bytesOf(workloadKey(i)), value: idValue(i + 1, 40) }]);
    for (const ops of batches) await store.write(ops);
    await store.close();
    const walPath = fs.fileNames().find((name) => name.endsWith('.wal'))!;
    fs.files.get(walPath)!.truncate(fs.files.get(walPath)!.length - 3); // the last record torn
    const prefixes = prefixFingerprints(batches);

    const learn = new FaultFileSystem({ initial: fs });
    await (await Store.open({ path: STORE_PATH, env: testEnv(learn) })).close();
    const log = learn.operationLog;
    const newWal = log.find((op) => op.kind === 'create' && op.path.endsWith('.wal'))!;
    const crashPoints = log.filter((op) => op.index >= newWal.index && op.index < log.length).map((op) => op.index);
    for (const n of crashPoints) {
      const fault = new FaultFileSystem({ initial: fs });
      fault.crashAfter(n);
      try {
        await (await Store.open({ path: STORE_PATH, env: testEnv(fault) })).close();
      } catch (error) {
        if (!isCrashFallout(error)) throw error;
      }
      for (const model of ['process', 'power'] as const) {
        const reopened = await Store.open({ path: STORE_PATH, env: testEnv(fault.crashImage(model)) });
        expect(storeFingerprint(reopened), `${model} crash after recovery operation ${n}`).toBe(prefixes[4]);
        await reopened.close();
      }
    }
  });

  it('drops exactly the incomplete records when the newest WAL is cut at any byte of its last two records', async () => {
    const fs = new MemoryFileSystem();
    const store = await Store.open({ path: STORE_PATH, env: testEnv(fs), sync: 'always' });
    const batches = seededWorkload(99, { ...DEFAULT_WORKLOAD, batchCount: 30, maintenanceChance: 0 }).flatMap((step) =>
      step.kind === 'write' ? [step.ops] : [],
    );
    for (const ops of batches) await store.write(ops);
    await store.close();
    const prefixes = prefixFingerprints(batches);

    const walNumbers = fs
      .fileNames()
      .flatMap((name) => (name.endsWith('.wal') ? [Number(name.slice(STORE_PATH.length + 1, -4))] : []))
      .sort((a, b) => a - b);
    const walNumber = walNumbers[walNumbers.length - 1]!;
    const walPath = `${STORE_PATH}/${walFileName(walNumber)}`;
    const wal = fs.files.get(walPath)!.contents();
    const { records } = readLog(wal, walNumber, { expectKind: 'wal' });
    expect(records.length).toBe(batches.length); // one record per awaited batch, all in this WAL
    const firstCut = records[records.length - 2]!.offset;
    let reopens = 0;
    for (let cut = firstCut; cut < wal.length; cut++) {
      const copy = cloneFileSystem(fs);
      copy.files.get(walPath)!.truncate(cut);
      const complete = records.filter((record) => record.offset + 13 + record.payload.length <= cut).length;
      const reopened = await Store.open({ path: STORE_PATH, env: testEnv(copy), sync: 'always' });
      try {
        expect(storeFingerprint(reopened), `cut at ${cut}`).toBe(prefixes[complete]);
        await reopened.verify();
      } finally {
        await reopened.close();
      }
      reopens++;
    }
    console.log(`torn-tail sweep: ${reopens} cuts of a ${wal.length}-byte WAL`);
    expect(reopens).toBeGreaterThan(20);
  });
});
