import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TableIndex } from '../../../engine/lsm/sstable/table-index.js';
import { compareTargetToKey } from '../../../engine/lsm/sstable/format.js';
import { compareInternalKeys, encodeInternalKey, ValueType } from '../../../engine/lsm/internal-key.js';

function buildIndex(separators: Uint8Array[]): TableIndex {
  const keyOffsets = new Uint32Array(separators.length + 1);
  let total = 0;
  separators.forEach((key, i) => {
    keyOffsets[i] = total;
    total += key.length;
  });
  keyOffsets[separators.length] = total;
  const keyBytes = new Uint8Array(total);
  separators.forEach((key, i) => keyBytes.set(key, keyOffsets[i]!));
  const zeros = new Float64Array(separators.length);
  return new TableIndex(separators.length, keyBytes, keyOffsets, zeros, zeros);
}

// Bytes from a small alphabet that includes 0 (zero padding must not be mistaken for a byte).
const byte = fc.constantFrom(0, 1, 2, 0x30, 0x31, 0xff);
const userKey = fc.tuple(fc.array(byte, { maxLength: 3 }), fc.array(byte, { maxLength: 12 })).map(([tail, head]) => Uint8Array.from([0x30, 0x30, 0x30, ...head, ...tail]));

describe('TableIndex.findBlock', () => {
  it('finds the first separator >= the target, as a linear search does, with a shared prefix and zero bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(userKey, fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.oneof(userKey, fc.uint8Array({ maxLength: 6 })), fc.integer({ min: 0, max: 20 })), { maxLength: 40 }),
        (rawSeparators, targets) => {
          const separators = rawSeparators
            .map(([key, seq]) => encodeInternalKey(key, seq, ValueType.Put))
            .sort(compareInternalKeys)
            .filter((key, i, all) => i === 0 || compareInternalKeys(all[i - 1]!, key) !== 0);
          const index = buildIndex(separators);
          const probes = [...targets, ...rawSeparators];
          for (const [target, seq] of probes) {
            let expected = separators.findIndex((key) => compareTargetToKey(target, seq, key, 0, key.length) <= 0);
            if (expected < 0) expected = separators.length;
            expect(index.findBlock(target, seq)).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes the common prefix of the first and last separators', () => {
    const enc = (text: string): Uint8Array => encodeInternalKey(new TextEncoder().encode(text), 1, ValueType.Put);
    expect(buildIndex([enc('0000012'), enc('0000015'), enc('00000199')]).prefixLength).toBe(6);
    expect(buildIndex([enc('abc')]).prefixLength).toBe(3);
    expect(buildIndex([enc(''), enc('a')]).prefixLength).toBe(0);
  });
});
