import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { geometricGap, oneIn } from '../../engine/partitions/one-in.js';
import { SeededRandom } from '../../engine/util/random.js';

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

describe('geometricGap', () => {
  it('is a positive integer for every uint32, and 1 for n = 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 4096 }), (random, n) => {
        const gap = geometricGap(random, n);
        expect(Number.isSafeInteger(gap) && gap >= 1).toBe(true);
        if (n === 1) expect(gap).toBe(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps one event in n, each independently: mean n, and P(gap = k) = (1 - 1/n)^(k-1) / n', () => {
    const random = new SeededRandom(7);
    const n = 32;
    const draws = 200_000;
    const counts = new Map<number, number>();
    let sum = 0;
    for (let i = 0; i < draws; i++) {
      const gap = geometricGap(random.nextUint32(), n);
      sum += gap;
      counts.set(gap, (counts.get(gap) ?? 0) + 1);
    }
    // Mean n within 1% (the standard error of the mean is ~0.07 here).
    expect(Math.abs(sum / draws - n) / n).toBeLessThan(0.01);
    // The first gaps are as likely as independent coins make them, within 5% (each count is ~6,000).
    for (const k of [1, 2, 5, 10]) {
      const expected = draws * (1 - 1 / n) ** (k - 1) / n;
      expect(Math.abs((counts.get(k) ?? 0) - expected) / expected).toBeLessThan(0.05);
    }
  });

  it('an extreme draw still gives a finite gap (u = 2^-32 is the smallest)', () => {
    expect(geometricGap(0, 32)).toBe(1 + Math.floor(Math.log(2 ** -32) / Math.log1p(-1 / 32)));
    expect(geometricGap(2 ** 32 - 1, 32)).toBe(1);
  });
});
