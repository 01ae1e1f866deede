import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes } from '../../engine/util/bytes.js';
import { hash32 } from '../../engine/util/hash.js';
import { CorruptionError } from '../../engine/util/errors.js';
import { compareKeyValues, type KeyAttributeValue } from '../../engine/model/compare.js';
import { encodeKeyValue } from '../../engine/model/key-codec.js';
import {
  partitionHashForTests,
  decodeStorageKey,
  encodeStorageKey,
  partitionKeyHash,
  partitionPrefix,
  prefixEnd,
  scanSegmentOfHash,
  scanSegmentRange,
  sortKeyPrefixRange,
  STORAGE_KEY_HASH_SEED,
  tableIndexPrefix,
} from '../../engine/model/storage-key.js';
import { keyString, keyValueOf } from './arbitraries.js';

function inRange(key: Uint8Array, start: Uint8Array, end: Uint8Array | undefined): boolean {
  return compareBytes(key, start) >= 0 && (end === undefined || compareBytes(key, end) < 0);
}

const types = ['S', 'N', 'B'] as const;
const layout = fc.record({ partitionType: fc.constantFrom(...types), sortType: fc.constantFrom(...types) });

describe('storage key layout', () => {
  it('matches the documented worked example (FORMAT.md)', () => {
    const key = encodeStorageKey(7, 0, { S: 'ab' }, [{ N: '12.5' }]);
    const hash = hash32(new Uint8Array([0x61, 0x62, 0x00, 0x01]), STORAGE_KEY_HASH_SEED);
    const expected = [0, 0, 0, 7, 0, 0, hash >>> 24, (hash >>> 16) & 255, (hash >>> 8) & 255, hash & 255, 0x61, 0x62, 0x00, 0x01, 0x03, 0x83, 0x23, 0x60];
    expect(Array.from(key)).toEqual(expected);
    expect(partitionKeyHash({ S: 'ab' })).toBe(hash);
    expect(STORAGE_KEY_HASH_SEED).toBe(0x5117d00d); // frozen: changing it moves every item
  });

  it('round-trips ids, hash, partition key and sort components', () => {
    fc.assert(
      fc.property(
        layout.chain(({ partitionType, sortType }) =>
          fc.record({
            tableId: fc.integer({ min: 0, max: 0xffffffff }),
            indexId: fc.integer({ min: 0, max: 0xffff }),
            partitionType: fc.constant(partitionType),
            sortType: fc.constant(sortType),
            pk: keyValueOf[partitionType],
            sks: fc.array(keyValueOf[sortType], { maxLength: 3 }),
          }),
        ),
        ({ tableId, indexId, partitionType, sortType, pk, sks }) => {
          const key = encodeStorageKey(tableId, indexId, pk, sks);
          const decoded = decodeStorageKey(key, partitionType, sks.map(() => sortType));
          expect(decoded).toEqual({ tableId, indexId, hash: partitionKeyHash(pk), partitionKey: pk, sortComponents: sks });
          const prefix = partitionPrefix(tableId, indexId, pk);
          expect(key.subarray(0, prefix.length)).toEqual(prefix);
          expect(inRange(key, prefix, prefixEnd(prefix))).toBe(true);
          expect(inRange(key, tableIndexPrefix(tableId, indexId), prefixEnd(tableIndexPrefix(tableId, indexId)))).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('within a partition, key order = DynamoDB sort-key order', () => {
    fc.assert(
      fc.property(
        layout.chain(({ partitionType, sortType }) =>
          fc.tuple(keyValueOf[partitionType], fc.array(keyValueOf[sortType], { minLength: 2, maxLength: 12 })),
        ),
        ([pk, sks]) => {
          const byKey = [...sks].sort((a, b) => compareBytes(encodeStorageKey(1, 0, pk, [a]), encodeStorageKey(1, 0, pk, [b])));
          const byDynamo = [...sks].sort(compareKeyValues);
          for (let i = 0; i < sks.length; i++) expect(compareKeyValues(byKey[i]!, byDynamo[i]!)).toBe(0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('different partitions never interleave, and index entries group by index key then table key', () => {
    fc.assert(
      fc.property(
        layout.chain(({ partitionType, sortType }) =>
          fc.array(fc.tuple(keyValueOf[partitionType], keyValueOf[sortType], keyValueOf[sortType]), { minLength: 2, maxLength: 20 }),
        ),
        (entries) => {
          const keys = entries
            .map(([pk, sk, tail]) => ({ pk, bytes: encodeStorageKey(3, 2, pk, [sk, tail]) }))
            .sort((a, b) => compareBytes(a.bytes, b.bytes));
          // Every partition's keys form one contiguous run.
          const closed = new Set<string>();
          let current: string | undefined;
          for (const { pk } of keys) {
            const id = Array.from(encodeKeyValue(pk)).join(',');
            if (id !== current) {
              expect(closed.has(id)).toBe(false);
              if (current !== undefined) closed.add(current);
              current = id;
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('tables and indexes are disjoint, ordered ranges', () => {
    const a = encodeStorageKey(1, 0xffff, { S: '\uffff' }, [{ S: '\uffff' }]);
    const b = encodeStorageKey(2, 0, { S: '' });
    expect(compareBytes(a, b)).toBeLessThan(0);
    expect(inRange(a, tableIndexPrefix(1, 0xffff), prefixEnd(tableIndexPrefix(1, 0xffff)))).toBe(true);
    expect(inRange(b, tableIndexPrefix(1, 0xffff), prefixEnd(tableIndexPrefix(1, 0xffff)))).toBe(false);
    expect(prefixEnd(new Uint8Array([0xff, 0xff]))).toBeUndefined();
    expect(Array.from(prefixEnd(new Uint8Array([1, 0xff]))!)).toEqual([2]);
  });

  it('begins_with ranges hold exactly the sort keys with the prefix', () => {
    fc.assert(
      fc.property(keyString, fc.array(keyString, { maxLength: 10 }), (prefix, sks) => {
        const range = sortKeyPrefixRange(5, 0, { N: '1' }, { S: prefix });
        for (const sk of [...sks, prefix, prefix + 'x', prefix + '\u0000']) {
          const key = encodeStorageKey(5, 0, { N: '1' }, [{ S: sk }]);
          expect(inRange(key, range.start, range.end)).toBe(sk.startsWith(prefix));
        }
      }),
    );
  });

  it('the in-place partition hash is hash32 over the range, for every length and offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 40 }), fc.nat({ max: 40 }), (bytes, a, b) => {
        const start = Math.min(a, b, bytes.length);
        const end = Math.min(Math.max(a, b), bytes.length);
        expect(partitionHashForTests(bytes, start, end)).toBe(hash32(bytes.subarray(start, end), STORAGE_KEY_HASH_SEED));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects malformed keys', () => {
    const key = encodeStorageKey(1, 0, { S: 'x' }, [{ N: '5' }]);
    expect(() => decodeStorageKey(key.subarray(0, 5), 'S')).toThrow(CorruptionError);
    expect(() => decodeStorageKey(key, 'S')).toThrow(CorruptionError); // trailing sort component
    const tampered = key.slice();
    tampered[6]! ^= 1;
    expect(() => decodeStorageKey(tampered, 'S', ['N'])).toThrow(CorruptionError);
    expect(() => encodeStorageKey(-1, 0, { S: 'x' })).toThrow();
    expect(() => encodeStorageKey(1, 0x10000, { S: 'x' })).toThrow();
  });
});

describe('parallel scan segments', () => {
  it.each([1, 2, 3, 7, 1000, 1_000_000])('%i segments tile the table range without gaps or overlaps', (total) => {
    const ranges = Array.from({ length: Math.min(total, 50) }, (_, i) => scanSegmentRange(9, 1, i, total));
    const whole = tableIndexPrefix(9, 1);
    expect(Array.from(ranges[0]!.start)).toEqual([...whole, 0, 0, 0, 0]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.start).toEqual(ranges[i - 1]!.end);
    expect(scanSegmentRange(9, 1, total - 1, total).end).toEqual(prefixEnd(whole));
  });

  it('every key falls in the segment scanSegmentOfHash names', () => {
    fc.assert(
      fc.property(keyValueOf.S, fc.integer({ min: 1, max: 1_000_000 }), (pk, total) => {
        const key = encodeStorageKey(9, 1, pk);
        const hash = partitionKeyHash(pk);
        const segment = scanSegmentOfHash(hash, total);
        expect(segment).toBeGreaterThanOrEqual(0);
        expect(segment).toBeLessThan(total);
        const range = scanSegmentRange(9, 1, segment, total);
        expect(inRange(key, range.start, range.end)).toBe(true);
        if (segment > 0) {
          const previous = scanSegmentRange(9, 1, segment - 1, total);
          expect(inRange(key, previous.start, previous.end)).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
    for (const total of [1, 3, 1_000_000]) {
      expect(scanSegmentOfHash(0, total)).toBe(0);
      expect(scanSegmentOfHash(0xffffffff, total)).toBe(total - 1);
    }
  });
});

describe('hash spread', () => {
  it('spreads sequential keys evenly over 16 buckets', () => {
    const buckets = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) buckets[partitionKeyHash({ S: `user#${i}` } as KeyAttributeValue) >>> 28]!++;
    for (const count of buckets) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});
