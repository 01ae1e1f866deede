import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockIterator, decodeBlock } from '../../../engine/lsm/sstable/block-reader.js';
import { BlockLookupResult, LOOKUP_ABSENT, LOOKUP_FALLBACK, LOOKUP_FOUND, lookupInBlock } from '../../../engine/lsm/sstable/block-lookup.js';
import { ValueType, encodeInternalKey } from '../../../engine/lsm/internal-key.js';
import { writeUint32LE } from '../../../engine/util/bytes.js';
import { writeVarint } from '../../../engine/util/varint.js';
import { entryArbitrary, sortEntries, type Entry } from './fixtures.js';

/**
 * Encodes entries as a block by hand, sharing a random number of bytes up to the longest common
 * prefix (the format allows any; the builder always takes the longest): lookupInBlock must not rely
 * on the builder's choice.
 */
function encodeBlock(entries: readonly Entry[], restartInterval: number, shareFraction: (i: number) => number): Uint8Array {
  const out = new Uint8Array(64 + entries.reduce((sum, e) => sum + e.userKey.length + 8 + e.value.length + 30, 0));
  const restarts: number[] = [];
  let p = 0;
  let previous: Uint8Array = new Uint8Array(0);
  entries.forEach((entry, i) => {
    const key = encodeInternalKey(entry.userKey, entry.seq, entry.type);
    let shared = 0;
    if (i % restartInterval === 0) {
      restarts.push(p);
    } else {
      let lcp = 0;
      while (lcp < key.length && lcp < previous.length && key[lcp] === previous[lcp]) lcp++;
      shared = Math.floor(lcp * shareFraction(i));
    }
    p = writeVarint(out, p, shared);
    p = writeVarint(out, p, key.length - shared);
    p = writeVarint(out, p, entry.value.length);
    out.set(key.subarray(shared), p);
    p += key.length - shared;
    out.set(entry.value, p);
    p += entry.value.length;
    previous = key;
  });
  for (const restart of restarts) {
    writeUint32LE(out, p, restart);
    p += 4;
  }
  writeUint32LE(out, p, restarts.length);
  return out.slice(0, p + 4);
}

/** The answer by a full seek with BlockIterator: the entry's value and type, or undefined. */
function seekAnswer(block: ReturnType<typeof decodeBlock>, userKey: Uint8Array, seq: number): { value: number[]; type: number } | undefined {
  const iterator = new BlockIterator();
  iterator.reset(block, 1, 0);
  iterator.seek(userKey, seq);
  if (!iterator.valid() || !iterator.userKeyEquals(userKey)) return undefined;
  return { value: Array.from(iterator.value()), type: iterator.valueType() };
}

describe('lookupInBlock', () => {
  it('agrees with a full BlockIterator seek, whatever shared lengths the block uses', () => {
    fc.assert(
      fc.property(
        fc.array(entryArbitrary(4, 8, 12), { minLength: 1, maxLength: 60 }),
        fc.array(fc.record({ key: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 9 }), seq: fc.integer({ min: 0, max: 60 }) }), { maxLength: 30 }),
        fc.constantFrom(1, 2, 3, 16),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (raw, probes, restartInterval, fractions) => {
          const entries = sortEntries(raw);
          const block = decodeBlock(encodeBlock(entries, restartInterval, (i) => (i % 3 === 0 ? 1 : fractions[i % fractions.length]!)), 1, 0);
          const targets = [
            ...entries.map((e) => ({ userKey: e.userKey, seq: e.seq })),
            ...entries.map((e) => ({ userKey: e.userKey, seq: Number.MAX_SAFE_INTEGER })),
            ...probes.map((probe) => ({ userKey: Uint8Array.from(probe.key.map((b) => b * 60 + 1)), seq: probe.seq })),
          ];
          const out = new BlockLookupResult();
          for (const { userKey, seq } of targets) {
            const expected = seekAnswer(block, userKey, seq);
            const outcome = lookupInBlock(block, userKey, seq, out, 1, 0);
            if (outcome === LOOKUP_FALLBACK) continue;
            if (outcome === LOOKUP_ABSENT) {
              expect(expected).toBeUndefined();
            } else {
              expect(outcome).toBe(LOOKUP_FOUND);
              expect(expected).toEqual({ value: Array.from(block.data.subarray(out.valueOffset, out.valueOffset + out.valueLength)), type: out.type });
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('settles point lookups of distinct fixed-length keys without falling back', () => {
    const entries: Entry[] = [];
    for (let i = 0; i < 40; i++) {
      entries.push({ userKey: new TextEncoder().encode(String(i * 7).padStart(16, '0')), seq: 1000 - i, type: i % 5 === 0 ? ValueType.Delete : ValueType.Put, value: new Uint8Array([i]) });
    }
    const block = decodeBlock(encodeBlock(entries, 16, () => 1), 1, 0);
    const out = new BlockLookupResult();
    const outcomes = new Map<number, number>();
    for (let i = 0; i < 40 * 7; i++) {
      const outcome = lookupInBlock(block, new TextEncoder().encode(String(i).padStart(16, '0')), 2000, out, 1, 0);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (outcome === LOOKUP_FOUND) {
        expect(i % 7).toBe(0);
        expect(block.data[out.valueOffset]).toBe(i / 7);
        expect(out.type).toBe((i / 7) % 5 === 0 ? ValueType.Delete : ValueType.Put);
      }
    }
    expect(outcomes.get(LOOKUP_FALLBACK)).toBeUndefined();
    expect(outcomes.get(LOOKUP_FOUND)).toBe(40);
  });
});
