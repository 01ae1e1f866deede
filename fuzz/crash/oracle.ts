/**
 * The crash oracle (DESIGN.md, "Durability contract"), shared by the crash campaign's modes.
 *
 * A crash image is reopened and must satisfy:
 *   1. open succeeds: a crash alone never looks like corruption;
 *   2. the state equals the state after exactly the first j submitted batches (an exact prefix of the
 *      history), with j >= the number acknowledged when those acks promised durability (sync
 *      'always', or a process crash);
 *   3. sequence numbers continue: lastSequence after reopen >= the last sequence of those j batches,
 *      and a new write gets a higher one, which survives another close and reopen;
 *   4. verify() passes.
 * Some images are crashed again during recovery, and must then recover to the same prefix.
 *
 * `CrashFileSystems` lets a proof-of-power test put a broken layer between the store and the
 * FaultFileSystem (e.g. one that acknowledges fsync without persisting): the store uses `fs`, the
 * oracle takes images from `fault`.
 */
import { Store } from '../../engine/lsm/index.js';
import { ReadOnlyError } from '../../engine/util/errors.js';
import { SeededRandom } from '../../engine/util/random.js';
import { CrashedError, FaultFileSystem, type FaultOperation } from '../../engine/vfs/fault.js';
import type { MemoryFileSystem } from '../../engine/vfs/memory.js';
import type { FileSystem } from '../../engine/vfs/types.js';
import { bytesOf, STORE_PATH, testEnv, TINY_TUNING } from '../lsm/model.js';
import { idValue, matchingPrefix, storeFingerprint } from './workload.js';

export type SyncMode = 'always' | 'none';

/** The file system a store runs on, and the FaultFileSystem beneath it that crashes and makes images. */
export interface CrashFileSystems {
  fault: FaultFileSystem;
  fs: FileSystem;
}

/** Builds the stack for one run; the default is the FaultFileSystem itself. */
export type CrashFileSystemFactory = (fault: FaultFileSystem) => FileSystem;

export const plainFaultFileSystem: CrashFileSystemFactory = (fault) => fault;

export function openCrashStore(fs: FileSystem, sync: SyncMode, seed: number): Promise<Store> {
  return Store.open({ ...TINY_TUNING, sync, path: STORE_PATH, env: testEnv(fs, seed) });
}

/** An error a workload may see once the file system has crashed. */
export function isCrashFallout(error: unknown): boolean {
  return error instanceof CrashedError || (error instanceof ReadOnlyError && isCrashFallout(error.cause));
}

/** True when the first `count` operations of two logs are the same (kind and paths). */
export function sameOperations(a: readonly FaultOperation[], b: readonly FaultOperation[], count: number): boolean {
  for (let i = 0; i < count; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return x === y;
    if (x.kind !== y.kind || x.path !== y.path || x.targetPath !== y.targetPath) return false;
  }
  return true;
}

/** `crash after op 17 (sync of /db/000012.wal)`. */
export function describeOperation(log: readonly FaultOperation[], n: number): string {
  const operation = log[n - 1];
  if (operation === undefined) return `crash after op ${n}`;
  const target = operation.targetPath === undefined ? '' : ` to ${operation.targetPath}`;
  return `crash after op ${n} (${operation.kind} of ${operation.path}${target})`;
}

export interface Expectation {
  /** Fingerprints after each prefix of the submitted batches (entry 0: empty). */
  prefixes: readonly string[];
  /** Last sequence number after each prefix (entry 0: 0). */
  sequences: readonly number[];
  /** Smallest acceptable j. */
  minimum: number;
  label: string;
}

/** Last sequence after each prefix of `batches`: one sequence number per operation. */
export function prefixSequences(batches: readonly (readonly unknown[])[]): number[] {
  const result = [0];
  for (const ops of batches) result.push(result[result.length - 1]! + ops.length);
  return result;
}

const AFTER_CRASH_ID = 0xfffffff;

/**
 * Reopens `image` and checks the oracle (header, 1-4); returns j. Mutates the image (it becomes the
 * reopened store's directory).
 */
export async function checkImage(image: MemoryFileSystem, sync: SyncMode, seed: number, expect: Expectation): Promise<number> {
  const fail = (message: string, cause?: unknown): never => {
    throw new Error(`${expect.label}: ${message}`, cause === undefined ? undefined : { cause });
  };
  let store: Store;
  try {
    store = await openCrashStore(image, sync, seed);
  } catch (error) {
    return fail(`open failed after a crash: ${String(error)}`, error);
  }
  try {
    const fingerprint = storeFingerprint(store);
    const j = matchingPrefix(expect.prefixes, fingerprint, expect.minimum);
    if (j < 0) {
      const any = matchingPrefix(expect.prefixes, fingerprint, 0);
      fail(
        any < 0
          ? `state is no prefix of the submitted batches (${expect.prefixes.length - 1} submitted, ${expect.minimum} required): ${fingerprint.slice(0, 300)}`
          : `state is prefix ${any}, but at least ${expect.minimum} batches were acknowledged`,
      );
    }
    const recoveredSequence = store.lastSequence;
    const required = expect.sequences[j] ?? 0;
    if (recoveredSequence < required) fail(`lastSequence ${recoveredSequence} after recovery is below ${required}, the last sequence of the ${j} recovered batches`);
    await store.verify();
    await store.write([{ type: 'put', key: bytesOf('after-crash'), value: idValue(AFTER_CRASH_ID, 12) }]);
    const newSequence = store.lastSequence;
    if (newSequence <= recoveredSequence) fail(`a write after recovery got sequence ${newSequence}, not above ${recoveredSequence}`);
    await store.close();
    const reopened = await openCrashStore(image, sync, seed);
    const after = storeFingerprint(reopened);
    const reopenedSequence = reopened.lastSequence;
    await reopened.close();
    // 'after-crash' sorts before every workload key ('k000'...) and the exhaustive keys ('ka'...).
    const expected = [`after-crash=${AFTER_CRASH_ID}`, fingerprint].filter((part) => part !== '').join(',');
    if (after !== expected) fail(`a write after recovery did not survive a reopen: ${after.slice(0, 300)}`);
    if (reopenedSequence < newSequence) fail(`lastSequence went back from ${newSequence} to ${reopenedSequence} over a clean reopen`);
    return j;
  } finally {
    await store.close();
  }
}

/**
 * Crashes a recovery of `image` after operation 1 + pick % (operations recovery makes), then checks
 * both images of that recover to `j`. Returns the crash point, for the script.
 */
export async function crashDuringRecovery(
  image: MemoryFileSystem,
  sync: SyncMode,
  seed: number,
  expect: Expectation,
  j: number,
  pick: number,
): Promise<string> {
  const learn = new FaultFileSystem({ initial: image });
  const learned = await openCrashStore(learn, sync, seed);
  const recoveryOperations = learn.operationCount;
  await learned.close();
  const n = 1 + (pick % recoveryOperations);
  const fault = new FaultFileSystem({ initial: image });
  fault.crashAfter(n);
  try {
    const store = await openCrashStore(fault, sync, seed);
    await store.close();
  } catch (error) {
    if (!isCrashFallout(error)) throw error;
  }
  const where = `then a ${describeOperation(learn.operationLog, n)} of ${recoveryOperations} during recovery`;
  for (const model of ['process', 'power'] as const) {
    const again = fault.crashImage(model, new SeededRandom(seed + n));
    const label = `${expect.label}, ${where}, ${model} image`;
    const j2 = await checkImage(again, sync, seed, { ...expect, label });
    if (j2 !== j) throw new Error(`${label}: recovered prefix ${j2}, but the image before recovery held ${j}`);
  }
  return where;
}
