import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashBoundary } from '../../engine/partitions/key-space.js';
import { PartitionLookup } from '../../engine/partitions/partition-lookup.js';
import { endOf, growTo, initialMap, splitPartition, type PartitionMap } from '../../engine/partitions/partition-map.js';
import type { ThroughputSettings } from '../../engine/partitions/types.js';
import { linearFind } from './linear-find.js';
import { compareBytes } from '../../engine/util/bytes.js';

const SETTINGS: ThroughputSettings = { billingMode: 'PROVISIONED', readUnitsPerSecond: 10, writeUnitsPerSecond: 10 };

/** Keys near boundaries: short keys, keys sharing a start's hash, bytes at the extremes. */
const byteArb = fc.constantFrom(0, 1, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xfe, 0xff);
const keyArb = fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 8 }), fc.array(byteArb, { minLength: 0, maxLength: 8 }).map((a) => Uint8Array.from(a)));

describe('PartitionLookup', () => {
  it('equals a linear scan after any split sequence (hash-boundary splits, splits inside collections, clustered splits)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.tuple(fc.nat(), fc.array(keyArb, { minLength: 1, maxLength: 4 })), { maxLength: 30 }),
        fc.array(keyArb, { maxLength: 40 }),
        (count, splits, probes) => {
          let map = initialMap(1, 0, SETTINGS, false, undefined, count);
          for (const [pick, candidates] of splits) {
            const index = pick % map.partitions.length;
            const partition = map.partitions[index]!;
            const end = endOf(map, index);
            const keys = [...candidates]
              .filter((k) => compareBytes(k, partition.start) > 0 && (end === null || compareBytes(k, end) < 0))
              .sort(compareBytes)
              .filter((k, i, all) => i === 0 || compareBytes(all[i - 1]!, k) !== 0);
            if (keys.length > 0) map = splitPartition(map, partition.id, keys, 'heat', 1);
          }
          const lookup = new PartitionLookup(map.partitions);
          const starts = map.partitions.map((p) => p.start);
          const nearStarts = starts.flatMap((s) => [Uint8Array.from([...s, 0]), s.subarray(0, Math.max(0, s.length - 1)), Uint8Array.from([...s.subarray(0, 4), 0xff, 0xff])]);
          for (const probe of [...probes, ...starts, ...nearStarts]) {
            const expected = linearFind(map, probe);
            expect(lookup.find(probe)).toBe(expected);
            // As the table layer asks: the whole storage key, the suffix at an offset (prefix bytes ignored).
            expect(lookup.find(Uint8Array.from([0xff, 0, 0x80, 7, 0xff, 1, ...probe]), 6)).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles the largest maps (4,096 partitions, a 2^16-slot directory) and isolated collections', () => {
    let map = growTo(initialMap(1, 0, SETTINGS, false, undefined, 1), 4000, 'throughput', 1);
    // Isolate a collection [h, h + 1) inside the first partition, as adaptive capacity does.
    map = splitPartition(map, map.partitions[0]!.id, [hashBoundary(1000), hashBoundary(1001)], 'isolation', 2);
    const lookup = new PartitionLookup(map.partitions);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 6 }), fc.integer({ min: 998, max: 1002 }), (key, h) => {
        expect(lookup.find(key)).toBe(linearFind(map, key));
        const near = Uint8Array.from([...hashBoundary(h), ...key.subarray(4)]);
        expect(lookup.find(near)).toBe(linearFind(map, near));
      }),
      { numRuns: 2000 },
    );
  });
});
