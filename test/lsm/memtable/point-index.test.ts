/**
 * The memtable's point index (engine/lsm/memtable/point-index.ts) against a Map: for any keys,
 * sequences in any order and hashes that collide, it names each key's newest version, and a key
 * never noted is absent, through growth past its initial size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PointIndex, type KeyMatcher } from '../../../engine/lsm/memtable/point-index.js';

/** Entries by handle (the index's caller is the B+tree; here a plain list). */
class Entries implements KeyMatcher {
  readonly keys: string[] = [];
  readonly sequences: number[] = [];
  hasKey(handle: number, key: Uint8Array): boolean {
    return this.keys[handle] === Buffer.from(key).toString('hex');
  }
  sequenceOf(handle: number): number {
    return this.sequences[handle]!;
  }
}

describe('PointIndex', () => {
  it("names each key's newest version, whatever the order of sequences and however hashes collide", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.nat(3000), seq: fc.nat(1_000_000) }), { minLength: 1, maxLength: 4000, size: 'max' }),
        fc.integer({ min: 1, max: 5000 }),
        (writes, hashSpread) => {
          const index = new PointIndex();
          const entries = new Entries();
          const newest = new Map<number, { handle: number; seq: number }>();
          const hashOf = (key: number): number => (key % hashSpread) * 0x9e3779b1; // few distinct hashes when hashSpread is small
          writes.forEach(({ key, seq }, handle) => {
            const bytes = Uint8Array.of(key >> 8, key & 0xff);
            entries.keys.push(Buffer.from(bytes).toString('hex'));
            entries.sequences.push(seq);
            index.note(hashOf(key), bytes, handle, seq, entries);
            const seen = newest.get(key);
            if (seen === undefined || seen.seq < seq) newest.set(key, { handle, seq });
          });
          for (const [key, { seq }] of newest) {
            const found = index.newest(hashOf(key), Uint8Array.of(key >> 8, key & 0xff), entries);
            expect(entries.sequences[found]).toBe(seq);
            expect(entries.keys[found]).toBe(Buffer.from(Uint8Array.of(key >> 8, key & 0xff)).toString('hex'));
          }
          expect(index.newest(hashOf(4000), Uint8Array.of(4000 >> 8, 4000 & 0xff), entries)).toBe(-1);
        },
      ),
      { numRuns: 25 },
    );
  });
});
