/**
 * writeSortedRun: the drop rules (shadowed versions, tombstones at the bottom), where output files
 * are cut, the file infos it returns, and a model property: reading the output at every live
 * snapshot and at the latest sequence gives what reading the input gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeSortedRun, type SortedRunOptions } from '../../../engine/lsm/compaction/sorted-run-writer.js';
import { seqOf, userKeyOf, ValueType } from '../../../engine/lsm/internal-key.js';
import { ArrayIterator, compareInternalEntries, type InternalEntry } from '../../../engine/lsm/iterators/array-iterator.js';
import { TableReader, type TableFileInfo } from '../../../engine/lsm/sstable/index.js';
import { compareBytes } from '../../../engine/util/bytes.js';
import { MemoryFileSystem } from '../../../engine/vfs/memory.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string): Uint8Array => enc.encode(s);

const builder = { blockBytes: 256, restartInterval: 4, bloomBitsPerKey: 10, compression: 'none' } as const;

function put(key: string, seq: number, value = `v${seq}`): InternalEntry {
  return { userKey: k(key), seq, type: ValueType.Put, value: k(value) };
}
function del(key: string, seq: number): InternalEntry {
  return { userKey: k(key), seq, type: ValueType.Delete, value: new Uint8Array(0) };
}

interface RunOutput {
  files: TableFileInfo[];
  /** Every output entry, file by file, in file order. */
  perFile: InternalEntry[][];
  entriesRead: number;
  entriesDropped: number;
}

async function run(entries: InternalEntry[], options: Partial<SortedRunOptions> = {}): Promise<RunOutput> {
  const sorted = [...entries].sort(compareInternalEntries);
  const fs = new MemoryFileSystem();
  await fs.mkdir('/t');
  let next = 10;
  const result = await writeSortedRun(
    new ArrayIterator(sorted),
    {
      builder,
      targetFileBytes: options.targetFileBytes ?? Number.MAX_SAFE_INTEGER,
      smallestSnapshot: options.smallestSnapshot ?? Number.MAX_SAFE_INTEGER,
      isBottommost: options.isBottommost ?? (() => false),
    },
    {
      newFileNumber: () => next++,
      createFile: (n) => fs.createWritable(`/t/${n}.sst`),
      yieldToForeground: () => Promise.resolve(),
    },
  );
  const perFile: InternalEntry[][] = [];
  for (const file of result.files) {
    const reader = TableReader.open(await fs.openReadable(`/t/${file.fileNumber}.sst`), file.fileNumber, { cache: undefined, verifyChecksums: true });
    const iterator = reader.iterator();
    const out: InternalEntry[] = [];
    for (iterator.seekToFirst(); iterator.valid(); iterator.next()) {
      out.push({ userKey: iterator.userKey().slice(), seq: iterator.sequence(), type: iterator.valueType(), value: iterator.value().slice() });
    }
    iterator.close();
    await reader.close();
    perFile.push(out);
  }
  return { files: result.files, perFile, entriesRead: result.entriesRead, entriesDropped: result.entriesDropped };
}

/** The user-visible state at `seq`: for each user key, the newest version with seq <= `seq`, unless a tombstone. */
function visibleAt(entries: readonly InternalEntry[], seq: number): Map<string, string> {
  const sorted = [...entries].sort(compareInternalEntries);
  const out = new Map<string, string>();
  let lastKey: string | undefined;
  for (const entry of sorted) {
    const key = dec.decode(entry.userKey);
    if (key === lastKey || entry.seq > seq) continue;
    lastKey = key;
    if (entry.type === ValueType.Put) out.set(key, dec.decode(entry.value));
  }
  return out;
}

const describeEntries = (entries: readonly InternalEntry[]): string[] =>
  entries.map((e) => `${dec.decode(e.userKey)}@${e.seq}${e.type === ValueType.Delete ? 'D' : ''}`);

describe('writeSortedRun drop rules', () => {
  it('with smallestSnapshot = MAX_SAFE_INTEGER keeps every key\'s newest version (regression: once dropped everything)', async () => {
    const out = await run([put('a', 3), put('a', 2), put('b', 5), del('c', 4), put('c', 1)]);
    expect(describeEntries(out.perFile.flat())).toEqual(['a@3', 'b@5', 'c@4D']);
    expect(out.entriesRead).toBe(5);
    expect(out.entriesDropped).toBe(2);
  });

  it('drops versions shadowed below the oldest snapshot and keeps versions a snapshot can see', async () => {
    // Snapshot at 5: it sees a@4; a@2 is shadowed by a@4 (<= 5): dropped. a@9 and a@7 are newer than the snapshot.
    const out = await run([put('a', 9), put('a', 7), put('a', 4), put('a', 2), put('b', 6), put('b', 1)], { smallestSnapshot: 5 });
    expect(describeEntries(out.perFile.flat())).toEqual(['a@9', 'a@7', 'a@4', 'b@6', 'b@1']);
    expect(out.entriesDropped).toBe(1);
  });

  it('keeps a tombstone unless the output is bottommost for its key', async () => {
    const entries = [del('a', 3), put('a', 1), del('b', 4), put('b', 2)];
    const notBottom = await run(entries, { smallestSnapshot: 10, isBottommost: () => false });
    expect(describeEntries(notBottom.perFile.flat())).toEqual(['a@3D', 'b@4D']);
    const bottom = await run(entries, { smallestSnapshot: 10, isBottommost: (key) => dec.decode(key) === 'a' });
    expect(describeEntries(bottom.perFile.flat())).toEqual(['b@4D']);
  });

  it('keeps a tombstone newer than the oldest snapshot even at the bottom, and what it hides from that snapshot', async () => {
    const out = await run([del('a', 8), put('a', 3)], { smallestSnapshot: 5, isBottommost: () => true });
    expect(describeEntries(out.perFile.flat())).toEqual(['a@8D', 'a@3']);
  });

  it('asks isBottommost in ascending key order only for droppable tombstones', async () => {
    const asked: string[] = [];
    await run([del('a', 1), put('b', 2), del('c', 3), del('d', 20), del('e', 4), put('e', 1)], {
      smallestSnapshot: 10,
      isBottommost: (key) => {
        asked.push(dec.decode(key));
        return false;
      },
    });
    expect(asked).toEqual(['a', 'c', 'e']);
  });

  it('writes no file when everything is dropped', async () => {
    const out = await run([del('a', 2), put('a', 1)], { smallestSnapshot: 5, isBottommost: () => true });
    expect(out.files).toEqual([]);
    expect(out.entriesDropped).toBe(2);
  });
});

describe('writeSortedRun output files', () => {
  it('cuts files near targetFileBytes, between user keys', async () => {
    const entries: InternalEntry[] = [];
    for (let i = 0; i < 400; i++) entries.push(put(`key${String(i).padStart(4, '0')}`, i + 1, 'x'.repeat(40)));
    const target = 2048;
    const out = await run(entries, { targetFileBytes: target });
    expect(out.files.length).toBeGreaterThan(5);
    for (const file of out.files.slice(0, -1)) {
      expect(file.fileBytes).toBeGreaterThanOrEqual(target * 0.75);
      expect(file.fileBytes).toBeLessThan(target * 1.5);
    }
    expect(out.perFile.flat().length).toBe(400);
  });

  it('never splits the versions of one user key across files, even far past the target', async () => {
    const entries: InternalEntry[] = [];
    let seq = 1;
    for (let i = 0; i < 30; i++) entries.push(put(`a${String(i).padStart(3, '0')}`, seq++, 'y'.repeat(50)));
    for (let i = 0; i < 300; i++) entries.push(put('hot', seq++, 'z'.repeat(50))); // ~18 KB of one key
    for (let i = 0; i < 30; i++) entries.push(put(`b${String(i).padStart(3, '0')}`, seq++, 'y'.repeat(50)));
    // smallestSnapshot 0: every version is visible to some snapshot, so none is dropped.
    const out = await run(entries, { targetFileBytes: 1024, smallestSnapshot: 0 });
    expect(out.entriesDropped).toBe(0);
    const owners = out.perFile.map((entries) => new Set(entries.map((e) => dec.decode(e.userKey))));
    for (let i = 0; i < owners.length; i++) {
      for (let j = i + 1; j < owners.length; j++) {
        for (const key of owners[i]!) expect(owners[j]!.has(key), `${key} in files ${i} and ${j}`).toBe(false);
      }
    }
    const hotFile = out.perFile.find((entries) => entries.some((e) => dec.decode(e.userKey) === 'hot'))!;
    expect(hotFile.filter((e) => dec.decode(e.userKey) === 'hot').length).toBe(300);
  });

  it('reports each file\'s smallest/largest key, sequence range and entry count', async () => {
    const entries: InternalEntry[] = [];
    for (let i = 0; i < 200; i++) {
      const key = `k${String(i).padStart(3, '0')}`;
      entries.push(put(key, 2 * i + 1, 'v'.repeat(30)));
      entries.push(i % 3 === 0 ? del(key, 2 * i + 2) : put(key, 2 * i + 2, 'w'));
    }
    const out = await run(entries, { targetFileBytes: 1500, smallestSnapshot: 0 });
    expect(out.files.length).toBeGreaterThan(2);
    const numbers = new Set<number>();
    for (let f = 0; f < out.files.length; f++) {
      const info = out.files[f]!;
      const contents = out.perFile[f]!;
      numbers.add(info.fileNumber);
      expect(info.entryCount).toBe(contents.length);
      const first = contents[0]!;
      const last = contents[contents.length - 1]!;
      expect(userKeyOf(info.smallestKey)).toEqual(first.userKey);
      expect(seqOf(info.smallestKey)).toBe(first.seq);
      expect(userKeyOf(info.largestKey)).toEqual(last.userKey);
      expect(seqOf(info.largestKey)).toBe(last.seq);
      expect(info.smallestSeq).toBe(Math.min(...contents.map((e) => e.seq)));
      expect(info.largestSeq).toBe(Math.max(...contents.map((e) => e.seq)));
      if (f > 0) expect(compareBytes(userKeyOf(out.files[f - 1]!.largestKey), userKeyOf(info.smallestKey))).toBeLessThan(0);
    }
    expect(numbers.size).toBe(out.files.length);
  });
});

describe('writeSortedRun model property', () => {
  it('reads the same at every live snapshot and at the latest sequence as the input', async () => {
    const entryArbitrary = fc.record({
      key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
      delete: fc.boolean(),
      value: fc.string({ maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArbitrary, { minLength: 0, maxLength: 120 }),
        fc.array(fc.nat({ max: 130 }), { maxLength: 5 }),
        fc.func(fc.boolean()),
        fc.integer({ min: 200, max: 4000 }),
        async (ops, snapshotSeqs, bottomFor, targetFileBytes) => {
          const entries = ops.map((op, index) => (op.delete ? del(op.key, index + 1) : put(op.key, index + 1, op.value)));
          const latest = entries.length;
          const snapshots = snapshotSeqs.map((s) => Math.min(s, latest));
          const smallestSnapshot = Math.min(latest, ...snapshots);
          // Either answer to isBottommost is correct here: nothing exists below the input.
          const out = await run(entries, { targetFileBytes, smallestSnapshot, isBottommost: (key) => bottomFor(dec.decode(key)) });
          const output = out.perFile.flat();
          for (const seq of [...snapshots, latest]) {
            expect(visibleAt(output, seq)).toEqual(visibleAt(entries, seq));
          }
          // Output is in strict internal order across files.
          for (let i = 1; i < output.length; i++) expect(compareInternalEntries(output[i - 1]!, output[i]!)).toBeLessThan(0);
          expect(out.entriesRead).toBe(entries.length);
          expect(output.length + out.entriesDropped).toBe(entries.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps every version visible to some snapshot when output is not bottommost', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), delete: fc.boolean() }), { maxLength: 60 }),
        fc.array(fc.nat({ max: 70 }), { maxLength: 4 }),
        async (ops, snapshotSeqs) => {
          const entries = ops.map((op, index) => (op.delete ? del(op.key, index + 1) : put(op.key, index + 1)));
          const latest = entries.length;
          const snapshots = snapshotSeqs.map((s) => Math.min(s, latest));
          const out = await run(entries, { smallestSnapshot: Math.min(latest, ...snapshots), isBottommost: () => false });
          const output = out.perFile.flat();
          // Not bottommost: a tombstone must survive to shadow older data below, so the
          // entry-level view (tombstones included) at each snapshot is the input's.
          const newestAt = (list: readonly InternalEntry[], seq: number): string[] => {
            const seen = new Set<string>();
            const result: string[] = [];
            for (const e of [...list].sort(compareInternalEntries)) {
              const key = dec.decode(e.userKey);
              if (seen.has(key) || e.seq > seq) continue;
              seen.add(key);
              result.push(`${key}@${e.seq}`);
            }
            return result;
          };
          for (const seq of [...snapshots, latest]) expect(newestAt(output, seq)).toEqual(newestAt(entries, seq));
        },
      ),
      { numRuns: 300 },
    );
  });
});
