/**
 * Single-bit damage in every kind of file the store writes: the newest WAL, an older WAL still needed
 * at recovery, SSTables, the MANIFEST and CURRENT. For each sampled bit, a copy of a cleanly built
 * store is damaged and reopened. The rule: the damage is reported as CorruptionError (at open, by a
 * read, or by verify()), or reads return exactly the true data; never wrong data, never another
 * error (RangeError, AssertionError...) from garbage input. verify() must report every flip in a
 * table that open did not already report: it reads every block of every table.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../engine/lsm/index.js';
import { parseFileName } from '../../engine/lsm/manifest/file-names.js';
import { FOOTER_BYTES } from '../../engine/lsm/sstable/format.js';
import { CrashedError, FaultFileSystem } from '../../engine/vfs/fault.js';
import type { MemoryFileSystem } from '../../engine/vfs/memory.js';
import { MemoryFileSystem as MemoryFs } from '../../engine/vfs/memory.js';
import {
  bytesEqual,
  bytesOf,
  cloneFileSystem,
  DEFAULT_WORKLOAD,
  isSiltError,
  runWorkload,
  scanStore,
  SeededRandom,
  seededWorkload,
  STORE_PATH,
  testEnv,
  TINY_TUNING,
  workloadKey,
  type WorkloadStep,
} from './store-harness.js';

const STRATIFIED_POSITIONS = 600;
const KEY_COUNT = 300;
/** Each of the first and last bytes of these (log headers, table footers) is flipped bit by bit. */
const EDGE_BYTES = 28;

type Outcome = 'open' | 'read' | 'verify' | 'harmless';
type FileKind = 'newest WAL' | 'older WAL' | 'SSTable' | 'MANIFEST' | 'CURRENT';

const outcomes = new Map<FileKind, Record<Outcome, number>>();
const harmless: string[] = [];

afterAll(() => {
  for (const [kind, counts] of outcomes) {
    console.log(
      `bit-flip ${kind}: detected at open ${counts.open}, at read ${counts.read}, by verify ${counts.verify}, harmless ${counts.harmless}`,
    );
  }
  for (const line of harmless.slice(0, 20)) console.log(`  harmless: ${line}`);
});

function record(kind: FileKind, outcome: Outcome): void {
  const counts = outcomes.get(kind) ?? { open: 0, read: 0, verify: 0, harmless: 0 };
  counts[outcome]++;
  outcomes.set(kind, counts);
}

function openStore(fs: MemoryFileSystem): Promise<Store> {
  // No background compaction: damage is found by the reads under test, not by a merge racing them.
  return Store.open({ ...TINY_TUNING, autoCompaction: false, path: STORE_PATH, env: testEnv(fs) });
}

/** The true contents, as a clean reopen of an undamaged copy sees them (checked by the other suites). */
async function truthOf(fs: MemoryFileSystem): Promise<[string, Uint8Array][]> {
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
async function flipAndCheck(base: MemoryFileSystem, path: string, bit: number, truth: readonly [string, Uint8Array][], isTable: boolean): Promise<Outcome> {
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
function positions(fileBytes: number, count: number, random: SeededRandom, edgeBytes = EDGE_BYTES): number[] {
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

function filesOf(fs: MemoryFileSystem, kind: 'wal' | 'table' | 'manifest' | 'current'): { path: string; number: number }[] {
  return fs
    .fileNames()
    .flatMap((path) => {
      const parsed = parseFileName(path.slice(STORE_PATH.length + 1));
      return parsed?.kind === kind ? [{ path, number: parsed.number }] : [];
    })
    .sort((a, b) => a.number - b.number);
}

/** A store of KEY_COUNT keys over several levels, closed cleanly with some batches only in its WAL. */
async function buildStore(): Promise<MemoryFileSystem> {
  const fs = new MemoryFs();
  const store = await Store.open({ ...TINY_TUNING, path: STORE_PATH, env: testEnv(fs) });
  const steps = seededWorkload(7, { batchCount: 400, keyCount: KEY_COUNT, writersMax: 1, valueBytesMax: 300, maintenanceChance: 0 });
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
async function buildImageWithOlderWal(): Promise<MemoryFileSystem> {
  const steps: WorkloadStep[] = seededWorkload(11, { ...DEFAULT_WORKLOAD, batchCount: 120, keyCount: 80 });
  const run = async (crashAfter?: number): Promise<FaultFileSystem> => {
    const fault = new FaultFileSystem();
    if (crashAfter !== undefined) fault.crashAfter(crashAfter);
    try {
      const store = await Store.open({ ...TINY_TUNING, path: STORE_PATH, env: testEnv(fault) });
      const history = await runWorkload(store, steps, new SeededRandom(11), 1);
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

describe('single-bit flips', () => {
  it('are reported or harmless in the newest WAL, SSTables, MANIFEST and CURRENT', async () => {
    const base = await buildStore();
    const truth = await truthOf(base);
    expect(truth.length).toBeGreaterThan(KEY_COUNT / 2);
    const random = new SeededRandom(0xb17f);
    const wals = filesOf(base, 'wal');
    const tables = filesOf(base, 'table');
    expect(wals.length).toBe(1);
    expect(tables.length).toBeGreaterThanOrEqual(4);
    const walPath = wals[0]!.path;
    expect(base.files.get(walPath)!.length).toBeGreaterThan(200); // holds records, not just its header

    const check = async (kind: FileKind, path: string, bits: readonly number[], isTable: boolean): Promise<void> => {
      for (const bit of bits) {
        const outcome = await flipAndCheck(base, path, bit, truth, isTable);
        record(kind, outcome);
        if (outcome === 'harmless') harmless.push(`${kind} ${path} bit ${bit}`);
      }
    };

    await check('newest WAL', walPath, positions(base.files.get(walPath)!.length, STRATIFIED_POSITIONS, random), false);
    for (const { path } of filesOf(base, 'manifest')) {
      await check('MANIFEST', path, positions(base.files.get(path)!.length, STRATIFIED_POSITIONS, random), false);
    }
    for (const { path } of filesOf(base, 'current')) {
      await check('CURRENT', path, positions(base.files.get(path)!.length, Infinity, random), false);
    }
    // Stratified over all tables together, plus every bit of one table's footer.
    const tableBytes = tables.map(({ path }) => base.files.get(path)!.length);
    const totalTableBytes = tableBytes.reduce((a, b) => a + b, 0);
    const sampled = positions(totalTableBytes, STRATIFIED_POSITIONS, random, 0);
    let offsetBits = 0;
    for (const [i, { path }] of tables.entries()) {
      const bits = tableBytes[i]! * 8;
      const mine = sampled.filter((bit) => bit >= offsetBits && bit < offsetBits + bits).map((bit) => bit - offsetBits);
      if (i === 0) for (let b = bits - FOOTER_BYTES * 8; b < bits; b++) if (!mine.includes(b)) mine.push(b);
      await check('SSTable', path, mine, true);
      offsetBits += bits;
    }
    expect(harmless).toEqual([]);
  });

  it('are reported in an older WAL that recovery still needs', async () => {
    const base = await buildImageWithOlderWal();
    const wals = filesOf(base, 'wal');
    expect(wals.length).toBeGreaterThanOrEqual(2);
    const truth = await truthOf(base);
    const older = wals[wals.length - 2]!.path;
    expect(base.files.get(older)!.length).toBeGreaterThan(200);
    const random = new SeededRandom(0x01d);
    for (const bit of positions(base.files.get(older)!.length, 500, random)) {
      const outcome = await flipAndCheck(base, older, bit, truth, false);
      record('older WAL', outcome);
      if (outcome === 'harmless') harmless.push(`older WAL ${older} bit ${bit}`);
    }
    expect(harmless).toEqual([]);
  });
});
