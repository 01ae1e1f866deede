/**
 * The memtable's point index (engine/lsm/memtable/point-index.ts) against a Map: for any keys and
 * hashes that collide, findOrAdd records each key's first id and returns it for every later add,
 * find names it, and a key never added is absent, through growth past the initial size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PointIndex, type KeyMatcher } from '../../../engine/lsm/memtable/point-index.js';

/** Keys by id (the index's caller is the B+tree; here a plain list). */
class Keys implements KeyMatcher {
  readonly keys: string[] = [];
  hasKey(keyId: number, key: Uint8Array): boolean {
    return this.keys[keyId] === Buffer.from(key).toString('hex');
  }
}

describe('PointIndex', () => {
  it("keeps each key's first id, however hashes collide", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(3000), { minLength: 1, maxLength: 4000, size: 'max' }),
        fc.integer({ min: 1, max: 5000 }),
        (writes, hashSpread) => {
          const index = new PointIndex();
          const keys = new Keys();
          const ids = new Map<number, number>();
          const hashOf = (key: number): number => (key % hashSpread) * 0x9e3779b1; // few distinct hashes when hashSpread is small
          const bytesOf = (key: number): Uint8Array => Uint8Array.of(key >> 8, key & 0xff);
          writes.forEach((key, id) => {
            keys.keys.push(Buffer.from(bytesOf(key)).toString('hex'));
            const found = index.findOrAdd(hashOf(key), bytesOf(key), id, keys);
            expect(found).toBe(ids.get(key) ?? -1);
            if (!ids.has(key)) ids.set(key, id);
          });
          for (const [key, id] of ids) expect(index.find(hashOf(key), bytesOf(key), keys)).toBe(id);
          expect(index.find(hashOf(4000), bytesOf(4000), keys)).toBe(-1);
        },
      ),
      { numRuns: 25 },
    );
  });
});
