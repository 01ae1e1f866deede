import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMap, decodeMapKey, encodeMap, mapKey, mapKeyRange } from '../../engine/partitions/map-codec.js';
import { initialMap, splitPartition, type PartitionMap } from '../../engine/partitions/partition-map.js';
import { hashBoundary } from '../../engine/partitions/key-space.js';
import type { ThroughputSettings } from '../../engine/partitions/types.js';
import { CorruptionError } from '../../engine/util/errors.js';
import { compareBytes } from '../../engine/util/bytes.js';

const settingsArb: fc.Arbitrary<ThroughputSettings> = fc.record(
  {
    billingMode: fc.constantFrom('PROVISIONED' as const, 'PAY_PER_REQUEST' as const),
    readUnitsPerSecond: fc.integer({ min: 1, max: 40_000 }),
    writeUnitsPerSecond: fc.integer({ min: 1, max: 40_000 }),
    maxReadUnitsPerSecond: fc.integer({ min: 1, max: 40_000 }),
    maxWriteUnitsPerSecond: fc.integer({ min: 1, max: 40_000 }),
  },
  { requiredKeys: ['billingMode', 'readUnitsPerSecond', 'writeUnitsPerSecond'] },
);

const mapArb: fc.Arbitrary<PartitionMap> = fc
  .tuple(
    fc.integer({ min: 1, max: 2 ** 32 - 1 }),
    fc.integer({ min: 0, max: 65535 }),
    settingsArb,
    fc.boolean(),
    fc.constantFrom(undefined, 'S' as const, 'N' as const, 'B' as const),
    fc.integer({ min: 1, max: 20 }),
    fc.array(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 9 }), fc.constantFrom('size' as const, 'heat' as const, 'throughput' as const, 'isolation' as const), fc.integer({ min: 0, max: 2 ** 40 })), { maxLength: 8 }),
  )
  .map(([tableId, indexId, settings, hasLsi, type, count, splits]) => {
    let map = initialMap(tableId, indexId, settings, hasLsi, type, count);
    for (const [pick, key, cause, atMs] of splits) {
      const index = pick % map.partitions.length;
      const start = map.partitions[index]!.start;
      const end = map.partitions[index + 1]?.start ?? null;
      if (compareBytes(key, start) > 0 && (end === null || compareBytes(key, end) < 0)) map = splitPartition(map, map.partitions[index]!.id, [key], cause, atMs);
    }
    return map;
  });

describe('map codec', () => {
  it('round-trips any map', () => {
    fc.assert(
      fc.property(mapArb, (map) => {
        expect(decodeMap(map.tableId, map.indexId, encodeMap(map))).toEqual(map);
      }),
    );
  });

  it('detects every single bit flip', () => {
    fc.assert(
      fc.property(mapArb, (map) => {
        const bytes = encodeMap(map);
        for (let bit = 0; bit < bytes.length * 8; bit++) {
          const damaged = bytes.slice();
          damaged[bit >> 3]! ^= 1 << (bit & 7);
          expect(() => decodeMap(map.tableId, map.indexId, damaged)).toThrow(CorruptionError);
        }
        for (let cut = 0; cut < bytes.length; cut++) expect(() => decodeMap(map.tableId, map.indexId, bytes.subarray(0, cut))).toThrow(CorruptionError);
      }),
      { numRuns: 40 },
    );
  });

  it('matches the worked example in FORMAT.md', () => {
    const map = initialMap(7, 0, { billingMode: 'PROVISIONED', readUnitsPerSecond: 3000, writeUnitsPerSecond: 1000 }, false, 'S', 2);
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    expect(hex(mapKey(7, 0))).toBe('000000000000500000000700' + '00');
    const value = encodeMap(map);
    expect(hex(value.subarray(0, value.length - 4))).toBe(
      '01' + '00' + '000000000070a740' + '0000000000408f40' + '00' + '00' + '01' + '02' + '02' + '000000' + '01' + '04' + '80000000' + '00',
    );
    expect(map.partitions[1]!.start).toEqual(hashBoundary(2 ** 31));
  });

  it('keys: decode inverts encode; each table is one range that holds exactly its maps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (tableId, indexId, other) => {
        const key = mapKey(tableId, indexId);
        expect(decodeMapKey(key)).toEqual({ tableId, indexId });
        const range = mapKeyRange(tableId);
        expect(compareBytes(range.gte, key) <= 0 && compareBytes(key, range.lt) < 0).toBe(true);
        const otherKey = mapKey(other, indexId);
        const inside = compareBytes(range.gte, otherKey) <= 0 && compareBytes(otherKey, range.lt) < 0;
        expect(inside).toBe(other === tableId);
        const all = mapKeyRange();
        expect(compareBytes(all.gte, key) <= 0 && compareBytes(key, all.lt) < 0).toBe(true);
      }),
    );
    // The catalog's keys ('T' records, the 'N' counter) are outside the maps' range.
    const all = mapKeyRange();
    for (const tag of [0x54, 0x4e]) {
      const catalogKey = new Uint8Array([0, 0, 0, 0, 0, 0, tag, 0x61]);
      expect(compareBytes(catalogKey, all.gte) < 0 || compareBytes(catalogKey, all.lt) >= 0).toBe(true);
    }
  });
});
