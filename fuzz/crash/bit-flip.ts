/**
 * The bit-flip sweep's machinery: single-bit damage in every kind of file the store writes (the
 * newest WAL, an older WAL still needed at recovery, SSTables, the MANIFEST and CURRENT). For each
 * chosen bit, a copy of a cleanly built store is damaged and reopened. The rule: the damage is
 * reported as CorruptionError (at open, by a read, or by verify()), or reads return exactly the true
 * data; never wrong data, never another error (RangeError, AssertionError...) from garbage input.
 * verify() must report every flip in a table that open did not already report: it reads every block
 * of every table. `flipAndCheck` throws on a violation and otherwise says where damage was reported.
 */
import { Store } from '../../engine/lsm/index.js';
import { parseFileName } from '../../engine/lsm/manifest/file-names.js';
import { FOOTER_BYTES } from '../../engine/lsm/sstable/format.js';
import { SeededRandom } from '../../engine/util/random.js';
import { CrashedError, FaultFileSystem } from '../../engine/vfs/fault.js';
import { MemoryFileSystem } from '../../engine/vfs/memory.js';
import { bytesEqual, bytesOf, cloneFileSystem, isSiltError, scanStore, STORE_PATH, testEnv, TINY_TUNING } from '../lsm/model.js';
import { DEFAULT_WORKLOAD, runWorkload, seededWorkload, workloadKey, type WorkloadStep } from './workload.js';

export const STRATIFIED_POSITIONS = 600;
export const KEY_COUNT = 300;
/** Each of the first and last bytes of these (log headers, table footers) is flipped bit by bit. */
const EDGE_BYTES = 28;

export type Outcome = 'open' | 'read' | 'verify' | 'harmless';
export type FileKind = 'newest WAL' | 'older WAL' | 'SSTable' | 'MANIFEST' | 'CURRENT';

function openStore(fs: MemoryFileSystem): Promise<Store> {
  // No background compaction: damage is found by the reads under test, not by a merge racing them.
  return Store.open({ ...TINY_TUNING, autoCompaction: false, path: STORE_PATH, env: testEnv(fs) });
}

/** The true contents, as a clean reopen of an undamaged copy sees them (checked by the other suites). */
export async function truthOf(fs: MemoryFileSystem): Promise<[string, Uint8Array][]> {
  const store = await openStore(cloneFileSystem(fs));
  try {
    await store.verify();
    return scanStore(store);
  } finally {
    await store.close();
  }
}

function rethrowUnlessCorruption(error: unknown, where: string): void {
  if (!isSiltError(error, 'SILT_CORRUPTION')) throw new Error(`${where}: a non-corruption error escaped: ${String(error)}`, { cause: error });
}

/**
 * Flips `bit` of `path` in a copy of `base`, reopens and reads everything. Throws when wrong data is
 * returned or a non-Silt error escapes; otherwise says where the damage was first reported.
 */
export async function flipAndCheck(base: MemoryFileSystem, path: string, bit: number, truth: readonly [string, Uint8Array][], isTable: boolean): Promise<Outcome> {
  const where = `${path} bit ${bit} (byte ${bit >>> 3})`;
  const damaged = cloneFileSystem(base);
  const data = damaged.files.get(path);
  if (data === undefined) throw new Error(`no file ${path}`);
  data.bytes[bit >>> 3]! ^= 1 << (bit & 7);

  let store: Store;
  try {
    store = await openStore(damaged);
  } catch (error) {
    rethrowUnlessCorruption(error, `${where}, open`);
    return 'open';
  }
  let outcome: Outcome = 'harmless';
  const note = (found: Outcome): void => {
    if (outcome === 'harmless') outcome = found;
  };
  try {
    const truthMap = new Map(truth);
    // Point reads first: they touch only some blocks, so verify() below must find damage elsewhere.
    for (let i = 0; i < KEY_COUNT + 5; i++) {
      const key = workloadKey(i);
      try {
        const value = store.get(bytesOf(key));
        const expected = truthMap.get(key);
        if (value === undefined ? expected !== undefined : expected === undefined || !bytesEqual(value, expected)) {
          throw new Error(`${where}: get(${key}) returned wrong data`);
        }
      } catch (error) {
        if (error instanceof Error && error.message.includes('wrong data')) throw error;
        rethrowUnlessCorruption(error, `${where}, get(${key})`);
        note('read');
      }
    }
    try {
      await store.verify();
      // verify() reads every block of every table from the file: it must see any damage to one.
      if (isTable) throw new Error(`${where}: verify() passed a damaged table`);
    } catch (error) {
      if (error instanceof Error && error.message.includes('verify() passed')) throw error;
      rethrowUnlessCorruption(error, `${where}, verify`);
      note('verify');
    }
    for (const reverse of [false, true]) {
      const expected = reverse ? [...truth].reverse() : truth;
      let index = 0;
      try {
        for (const [key, value] of store.scan({ reverse })) {
          const want = expected[index++];
          if (want === undefined || !bytesEqual(key, bytesOf(want[0])) || !bytesEqual(value, want[1])) {
            throw new Error(`${where}: ${reverse ? 'reverse ' : ''}scan entry ${index - 1} is wrong`);
          }
        }
        if (index !== expected.length) throw new Error(`${where}: scan ended after ${index} of ${expected.length} entries`);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith(where)) throw error;
        rethrowUnlessCorruption(error, `${where}, scan`);
        note('read');
      }
    }
  } finally {
    await store.close();
  }
  return outcome;
}

/** Every bit of the first and last EDGE_BYTES, plus `count` bits stratified over the whole file. */
export function positions(fileBytes: number, count: number, random: SeededRandom, edgeBytes = EDGE_BYTES): number[] {
  const bits = fileBytes * 8;
  if (bits <= count + 2 * edgeBytes * 8) return Array.from({ length: bits }, (_, i) => i);
  const chosen = new Set<number>();
  for (let i = 0; i < edgeBytes * 8; i++) {
    chosen.add(i);
    chosen.add(bits - 1 - i);
  }
  for (let stratum = 0; stratum < count; stratum++) {
    const start = Math.floor((stratum * bits) / count);
    const end = Math.floor(((stratum + 1) * bits) / count);
    chosen.add(start + random.int(end - start));
  }
  return [...chosen].sort((a, b) => a - b);
}

export function filesOf(fs: MemoryFileSystem, kind: 'wal' | 'table' | 'manifest' | 'current'): { path: string; number: number }[] {
  return fs
    .fileNames()
    .flatMap((path) => {
      const parsed = parseFileName(path.slice(STORE_PATH.length + 1));
      return parsed?.kind === kind ? [{ path, number: parsed.number }] : [];
    })
    .sort((a, b) => a.number - b.number);
}

/** A store of KEY_COUNT keys over several levels, closed cleanly with some batches only in its WAL. */
export async function buildFlipBase(seed: number): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  const store = await Store.open({ ...TINY_TUNING, path: STORE_PATH, env: testEnv(fs) });
  const steps = seededWorkload(seed, { batchCount: 400, keyCount: KEY_COUNT, writersMax: 1, valueBytesMax: 300, maintenanceChance: 0 });
  let written = 0;
  for (const step of steps) {
    if (step.kind !== 'write') continue;
    await store.write(step.ops);
    if (++written === 300) await store.compactUntilIdle();
  }
  await store.close();
  return fs;
}

/**
 * A process-crash image holding two WALs: taken right after the directory sync that makes a new
 * WAL durable at a memtable switch, while the older WAL still backs the memtable being sealed.
 */
export async function buildImageWithOlderWal(seed: number): Promise<MemoryFileSystem> {
  const steps: WorkloadStep[] = seededWorkload(seed, { ...DEFAULT_WORKLOAD, batchCount: 120, keyCount: 80 });
  const run = async (crashAfter?: number): Promise<FaultFileSystem> => {
    const fault = new FaultFileSystem();
    if (crashAfter !== undefined) fault.crashAfter(crashAfter);
    try {
      const store = await Store.open({ ...TINY_TUNING, path: STORE_PATH, env: testEnv(fault) });
      const history = await runWorkload(store, steps, new SeededRandom(seed), 1);
      if (history.firstError !== undefined) throw history.firstError;
    } catch (error) {
      if (!(error instanceof CrashedError) && !(isSiltError(error, 'SILT_READ_ONLY') && error.cause instanceof CrashedError)) throw error;
    }
    return fault;
  };
  const log = (await run()).operationLog;
  const walCreates = log.filter((op) => op.kind === 'create' && op.path.endsWith('.wal'));
  const lastWal = walCreates[walCreates.length - 2]!; // not the last: that one may come at the very end
  const directorySync = log.find((op) => op.index > lastWal.index && op.kind === 'syncDirectory')!;
  return (await run(directorySync.index)).crashImage('process');
}

export interface FlipTarget {
  kind: FileKind;
  path: string;
  bit: number;
  isTable: boolean;
}

/**
 * The bits to flip in a base built by buildFlipBase: the edges and a stratified sample of the
 * newest WAL, each MANIFEST and every bit of CURRENT; a sample stratified over all tables together,
 * plus every bit of the first table's footer.
 */
export function flipTargets(base: MemoryFileSystem, random: SeededRandom): FlipTarget[] {
  const targets: FlipTarget[] = [];
  const add = (kind: FileKind, path: string, bits: readonly number[], isTable: boolean): void => {
    for (const bit of bits) targets.push({ kind, path, bit, isTable });
  };
  const length = (path: string): number => base.files.get(path)?.length ?? 0;
  for (const { path } of filesOf(base, 'wal')) add('newest WAL', path, positions(length(path), STRATIFIED_POSITIONS, random), false);
  for (const { path } of filesOf(base, 'manifest')) add('MANIFEST', path, positions(length(path), STRATIFIED_POSITIONS, random), false);
  for (const { path } of filesOf(base, 'current')) add('CURRENT', path, positions(length(path), Infinity, random), false);
  const tables = filesOf(base, 'table');
  const tableBytes = tables.map(({ path }) => length(path));
  const sampled = positions(tableBytes.reduce((a, b) => a + b, 0), STRATIFIED_POSITIONS, random, 0);
  let offsetBits = 0;
  for (const [i, { path }] of tables.entries()) {
    const bits = tableBytes[i]! * 8;
    const mine = sampled.filter((bit) => bit >= offsetBits && bit < offsetBits + bits).map((bit) => bit - offsetBits);
    if (i === 0) for (let b = bits - FOOTER_BYTES * 8; b < bits; b++) if (!mine.includes(b)) mine.push(b);
    add('SSTable', path, mine, true);
    offsetBits += bits;
  }
  return targets;
}

/** The bits to flip in the older WAL of a base built by buildImageWithOlderWal. */
export function olderWalTargets(base: MemoryFileSystem, random: SeededRandom, count: number): FlipTarget[] {
  const wals = filesOf(base, 'wal');
  const older = wals[wals.length - 2];
  if (older === undefined) return [];
  return positions(base.files.get(older.path)?.length ?? 0, count, random).map((bit) => ({ kind: 'older WAL', path: older.path, bit, isTable: false }));
}
