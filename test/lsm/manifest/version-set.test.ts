import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_HEADER_BYTES, RecordType } from '../../../engine/lsm/wal/format.js';
import { LogWriter } from '../../../engine/lsm/wal/writer.js';
import { readLog } from '../../../engine/lsm/wal/reader.js';
import { readCurrent, writeCurrent } from '../../../engine/lsm/manifest/current.js';
import { manifestFileName, parseFileName, tableFileName, walFileName } from '../../../engine/lsm/manifest/file-names.js';
import { VersionSet } from '../../../engine/lsm/manifest/version-set.js';
import { invariants } from '../../../engine/util/assert.js';
import { ClosedError, CorruptionError, IOError, NotFoundError, ReadOnlyError } from '../../../engine/util/errors.js';
import { SeededRandom } from '../../../engine/util/random.js';
import { MemoryFileSystem } from '../../../engine/vfs/memory.js';
import { encodeVersionEdit, type VersionEdit } from '../../../engine/lsm/manifest/version-edit.js';
import { applyEdit, Version } from '../../../engine/lsm/manifest/version.js';
import { cloneFs, describe as describeVersion, FailingSyncFileSystem, makeFile, randomEdit, setFile, summarize, type StateSummary } from './helpers.js';

const DIR = '/db';

beforeAll(() => {
  invariants.enabled = true;
});
afterAll(() => {
  invariants.enabled = false;
});

async function reopen(fs: MemoryFileSystem, salvage = false): Promise<VersionSet> {
  return VersionSet.open(cloneFs(fs), DIR, { createIfMissing: false, salvage });
}

/** Runs `count` random edits; returns the state after each (index 0 = before any). */
async function runEdits(set: VersionSet, random: SeededRandom, count: number): Promise<StateSummary[]> {
  const states = [summarize(set)];
  for (let i = 0; i < count; i++) {
    await set.logAndApply(randomEdit(set, random));
    states.push(summarize(set));
  }
  return states;
}

async function manifestBytes(fs: MemoryFileSystem, set: VersionSet): Promise<Uint8Array> {
  return fs.readFile(`${DIR}/${manifestFileName(set.manifestFileNumber)}`);
}

describe('VersionSet: create and recover', () => {
  it('creates a fresh store with CURRENT and a snapshot manifest', async () => {
    const fs = new MemoryFileSystem();
    const set = await VersionSet.open(fs, DIR, { createIfMissing: true });
    expect(set.manifestFileNumber).toBe(1);
    expect(set.logNumber).toBe(0);
    expect(set.lastSequence).toBe(0);
    expect(set.newFileNumber()).toBe(2);
    expect(await readCurrent(fs, DIR)).toBe(1);
    expect(await fs.list(DIR)).toEqual(['CURRENT', 'MANIFEST-000001']);
    const log = readLog(await fs.readFile(`${DIR}/MANIFEST-000001`), 1, { expectKind: 'manifest' });
    expect(log.records).toHaveLength(1);
    expect(log.tail).toBe('clean');
    await set.close();
  });

  it('refuses to create without createIfMissing', async () => {
    await expect(VersionSet.open(new MemoryFileSystem(), DIR, { createIfMissing: false })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('recovers the same levels and numbers after many edits', async () => {
    for (const seed of [1, 2, 3]) {
      const fs = new MemoryFileSystem();
      const set = await VersionSet.open(fs, DIR, { createIfMissing: true });
      const random = new SeededRandom(seed);
      const states = await runEdits(set, random, 200);
      const numberBefore = set.newFileNumber();
      await set.close();
      expect(set.current.fileCount(0) + set.current.fileCount(1) + set.current.fileCount(2)).toBeGreaterThan(0);
      const recovered = await reopen(fs);
      expect(summarize(recovered)).toEqual(states.at(-1));
      // Every number handed out before the crash stays used.
      expect(recovered.newFileNumber()).toBeGreaterThan(numberBefore);
      expect(recovered.manifestFileNumber).toBeGreaterThan(set.manifestFileNumber);
    }
  });

  it('rotates the manifest past manifestBytesMax and recovers across rotations', async () => {
    const fs = new MemoryFileSystem();
    const set = await VersionSet.open(fs, DIR, { createIfMissing: true, manifestBytesMax: 2000 });
    const random = new SeededRandom(7);
    const manifests = new Set<number>([set.manifestFileNumber]);
    let states: StateSummary[] = [];
    for (let i = 0; i < 300; i++) {
      states = await runEdits(set, random, 1);
      manifests.add(set.manifestFileNumber);
      expect(await readCurrent(fs, DIR)).toBe(set.manifestFileNumber);
      // Recover from a crash image at this point.
      if (i % 37 === 0) expect(summarize(await reopen(fs))).toEqual(states.at(-1));
    }
    expect(manifests.size).toBeGreaterThan(5);
    expect((await manifestBytes(fs, set)).length).toBeLessThan(2000 + 4000);
    await set.close();
    expect(summarize(await reopen(fs))).toEqual(states.at(-1));
  });

  it('queues concurrent logAndApply calls in call order', async () => {
    const fs = new MemoryFileSystem();
    const set = await VersionSet.open(fs, DIR, { createIfMissing: true });
    const numbers = Array.from({ length: 10 }, () => set.newFileNumber());
    set.lastSequence = 100;
    await Promise.all(numbers.map((n, i) => set.logAndApply({ addedFiles: [{ level: 0, file: makeFile(n, i, i + 5, i * 10 + 1, i * 10 + 5) }] })));
    expect(set.current.levels[0]!.map((f) => f.fileNumber)).toEqual(numbers.slice().reverse());
    expect(summarize(await reopen(fs))).toEqual(summarize(set));
  });

  it('keeps files of referenced old versions live', async () => {
    const fs = new MemoryFileSystem();
    const set = await VersionSet.open(fs, DIR, { createIfMissing: true });
    const n = set.newFileNumber();
    set.lastSequence = 10;
    await set.logAndApply({ addedFiles: [{ level: 0, file: makeFile(n, 0, 5, 1, 10) }] });
    const old = set.current;
    old.ref();
    await set.logAndApply({ deletedFiles: [{ level: 0, fileNumber: n }] });
    expect(set.current.fileCount(0)).toBe(0);
    expect(set.liveFileNumbers()).toEqual(new Set([n]));
    old.unref();
    expect(set.liveFileNumbers()).toEqual(new Set());
  });
});

describe('VersionSet: damage', () => {
  /** A store with `count` edits in one manifest, the states, and each edit record's [start, end). */
  async function damagedFixture(count: number): Promise<{ fs: MemoryFileSystem; states: StateSummary[]; records: [number, number][]; path: string }> {
    const fs = new MemoryFileSystem();
    const set = await VersionSet.open(fs, DIR, { createIfMissing: true });
    const random = new SeededRandom(11);
    const states = [summarize(set)];
    const records: [number, number][] = [];
    for (let i = 0; i < count; i++) {
      const start = (await manifestBytes(fs, set)).length;
      await set.logAndApply(randomEdit(set, random));
      records.push([start, (await manifestBytes(fs, set)).length]);
      states.push(summarize(set));
    }
    const path = `${DIR}/${manifestFileName(set.manifestFileNumber)}`;
    await set.close();
    return { fs, states, records, path };
  }

  it('drops a torn last edit at every byte offset: the previous state', async () => {
    const { fs, states, records, path } = await damagedFixture(6);
    const full = await fs.readFile(path);
    const [start, end] = records.at(-1)!;
    expect(end).toBe(full.length);
    for (let cut = start; cut < end; cut++) {
      setFile(fs, path, full.subarray(0, cut));
      const set = await reopen(fs);
      expect(summarize(set), `cut at ${cut}`).toEqual(states.at(-2));
    }
    setFile(fs, path, full);
    expect(summarize(await reopen(fs))).toEqual(states.at(-1));
  });

  it('a zero-filled tail is a torn tail', async () => {
    const { fs, states, path } = await damagedFixture(3);
    const full = await fs.readFile(path);
    setFile(fs, path, Uint8Array.of(...full, ...new Uint8Array(100)));
    expect(summarize(await reopen(fs))).toEqual(states.at(-1));
  });

  it('a bit flip in a middle edit is corruption; salvage gives the state before it', async () => {
    const { fs, states, records, path } = await damagedFixture(6);
    const full = await fs.readFile(path);
    const [start, end] = records[2]!;
    for (let offset = start; offset < end; offset++) {
      const damaged = full.slice();
      damaged[offset]! ^= 1 << (offset % 8);
      setFile(fs, path, damaged);
      await expect(reopen(fs), `offset ${offset}`).rejects.toBeInstanceOf(CorruptionError);
      const salvaged = await reopen(fs, true);
      expect(summarize(salvaged), `offset ${offset}`).toEqual(states[2]);
    }
  });

  it('an intact record holding an edit that does not fit is corruption; salvage stops before it', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir(DIR);
    const writer = new LogWriter(await fs.createWritable(`${DIR}/${manifestFileName(1)}`), 1);
    await writer.start('manifest');
    const edits: VersionEdit[] = [
      { logNumber: 0, nextFileNumber: 10, lastSequence: 50 },
      { addedFiles: [{ level: 0, file: makeFile(2, 0, 5, 1, 10) }] },
      { deletedFiles: [{ level: 3, fileNumber: 2 }] }, // file 2 is in L0, not L3
      { addedFiles: [{ level: 0, file: makeFile(3, 0, 5, 11, 20) }] },
    ];
    for (const edit of edits) await writer.addRecord(RecordType.VersionEdit, encodeVersionEdit(edit));
    await writer.addRecord(RecordType.VersionEdit, Uint8Array.of(99, 1)); // unknown tag
    await writer.close();
    await writeCurrent(fs, DIR, 1);
    await expect(reopen(fs)).rejects.toBeInstanceOf(CorruptionError);
    const salvaged = await reopen(fs, true);
    expect(salvaged.current.levels[0]!.map((f) => f.fileNumber)).toEqual([2]);
    expect(salvaged.lastSequence).toBe(50);
    expect(salvaged.nextFileNumber).toBeGreaterThanOrEqual(10);
    // Without the misfit, the unknown tag alone is corruption too.
    const rewritten = cloneFs(fs);
    const writer2 = new LogWriter(await rewritten.createWritable(`${DIR}/${manifestFileName(1)}`), 1);
    await writer2.start('manifest');
    await writer2.addRecord(RecordType.VersionEdit, encodeVersionEdit(edits[0]!));
    await writer2.addRecord(RecordType.VersionEdit, Uint8Array.of(99, 1));
    await writer2.close();
    await expect(reopen(rewritten)).rejects.toBeInstanceOf(CorruptionError);
    expect(summarize(await reopen(rewritten, true)).lastSequence).toBe(50);
  });

  it('a damaged snapshot edit is corruption even with salvage when no older manifest exists', async () => {
    const { fs, path } = await damagedFixture(2);
    const damaged = await fs.readFile(path);
    damaged[LOG_HEADER_BYTES + 15 + LOG_HEADER_BYTES + 1]! ^= 0x10; // inside the snapshot's payload
    setFile(fs, path, damaged);
    await expect(reopen(fs)).rejects.toBeInstanceOf(CorruptionError);
    await expect(reopen(fs, true)).rejects.toBeInstanceOf(CorruptionError);
  });

  it('CURRENT missing while store files exist is corruption', async () => {
    const { fs } = await damagedFixture(2);
    await fs.remove(`${DIR}/CURRENT`);
    setFile(fs, `${DIR}/${tableFileName(3)}`, new Uint8Array(10));
    await expect(VersionSet.open(cloneFs(fs), DIR, { createIfMissing: true })).rejects.toBeInstanceOf(CorruptionError);
    await fs.remove(`${DIR}/${tableFileName(3)}`);
    setFile(fs, `${DIR}/${walFileName(4)}`, new Uint8Array(10));
    await expect(VersionSet.open(cloneFs(fs), DIR, { createIfMissing: true })).rejects.toBeInstanceOf(CorruptionError);
    // Salvage finds the newest manifest instead.
    const salvaged = await VersionSet.open(cloneFs(fs), DIR, { createIfMissing: true, salvage: true });
    expect(salvaged.manifestFileNumber).toBeGreaterThan(4);
  });

  it('CURRENT missing after a creation that crashed before writing it: a fresh store', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir(DIR);
    setFile(fs, `${DIR}/${manifestFileName(1)}`, new Uint8Array(7));
    const set = await VersionSet.open(fs, DIR, { createIfMissing: true });
    expect(set.manifestFileNumber).toBe(2); // never reuses the leftover's number
    expect(await readCurrent(fs, DIR)).toBe(2);
  });

  it('CURRENT naming a missing manifest is corruption', async () => {
    const { fs, path } = await damagedFixture(2);
    await fs.remove(path);
    await expect(reopen(fs)).rejects.toBeInstanceOf(CorruptionError);
    await expect(reopen(fs, true)).rejects.toBeInstanceOf(CorruptionError); // no other manifest to fall back to
  });

  it('a damaged CURRENT is corruption, at every byte', async () => {
    const { fs, states } = await damagedFixture(2);
    const good = await fs.readFile(`${DIR}/CURRENT`);
    for (let offset = 0; offset < good.length; offset++) {
      const damaged = good.slice();
      damaged[offset]! ^= 0x04;
      setFile(fs, `${DIR}/CURRENT`, damaged);
      await expect(reopen(fs), `offset ${offset}`).rejects.toBeInstanceOf(CorruptionError);
      // Salvage falls back to the newest manifest in the directory, which is the right one here.
      expect(summarize(await reopen(fs, true))).toEqual(states.at(-1));
    }
  });

  it('a manifest whose header names another number is corruption', async () => {
    const { fs } = await damagedFixture(1);
    const first = (await readCurrent(fs, DIR))!;
    const second = (await VersionSet.open(fs, DIR, { createIfMissing: false })).manifestFileNumber;
    expect(second).toBeGreaterThan(first);
    // An old manifest copied over the live one: intact records, but they belong to another file.
    setFile(fs, `${DIR}/${manifestFileName(second)}`, await fs.readFile(`${DIR}/${manifestFileName(first)}`));
    await expect(reopen(fs)).rejects.toBeInstanceOf(CorruptionError);
  });
});

describe('VersionSet: I/O failures', () => {
  it('a failed fsync leaves current unchanged and the set read-only', async () => {
    const memory = new MemoryFileSystem();
    const fs = new FailingSyncFileSystem(memory);
    const set = await VersionSet.open(fs, DIR, { createIfMissing: true });
    const random = new SeededRandom(5);
    for (let i = 0; i < 10; i++) await set.logAndApply(randomEdit(set, random));
    const before = set.current;
    const summaryBefore = summarize(set);
    const edit = randomEdit(set, random);
    fs.failSyncs = true;
    await expect(set.logAndApply(edit)).rejects.toBeInstanceOf(IOError);
    expect(set.current).toBe(before);
    expect(summarize(set).levels).toEqual(summaryBefore.levels);
    expect(set.logNumber).toBe(summaryBefore.logNumber);
    // The failed edit's files may be durable: they stay live so the store does not delete them.
    for (const { file } of edit.addedFiles ?? []) expect(set.liveFileNumbers().has(file.fileNumber)).toBe(true);
    fs.failSyncs = false;
    await expect(set.logAndApply({})).rejects.toBeInstanceOf(ReadOnlyError);
    // On disk the edit may or may not have landed; recovery gives one of the two states.
    const recovered = summarize(await reopen(memory));
    expect([JSON.stringify(summaryBefore.levels), JSON.stringify(levelsAfter(before, edit))]).toContain(JSON.stringify(recovered.levels));
    await set.close();
    await expect(set.logAndApply({})).rejects.toBeInstanceOf(ClosedError);
  });

  it('a failure at any sync of a rotation leaves current unchanged', async () => {
    // A rotation syncs the new manifest, the directory, the CURRENT temp file, the directory.
    for (let failAt = 0; failAt < 4; failAt++) {
      const memory = new MemoryFileSystem();
      const fs = new FailingSyncFileSystem(memory);
      const set = await VersionSet.open(fs, DIR, { createIfMissing: true, manifestBytesMax: 1 });
      const random = new SeededRandom(9);
      // The manifest rotates once it reaches twice its snapshot: grow it to that point.
      const rotationBytes = 2 * (await manifestBytes(memory, set)).length;
      while ((await manifestBytes(memory, set)).length < rotationBytes) await set.logAndApply(randomEdit(set, random));
      const before = set.current;
      const summaryBefore = summarize(set);
      const manifestBefore = set.manifestFileNumber;
      const edit = randomEdit(set, random);
      fs.failSyncsAfter = fs.syncCount + failAt;
      await expect(set.logAndApply(edit), `failAt ${failAt}`).rejects.toBeInstanceOf(IOError);
      expect(set.current).toBe(before);
      expect(set.manifestFileNumber).toBe(manifestBefore);
      // Whatever CURRENT names is a complete manifest holding the state before or after the edit.
      const recovered = summarize(await reopen(memory));
      const after = levelsAfter(before, edit);
      expect([JSON.stringify(summaryBefore.levels), JSON.stringify(after)]).toContain(JSON.stringify(recovered.levels));
      // Only the last sync (of the directory, after the rename) can leave CURRENT switched.
      expect(JSON.stringify(recovered.levels)).toBe(JSON.stringify(failAt === 3 ? after : summaryBefore.levels));
    }
  });
});

/** The levels (as summarised) of `base` with `edit` applied. */
function levelsAfter(base: Version, edit: VersionEdit): string[][] {
  const applied = applyEdit(base, edit);
  if ('problem' in applied) throw new Error(applied.problem);
  return describeVersion(new Version(applied.levels));
}
