import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HASH_SPACE, hashBoundary, hashOfKey, partitionKeyEnd } from '../../engine/partitions/key-space.js';
import { checkMap, endOf, findPartitionIndex, findPartitionIndexByHash, startHashesOf, growTo, hashMidpoint, initialMap, splitPartition, type PartitionMap } from '../../engine/partitions/partition-map.js';
import type { ThroughputSettings } from '../../engine/partitions/types.js';
import { linearFind } from './linear-find.js';
import { encodeStorageKey } from '../../engine/model/storage-key.js';
import { compareBytes } from '../../engine/util/bytes.js';

const SETTINGS: ThroughputSettings = { billingMode: 'PROVISIONED', readUnitsPerSecond: 10, writeUnitsPerSecond: 10 };

const keyArb = fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 7 }), fc.array(fc.constantFrom(0, 1, 0x80, 0xff), { minLength: 1, maxLength: 7 }).map((a) => Uint8Array.from(a)));

describe('partition map', () => {
  it('initial maps split the hash space evenly', () => {
    const map = initialMap(1, 0, SETTINGS, false, 'S', 8);
    checkMap(map);
    expect(map.partitions.map((p) => (p.start.length === 0 ? 0 : hashOfKey(p.start)))).toEqual(Array.from({ length: 8 }, (_, i) => i * 2 ** 29));
  });

  it('after any split sequence ranges stay contiguous and disjoint, and lookup equals a linear scan', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.array(keyArb, { minLength: 1, maxLength: 3 }), fc.boolean()), { maxLength: 25 }),
        fc.array(keyArb, { maxLength: 30 }),
        (count, splits, probes) => {
          let map = initialMap(1, 0, SETTINGS, false, undefined, count);
          for (const [pick, candidates, byMidpoint] of splits) {
            const index = pick % map.partitions.length;
            const partition = map.partitions[index]!;
            const end = endOf(map, index);
            let keys: Uint8Array[];
            if (byMidpoint) {
              const mid = hashMidpoint(map, index);
              keys = mid === undefined ? [] : [mid];
            } else {
              keys = [...candidates]
                .filter((k) => compareBytes(k, partition.start) > 0 && (end === null || compareBytes(k, end) < 0))
                .sort(compareBytes)
                .filter((k, i, all) => i === 0 || compareBytes(all[i - 1]!, k) !== 0);
            }
            if (keys.length === 0) continue;
            const before = map.partitions.length;
            map = splitPartition(map, partition.id, keys, 'heat', 5);
            checkMap(map);
            expect(map.partitions.length).toBe(before + keys.length);
            expect(map.partitions[index]!.splits.at(-1)).toEqual({ atMs: 5, cause: 'heat', from: partition.id });
          }
          const hashes = startHashesOf(map.partitions);
          for (const probe of [...probes, ...map.partitions.map((p) => p.start)]) {
            const expected = linearFind(map, probe);
            expect(findPartitionIndex(map.partitions, probe)).toBe(expected);
            expect(findPartitionIndexByHash(map.partitions, hashes, probe)).toBe(expected);
          }
        },
      ),
    );
  });

  it('rejects split keys outside the range or out of order', () => {
    const map = initialMap(1, 0, SETTINGS, false, undefined, 2);
    expect(() => splitPartition(map, 0, [hashBoundary(2 ** 31)], 'heat', 0)).toThrow();
    expect(() => splitPartition(map, 0, [hashBoundary(20), hashBoundary(10)], 'heat', 0)).toThrow();
    expect(() => splitPartition(map, 0, [new Uint8Array(0)], 'heat', 0)).toThrow();
  });

  it('grows to a partition count by halving the widest ranges; a single-hash range cannot halve', () => {
    const grown = growTo(initialMap(1, 0, SETTINGS, false, undefined, 3), 7, 'throughput', 9);
    checkMap(grown);
    expect(grown.partitions.length).toBe(7);
    expect(grown.partitions.filter((p) => p.splits.length > 0).every((p) => p.splits[0]!.cause === 'throughput')).toBe(true);
    const single = splitPartition(initialMap(1, 0, SETTINGS, false, undefined, 1), 0, [hashBoundary(100), hashBoundary(101)], 'isolation', 0);
    expect(hashMidpoint(single, 1)).toBeUndefined();
    expect(growTo(single, 5000, 'throughput', 0).partitions.length).toBeLessThanOrEqual(4096);
    expect(HASH_SPACE).toBe(2 ** 32);
  });

  it('finds where an encoded partition key ends, for S, N and B', () => {
    for (const [pk, type] of [
      [{ S: 'a\u0000b' }, 'S'],
      [{ N: '-12.5' }, 'N'],
      [{ N: '0' }, 'N'],
      [{ N: '12.5' }, 'N'],
      [{ B: new Uint8Array([0, 1, 0]) }, 'B'],
    ] as const) {
      const partitionOnly = encodeStorageKey(1, 0, pk).subarray(6);
      const withSort = encodeStorageKey(1, 0, pk, [{ S: 'zz' }]).subarray(6);
      expect(partitionKeyEnd(withSort, type)).toBe(partitionOnly.length);
      expect(partitionKeyEnd(partitionOnly, type)).toBe(partitionOnly.length);
    }
  });
});
