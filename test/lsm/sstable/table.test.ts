import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DELETED, ValueType, encodeInternalKey } from '../../../engine/lsm/internal-key.js';
import { BlockCache, TableBuilder, type TableBuilderOptions } from '../../../engine/lsm/sstable/index.js';
import { AssertionError } from '../../../engine/util/assert.js';
import { utf8 } from '../../../engine/util/bytes.js';
import { SeededRandom } from '../../../engine/util/random.js';
import {
  asScanned,
  buildTableBytes,
  current,
  entryArbitrary,
  openTableBytes,
  referenceGet,
  referenceSeek,
  scanBackward,
  scanForward,
  sortEntries,
  type Entry,
} from './fixtures.js';

/** Checks every get, a full scan both ways, and seeks against the reference. */
async function checkTable(entries: Entry[], options: TableBuilderOptions, probes: Array<{ userKey: Uint8Array; seq: number }>): Promise<void> {
  const { bytes, info } = await buildTableBytes(entries, options);
  expect(info.entryCount).toBe(entries.length);
  expect(info.fileBytes).toBe(bytes.length);
  expect(info.smallestKey).toEqual(encodeInternalKey(entries[0]!.userKey, entries[0]!.seq, entries[0]!.type));
  const last = entries[entries.length - 1]!;
  expect(info.largestKey).toEqual(encodeInternalKey(last.userKey, last.seq, last.type));
  expect(info.smallestSeq).toBe(Math.min(...entries.map((e) => e.seq)));
  expect(info.largestSeq).toBe(Math.max(...entries.map((e) => e.seq)));
  for (const cache of [undefined, new BlockCache(1 << 20)]) {
    const reader = await openTableBytes(bytes, 7, cache);
    expect(reader.properties.entryCount).toBe(entries.length);
    expect(reader.properties.deletionCount).toBe(entries.filter((e) => e.type === ValueType.Delete).length);
    for (const e of entries) {
      expect(reader.get(e.userKey, e.seq)).toEqual(e.type === ValueType.Delete ? DELETED : e.value);
      expect(reader.mayContain(e.userKey)).toBe(true);
    }
    for (const probe of probes) expect(reader.get(probe.userKey, probe.seq)).toEqual(referenceGet(entries, probe.userKey, probe.seq));
    const iterator = reader.iterator();
    expect(scanForward(iterator)).toEqual(asScanned(entries));
    expect(scanBackward(iterator)).toEqual(asScanned(entries).reverse());
    for (const probe of probes) {
      iterator.seek(probe.userKey, probe.seq);
      const expected = referenceSeek(entries, probe.userKey, probe.seq);
      if (expected === entries.length) {
        expect(iterator.valid()).toBe(false);
        continue;
      }
      expect(current(iterator)).toEqual(asScanned([entries[expected]!])[0]);
      // Step both ways from the seek position.
      iterator.prev();
      if (expected === 0) expect(iterator.valid()).toBe(false);
      else expect(current(iterator)).toEqual(asScanned([entries[expected - 1]!])[0]);
      iterator.seek(probe.userKey, probe.seq);
      iterator.next();
      if (expected + 1 === entries.length) expect(iterator.valid()).toBe(false);
      else expect(current(iterator)).toEqual(asScanned([entries[expected + 1]!])[0]);
    }
    iterator.close();
    await reader.close();
  }
}

const probeArbitrary = fc.array(
  fc.record({
    userKey: entryArbitrary().map((e) => e.userKey),
    seq: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constant(Number.MAX_SAFE_INTEGER)),
  }),
  { maxLength: 30 },
);

const optionsArbitrary: fc.Arbitrary<TableBuilderOptions> = fc.record({
  blockBytes: fc.constantFrom(64, 100, 256, 4096),
  restartInterval: fc.constantFrom(1, 2, 3, 16),
  bloomBitsPerKey: fc.constantFrom(0, 1, 10),
  compression: fc.constantFrom<'lz4' | 'none'>('lz4', 'none'),
});

describe('TableBuilder + TableReader', () => {
  it('round-trips random sorted entries: gets (present, absent, older seq), scans, seeks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entryArbitrary(), { minLength: 1, maxLength: 200 }), probeArbitrary, optionsArbitrary, async (raw, probes, options) => {
        const entries = sortEntries(raw);
        // Also probe every key at older and newer snapshots than its versions.
        const extra = entries.flatMap((e) => [{ userKey: e.userKey, seq: Math.max(0, e.seq - 1) }, { userKey: e.userKey, seq: e.seq + 1 }]);
        await checkTable(entries, options, [...probes, ...extra.slice(0, 60)]);
      }),
      { numRuns: 150 },
    );
  });

  for (const restartInterval of [1, 2, 16]) {
    it(`handles block boundaries with 64-byte blocks and restart interval ${restartInterval}`, async () => {
      const random = new SeededRandom(restartInterval);
      const entries: Entry[] = [];
      for (let i = 0; i < 300; i++) {
        const key = utf8(`key-${String(i).padStart(5, '0')}`);
        for (let v = 0; v < 1 + (i % 3); v++) {
          const seq = 1000 - v * 10 - (i % 7);
          entries.push({ userKey: key, seq, type: v === 1 ? ValueType.Delete : ValueType.Put, value: utf8(`value-${i}-${v}-${'x'.repeat(random.int(30))}`) });
        }
      }
      const sorted = sortEntries(entries);
      const probes = sorted.flatMap((e) => [
        { userKey: e.userKey, seq: e.seq - 1 },
        { userKey: e.userKey, seq: e.seq + 5 },
        { userKey: utf8(`${new TextDecoder().decode(e.userKey)}!`), seq: 2000 },
      ]);
      probes.push({ userKey: utf8(''), seq: 5 }, { userKey: utf8('zzz'), seq: 5 }, { userKey: utf8('key-'), seq: 5 });
      const options: TableBuilderOptions = { blockBytes: 64, restartInterval, bloomBitsPerKey: 10, compression: 'none' };
      await checkTable(sorted, options, probes);
      const { bytes } = await buildTableBytes(sorted, options);
      const reader = await openTableBytes(bytes);
      expect(reader.properties.dataBlockCount).toBeGreaterThan(100);
    });
  }

  it('compresses blocks that shrink and stores random bytes raw', async () => {
    const random = new SeededRandom(42);
    const compressible: Entry[] = [];
    const incompressible: Entry[] = [];
    for (let i = 0; i < 2000; i++) {
      const key = utf8(`user#${String(i).padStart(6, '0')}`);
      compressible.push({ userKey: key, seq: i + 1, type: ValueType.Put, value: utf8(`{"name":"user ${i % 10}","status":"active","padding":"aaaaaaaaaaaaaaaaaaaa"}`) });
      const value = new Uint8Array(100);
      for (let j = 0; j < value.length; j++) value[j] = random.int(256);
      incompressible.push({ userKey: key, seq: i + 1, type: ValueType.Put, value });
    }
    const lz4 = { ...DEFAULTS, compression: 'lz4' as const };
    const none = { ...DEFAULTS, compression: 'none' as const };

    const small = await buildTableBytes(compressible, lz4);
    const big = await buildTableBytes(compressible, none);
    const compressed = await openTableBytes(small.bytes);
    expect(compressed.properties.compressedBlockCount).toBe(compressed.properties.dataBlockCount);
    expect(small.bytes.length).toBeLessThan(big.bytes.length * 0.5);
    expect((await openTableBytes(big.bytes)).properties.compressedBlockCount).toBe(0);
    expect(scanForward(compressed.iterator())).toEqual(asScanned(compressible));

    const raw = await buildTableBytes(incompressible, lz4);
    const rawReader = await openTableBytes(raw.bytes);
    expect(rawReader.properties.compressedBlockCount).toBe(0);
    expect(rawReader.properties.compression).toBe('lz4');
    expect(scanForward(rawReader.iterator())).toEqual(asScanned(incompressible));
    for (const e of incompressible) expect(rawReader.get(e.userKey, e.seq)).toEqual(e.value);
  });

  it('estimates the file size closely enough to cut files', async () => {
    const builder = new TableBuilder(3, DEFAULTS);
    const entries: Entry[] = [];
    for (let i = 0; i < 5000; i++) entries.push({ userKey: utf8(`k${String(i).padStart(8, '0')}`), seq: i, type: ValueType.Put, value: utf8(`v${i}`.repeat(5)) });
    for (const e of entries) builder.add(e.userKey, e.seq, e.type, e.value);
    const estimate = builder.estimatedFileBytes;
    const { bytes } = await buildTableBytes(entries, DEFAULTS);
    expect(estimate).toBeGreaterThanOrEqual(bytes.length * 0.9);
    expect(estimate).toBeLessThanOrEqual(bytes.length * 1.5);
  });

  it('asserts strictly increasing internal order and a non-empty table', async () => {
    const builder = new TableBuilder(1, DEFAULTS);
    builder.add(utf8('b'), 5, ValueType.Put, utf8('1'));
    expect(() => builder.add(utf8('a'), 9, ValueType.Put, utf8('2'))).toThrow(AssertionError);
    expect(() => builder.add(utf8('b'), 5, ValueType.Put, utf8('3'))).toThrow(AssertionError);
    expect(() => builder.add(utf8('b'), 6, ValueType.Put, utf8('4'))).toThrow(AssertionError);
    builder.add(utf8('b'), 4, ValueType.Put, utf8('5'));
    const empty = new TableBuilder(2, DEFAULTS);
    const { MemoryFileSystem } = await import('../../../engine/vfs/memory.js');
    const fs = new MemoryFileSystem();
    await expect(empty.finish(await fs.createWritable('/e.sst'))).rejects.toThrow(AssertionError);
  });

  it('returns the newest version at or below the snapshot, tombstones included', async () => {
    const k = utf8('k');
    const entries: Entry[] = [
      { userKey: k, seq: 30, type: ValueType.Put, value: utf8('v30') },
      { userKey: k, seq: 20, type: ValueType.Delete, value: new Uint8Array(0) },
      { userKey: k, seq: 10, type: ValueType.Put, value: utf8('v10') },
    ];
    const reader = await openTableBytes((await buildTableBytes(entries, DEFAULTS)).bytes);
    expect(reader.get(k, 100)).toEqual(utf8('v30'));
    expect(reader.get(k, 30)).toEqual(utf8('v30'));
    expect(reader.get(k, 29)).toBe(DELETED);
    expect(reader.get(k, 20)).toBe(DELETED);
    expect(reader.get(k, 19)).toEqual(utf8('v10'));
    expect(reader.get(k, 9)).toBeUndefined();
    expect(reader.get(utf8('j'), 100)).toBeUndefined();
    expect(reader.get(utf8('l'), 100)).toBeUndefined();
  });
});

const DEFAULTS: TableBuilderOptions = { blockBytes: 4096, restartInterval: 16, bloomBitsPerKey: 10, compression: 'lz4' };
