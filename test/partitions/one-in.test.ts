import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneIn } from '../../engine/partitions/one-in.js';

describe('oneIn', () => {
  it('equals random % n === 0 for every uint32 and n (powers of two by mask, others by %)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.integer({ min: 2 ** 31, max: 2 ** 32 - 1 })), fc.oneof(fc.constantFrom(1, 2, 4, 8, 64, 2 ** 20), fc.integer({ min: 1, max: 1000 })), (random, n) => {
        expect(oneIn(random, n)).toBe(random % n === 0);
      }),
      { numRuns: 2000 },
    );
  });
});
