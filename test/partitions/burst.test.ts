import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BurstingBuckets } from '../../engine/partitions/burst.js';
import { SecondWindow } from '../../engine/partitions/second-window.js';

describe('BurstingBuckets: each bucket', () => {
  it('never exceeds its capacity, whatever the refills and debits', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.double({ min: 0, max: 1000, noNaN: true })), { maxLength: 50 }),
        (rate, steps) => {
          const buckets = new BurstingBuckets(rate, rate, 0);
          let now = 0;
          for (const [elapsed, debit] of steps) {
            now += elapsed;
            buckets.refill(now);
            expect(buckets.allocatedBalance).toBeLessThanOrEqual(buckets.allocatedCapacity + 1e-9);
            expect(buckets.burstBalance).toBeLessThanOrEqual(buckets.burstCapacity + 1e-6);
            buckets.debit(debit);
          }
        },
      ),
    );
  });

  it('refills exactly over simulated time: many small steps equal one step (allocated and its overflow into burst)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4000 }), fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 40 }), (rate, steps) => {
        const stepped = new BurstingBuckets(rate, rate, 0);
        const once = new BurstingBuckets(rate, rate, 0);
        for (const b of [stepped, once]) {
          b.allocatedBalance = 0;
          b.burstBalance = 0;
        }
        let now = 0;
        for (const step of steps) {
          now += step;
          stepped.refill(now);
        }
        once.refill(now);
        expect(stepped.allocatedBalance).toBeCloseTo(once.allocatedBalance, 6);
        expect(stepped.burstBalance).toBeCloseTo(once.burstBalance, 6);
        // At most 80 s elapse: burst (300 s of the share) never fills, so nothing is lost.
        expect(once.allocatedBalance + once.burstBalance).toBeCloseTo((rate * now) / 1000, 6);
      }),
    );
  });

  it('repays a debt before accruing', () => {
    const buckets = new BurstingBuckets(100, 100, 0);
    buckets.burstBalance = 0;
    buckets.debit(250);
    expect(buckets.allocatedBalance).toBe(-150);
    buckets.refill(1000);
    expect(buckets.allocatedBalance).toBe(-50);
    buckets.refill(2000);
    expect(buckets.allocatedBalance).toBe(50);
    expect(buckets.burstBalance).toBe(0);
  });
});

describe('BurstingBuckets', () => {
  it('starts full: one second allocated plus 300 s of the share as burst', () => {
    const buckets = new BurstingBuckets(10, 10, 0);
    expect(buckets.allocatedBalance).toBe(10);
    expect(buckets.burstBalance).toBe(3000);
    expect(buckets.source()).toBe('allocated');
  });

  it('burst holds at most 300 s of unused capacity, however long the partition idles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 10_000_000 }), (rate, idleMs) => {
        const buckets = new BurstingBuckets(rate, rate, 0);
        buckets.allocatedBalance -= rate;
        buckets.burstBalance -= rate * 300;
        buckets.refill(idleMs);
        expect(buckets.burstBalance).toBeLessThanOrEqual(rate * 300 + 1e-6);
        expect(buckets.allocatedBalance).toBeLessThanOrEqual(rate + 1e-9);
        if (idleMs >= 301_000) expect(buckets.burstBalance).toBeCloseTo(rate * 300, 6);
      }),
    );
  });

  it('admits from allocated, then burst, then refuses; debits the rest of a request from burst', () => {
    const buckets = new BurstingBuckets(5, 5, 0);
    buckets.debit(3);
    expect(buckets.allocatedBalance).toBe(2);
    buckets.debit(4); // 2 from allocated, 2 from burst
    expect(buckets.allocatedBalance).toBe(0);
    expect(buckets.burstBalance).toBe(1498);
    expect(buckets.source()).toBe('burst');
    buckets.debit(1500);
    expect(buckets.burstBalance).toBe(-2);
    expect(buckets.source()).toBe('none');
    buckets.refill(400); // 2 tokens: into allocated (capacity 5), nothing overflows
    expect(buckets.allocatedBalance).toBeCloseTo(2, 9);
    expect(buckets.source()).toBe('allocated');
  });

  it('60 WCU allows 3,600 writes a minute, but not all in the first second once burst is spent', () => {
    const buckets = new BurstingBuckets(60, 60, 0);
    buckets.burstBalance -= buckets.burstBalance; // burst spent
    let admitted = 0;
    for (let i = 0; i < 3600; i++) {
      buckets.refill(0);
      if (buckets.source() === 'none') break;
      buckets.debit(1);
      admitted++;
    }
    expect(admitted).toBe(60);
    let total = admitted;
    for (let ms = 1; ms <= 59_000; ms++) {
      buckets.refill(ms);
      while (buckets.source() !== 'none') {
        buckets.debit(1);
        total++;
      }
    }
    expect(total).toBeGreaterThanOrEqual(3599);
    expect(total).toBeLessThanOrEqual(3601);
  });
});

describe('BurstingBuckets.rebind', () => {
  it('moves the fields into a view of a larger array, values kept; the object and the view then share them', () => {
    const moved = new BurstingBuckets(10, 10, 0);
    const stayed = new BurstingBuckets(10, 10, 0);
    for (const buckets of [moved, stayed]) {
      buckets.refill(500);
      buckets.debit(7);
    }
    const packed = new Float64Array(moved.row.length * 3).fill(-1);
    const view = packed.subarray(moved.row.length, moved.row.length * 2);
    moved.rebind(view);
    expect(moved.row).toBe(view);
    expect(Array.from(view)).toEqual(Array.from(stayed.row));
    // Both go on alike: the object works on the view, and writes to the packed array reach the object.
    for (const buckets of [moved, stayed]) {
      buckets.refill(2500);
      buckets.debit(3000);
    }
    expect(Array.from(view)).toEqual(Array.from(stayed.row));
    expect(packed.subarray(0, moved.row.length).every((x) => x === -1)).toBe(true); // neighbours untouched
    packed[moved.row.length] = 1234; // slot 0 of the view: the allocated balance
    expect(moved.allocatedBalance).toBe(1234);
    expect(() => moved.rebind(new Float64Array(1))).toThrow();
  });
});

describe('SecondWindow', () => {
  it('keeps the last complete second, and forgets it after an idle gap', () => {
    const window = new SecondWindow(500);
    window.add(7);
    expect(window.roll(999)).toBe(false);
    expect(window.roll(1000)).toBe(true);
    expect(window.previousUnits).toBe(7);
    window.add(3);
    expect(window.recentUnits()).toBe(7);
    window.roll(3500);
    expect(window.previousUnits).toBe(0);
    expect(window.units).toBe(0);
  });
});
