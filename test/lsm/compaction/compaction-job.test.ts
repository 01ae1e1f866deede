/**
 * The worker's compaction (runCompactionJob, run here in-process) against the main thread's: for
 * random inputs, options, snapshots and deeper-level ranges, the output tables are byte for byte
 * those writeSortedRun writes over a MergingIterator of the same tables; a flush from a memtable's
 * image matches a flush from the memtable itself. Plus the image's round trip.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCompactionJob, rangesBottommostChecker, OutOfFileNumbersError } from '../../../engine/lsm/compaction/compaction-job.js';
import { writeSortedRun } from '../../../engine/lsm/compaction/sorted-run-writer.js';
import { ValueType } from '../../../engine/lsm/internal-key.js';
import type { InternalIterator } from '../../../engine/lsm/iterator.js';
import { compareInternalEntries, type InternalEntry } from '../../../engine/lsm/iterators/array-iterator.js';
import { MergingIterator } from '../../../engine/lsm/iterators/merging-iterator.js';
import { Memtable } from '../../../engine/lsm/memtable/memtable.js';
import { imageTransferList, MemtableImageIterator } from '../../../engine/lsm/memtable/memtable-image.js';
import { COMPACTION_PACE_ENTRIES, MEMTABLE_ARENA_CHUNK_BYTES } from '../../../engine/limits.js';
import { newPaceCell, PACE_HURRY, PACE_RELAXED } from '../../../engine/lsm/compaction/pace.js';
import { TableBuilder, TableReader, type TableBuilderOptions, type TableFileInfo } from '../../../engine/lsm/sstable/index.js';
import { compareBytes } from '../../../engine/util/bytes.js';
import { SeededRandom } from '../../../engine/util/random.js';
import { MemoryFileSystem } from '../../../engine/vfs/memory.js';

const entryArbitrary: fc.Arbitrary<InternalEntry> = fc.record({
  userKey: fc.array(fc.constantFrom(0, 1, 0x61, 0x62, 0xff), { minLength: 0, maxLength: 5 }).map((b) => Uint8Array.from(b)),
  seq: fc.integer({ min: 1, max: 400 }),
  type: fc.constantFrom<ValueType>(ValueType.Put, ValueType.Put, ValueType.Delete),
  value: fc.uint8Array({ maxLength: 30 }),
});

function unique(entries: InternalEntry[]): InternalEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const id = `${Array.from(e.userKey).join('.')}/${e.seq}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

async function tableBytes(entries: InternalEntry[], fileNumber: number, builder: TableBuilderOptions): Promise<Uint8Array> {
  const fs = new MemoryFileSystem();
  const table = new TableBuilder(fileNumber, builder);
  for (const e of [...entries].sort(compareInternalEntries)) table.add(e.userKey, e.seq, e.type, e.value);
  await table.finish(await fs.createWritable('/t'));
  return fs.readFile('/t');
}

/** The in-thread path: writeSortedRun into a memory file system; returns each output's bytes. */
async function inThread(
  input: InternalIterator,
  builder: TableBuilderOptions,
  targetFileBytes: number,
  smallestSnapshot: number,
  isBottommost: (key: Uint8Array) => boolean,
  numbers: number[],
): Promise<{ info: TableFileInfo; bytes: Uint8Array }[]> {
  const fs = new MemoryFileSystem();
  let next = 0;
  const result = await writeSortedRun(
    input,
    { builder, targetFileBytes, smallestSnapshot, isBottommost },
    { newFileNumber: () => numbers[next++]!, createFile: (n) => fs.createWritable(`/${n}`), yieldToForeground: () => Promise.resolve() },
  );
  return Promise.all(result.files.map(async (info) => ({ info, bytes: await fs.readFile(`/${info.fileNumber}`) })));
}

const optionsArbitrary = fc.record({
  blockBytes: fc.constantFrom(64, 256, 4096),
  restartInterval: fc.constantFrom(1, 4, 16),
  bloomBitsPerKey: fc.constantFrom(0, 10),
  compression: fc.constantFrom<'lz4' | 'none'>('lz4', 'none'),
});

describe('runCompactionJob', () => {
  it('writes byte-identical tables to the in-thread compaction, in ordinary or in shared memory', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(entryArbitrary, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        optionsArbitrary,
        fc.constantFrom(200, 1000, Number.MAX_SAFE_INTEGER),
        fc.integer({ min: 0, max: 450 }),
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 3 }), fc.uint8Array({ maxLength: 3 })), { maxLength: 4 }),
        fc.boolean(),
        async (rawTables, builder, targetFileBytes, smallestSnapshot, rawRanges, sharedOutputs) => {
          // Each version appears in one table only, as in a store.
          const all = unique(rawTables.flat());
          const tables = rawTables.map(() => [] as InternalEntry[]);
          all.forEach((entry, i) => tables[i % tables.length]!.push(entry));
          const inputs = (await Promise.all(tables.map((entries, i) => (entries.length > 0 ? tableBytes(entries, 100 + i, builder) : undefined))))
            .map((bytes, i) => ({ fileNumber: 100 + i, bytes }))
            .filter((t): t is { fileNumber: number; bytes: Uint8Array } => t.bytes !== undefined);
          const ranges = rawRanges
            .map(([a, b]) => (compareBytes(a, b) <= 0 ? { smallest: a, largest: b } : { smallest: b, largest: a }))
            .sort((x, y) => compareBytes(x.smallest, y.smallest))
            .filter((r, i, rs) => i === 0 || compareBytes(rs[i - 1]!.largest, r.smallest) < 0);
          const deeperLevels = [ranges, []];
          const numbers = Array.from({ length: 40 }, (_, i) => 500 + i);

          const readers = inputs.map((t) => TableReader.open(memoryReadable(t.bytes), t.fileNumber, { cache: undefined, verifyChecksums: true }));
          const expected = await inThread(new MergingIterator(readers.map((r) => r.iterator())), builder, targetFileBytes, smallestSnapshot, rangesBottommostChecker(deeperLevels), numbers);
          const actual = await runCompactionJob({
            tables: inputs.map((t) => ({ fileNumber: t.fileNumber, bytes: t.bytes.slice() })),
            builder,
            targetFileBytes,
            smallestSnapshot,
            deeperLevels,
            outputFileNumbers: numbers,
            sharedOutputs,
          });
          expect(actual.files.map((f) => f.info)).toEqual(expected.map((f) => f.info));
          actual.files.forEach((file, i) => {
            expect(file.bytes.buffer instanceof SharedArrayBuffer).toBe(sharedOutputs);
            expect(Buffer.from(file.bytes).equals(Buffer.from(expected[i]!.bytes))).toBe(true);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('flushes a memtable image into the same table as the memtable itself', async () => {
    const memtable = new Memtable(new SeededRandom(1));
    const random = new SeededRandom(2);
    for (let seq = 1; seq <= 3000; seq++) {
      const key = new TextEncoder().encode(`key${random.int(1500)}`);
      memtable.add(seq, random.int(8) === 0 ? ValueType.Delete : ValueType.Put, key, new TextEncoder().encode(`value ${seq}`));
    }
    const builder: TableBuilderOptions = { blockBytes: 4096, restartInterval: 16, bloomBitsPerKey: 10, compression: 'lz4' };
    const expected = await inThread(memtable.iterator(), builder, Number.MAX_SAFE_INTEGER, 2000, () => false, [7]);
    // The whole image, and one that leaves out what a flush at that snapshot drops (as flushInWorker
    // takes it); with no pace cell, a relaxed one or a hurried one, the same table.
    const cases = [
      [memtable.image(), undefined],
      [memtable.image(2000), undefined],
      [memtable.image(), newPaceCell(PACE_RELAXED)],
      [memtable.image(), newPaceCell(PACE_HURRY)],
    ] as const;
    for (const [image, pace] of cases) {
      const actual = await runCompactionJob({ tables: [], image, builder, targetFileBytes: Number.MAX_SAFE_INTEGER, smallestSnapshot: 2000, deeperLevels: undefined, outputFileNumbers: [7, 8], ...(pace === undefined ? {} : { pace }) });
      expect(actual.files).toHaveLength(1);
      expect(actual.files[0]!.info).toEqual(expected[0]!.info);
      expect(Buffer.from(actual.files[0]!.bytes).equals(Buffer.from(expected[0]!.bytes))).toBe(true);
      // A relaxed job pauses after every COMPACTION_PACE_ENTRIES entries read; others never.
      expect(actual.pauses).toBe(pace?.[0] === PACE_RELAXED ? Math.floor(actual.entriesRead / COMPACTION_PACE_ENTRIES) : 0);
    }
    expect(memtable.image(2000).order.length).toBeLessThan(memtable.image().order.length);
  });

  it('an image at a snapshot leaves out exactly what a flush at that snapshot drops, at any snapshot', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 320 }), fc.integer({ min: 1, max: 1 << 30 }), async (snapshot, seed) => {
        const memtable = new Memtable(new SeededRandom(1));
        const random = new SeededRandom(seed);
        for (let seq = 1; seq <= 300; seq++) {
          const key = new TextEncoder().encode(`key${random.int(40)}`);
          memtable.add(seq, random.int(6) === 0 ? ValueType.Delete : ValueType.Put, key, new TextEncoder().encode(`value ${seq}`));
        }
        const builder: TableBuilderOptions = { blockBytes: 512, restartInterval: 4, bloomBitsPerKey: 10, compression: 'none' };
        const job = { tables: [], builder, targetFileBytes: Number.MAX_SAFE_INTEGER, smallestSnapshot: snapshot, deeperLevels: undefined, outputFileNumbers: [7, 8] };
        const whole = await runCompactionJob({ ...job, image: memtable.image() });
        const cut = await runCompactionJob({ ...job, image: memtable.image(snapshot) });
        expect(cut.files.map((file) => Buffer.from(file.bytes).toString('base64'))).toEqual(whole.files.map((file) => Buffer.from(file.bytes).toString('base64')));
        expect(cut.entriesRead - cut.entriesDropped).toBe(whole.entriesRead - whole.entriesDropped);
        expect(cut.entriesDropped).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('fails with OutOfFileNumbersError when the outputs need more numbers than it was given', async () => {
    const entries = Array.from({ length: 400 }, (_, i) => ({ userKey: new TextEncoder().encode(`k${String(i).padStart(4, '0')}`), seq: 1, type: ValueType.Put, value: new Uint8Array(50) }));
    const builder: TableBuilderOptions = { blockBytes: 256, restartInterval: 4, bloomBitsPerKey: 0, compression: 'none' };
    const bytes = await tableBytes(entries, 3, builder);
    await expect(
      runCompactionJob({ tables: [{ fileNumber: 3, bytes }], builder, targetFileBytes: 1024, smallestSnapshot: 10, deeperLevels: [], outputFileNumbers: [9, 10] }),
    ).rejects.toBeInstanceOf(OutOfFileNumbersError);
  });
});

describe('memtable image', () => {
  // Empty, small, and around the line where a value gets a chunk of its own (value-slab.ts).
  const valueLength = fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 12, arbitrary: fc.nat(40) },
    { weight: 1, arbitrary: fc.integer({ min: MEMTABLE_ARENA_CHUNK_BYTES / 4 - 2, max: MEMTABLE_ARENA_CHUNK_BYTES / 4 + 2 }) },
  );
  const imageEntry = fc.record({
    userKey: entryArbitrary.map((e) => e.userKey),
    seq: fc.integer({ min: 1, max: 400 }),
    type: fc.constantFrom<ValueType>(ValueType.Put, ValueType.Put, ValueType.Delete),
    valueLength,
    fill: fc.nat(255),
  });

  it('walks the entries the memtable iterator walks, across a thread boundary, and leaves the memtable whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(imageEntry, { maxLength: 80 }), async (raw) => {
        const memtable = new Memtable(new SeededRandom(1));
        const seen = new Set<string>();
        for (const e of raw) {
          const id = `${Array.from(e.userKey).join('.')}/${e.seq}`;
          if (seen.has(id)) continue;
          seen.add(id);
          memtable.add(e.seq, e.type, e.userKey, new Uint8Array(e.type === ValueType.Delete ? 0 : e.valueLength).fill(e.fill));
        }
        const expected = described(memtable.iterator());
        const image = memtable.image();
        // What the pool does: the order moves to the worker, the slabs are shared. The memtable keeps its own.
        const moved = structuredClone(image, { transfer: imageTransferList(image) });
        expect(described(new MemtableImageIterator(moved))).toEqual(expected);
        expect(described(memtable.iterator())).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('is empty for an empty memtable', () => {
    const iterator = new MemtableImageIterator(new Memtable(new SeededRandom(1)).image());
    iterator.seekToFirst();
    expect(iterator.valid()).toBe(false);
  });
});

/** Each entry as a line of text (base64 values: comparing 64 KiB arrays element by element is slow). */
function described(iterator: InternalIterator): string[] {
  const out: string[] = [];
  for (iterator.seekToFirst(); iterator.valid(); iterator.next()) {
    const bytes = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');
    out.push(`${bytes(iterator.userKey())} ${iterator.sequence()} ${iterator.valueType()} ${bytes(iterator.value())}`);
  }
  return out;
}

function memoryReadable(bytes: Uint8Array): { path: string; size: number; read(p: number, n: number): Uint8Array; close(): Promise<void> } {
  return { path: 'mem', size: bytes.length, read: (p, n) => bytes.subarray(p, Math.min(bytes.length, p + n)), close: () => Promise.resolve() };
}
