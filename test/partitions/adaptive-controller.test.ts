import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjustBoosts, type ControlledPartition } from '../../engine/partitions/adaptive-controller.js';

/** Simulates `rounds` controller intervals with steady demand; a partition consumes min(demand, rate). */
function simulate(tableRate: number, ceiling: number, demands: readonly number[], rounds: number): { partitions: ControlledPartition[]; consumed: number[] } {
  const share = tableRate / demands.length;
  const partitions: ControlledPartition[] = demands.map(() => ({ boostPerSecond: 0, consumedPerSecond: 0, throttledPerSecond: 0 }));
  let consumed: number[] = [];
  for (let round = 0; round < rounds; round++) {
    consumed = partitions.map((p, i) => Math.min(demands[i]!, Math.min(ceiling, share + p.boostPerSecond)));
    partitions.forEach((p, i) => {
      p.consumedPerSecond = consumed[i]!;
      p.throttledPerSecond = demands[i]! - consumed[i]!;
    });
    adjustBoosts({ tableRatePerSecond: tableRate, sharePerSecond: share, ceilingPerSecond: ceiling, partitions }, 0.5);
    for (const p of partitions) {
      expect(p.boostPerSecond).toBeGreaterThanOrEqual(0);
      expect(share + p.boostPerSecond).toBeLessThanOrEqual(Math.max(ceiling, share) + 1e-9);
    }
  }
  return { partitions, consumed };
}

describe('adjustBoosts', () => {
  it('the paper example: 400 WCU over 4 partitions, one taking 150/s, is boosted to serve it', () => {
    const { consumed } = simulate(400, 1000, [150, 50, 50, 50], 40);
    expect(consumed[0]).toBeCloseTo(150, 3);
  });

  it('converges under the ceiling and the table total for any steady demand', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4000 }),
        fc.array(fc.integer({ min: 0, max: 2500 }), { minLength: 1, maxLength: 8 }),
        (tableRate, demands) => {
          const ceiling = 1000;
          const { partitions, consumed } = simulate(tableRate, ceiling, demands, 60);
          const share = tableRate / demands.length;
          const total = consumed.reduce((a, b) => a + b, 0);
          // Total consumption stays within the table's rate (or what the shares alone grant).
          expect(total).toBeLessThanOrEqual(Math.max(tableRate, Math.min(share, ceiling) * demands.length) + 1e-6);
          // Converged: one more round changes nothing noticeable.
          const before = partitions.map((p) => p.boostPerSecond);
          adjustBoosts({ tableRatePerSecond: tableRate, sharePerSecond: share, ceilingPerSecond: ceiling, partitions }, 0.5);
          partitions.forEach((p, i) => expect(Math.abs(p.boostPerSecond - before[i]!)).toBeLessThan(Math.max(1, share) * 1e-3 + 1e-6));
          // Where the table has headroom, no partition with unmet demand is left short of it.
          const spare = tableRate - total;
          demands.forEach((d, i) => {
            const unmet = Math.min(d, ceiling) - consumed[i]!;
            if (unmet > 1) expect(spare).toBeLessThan(Math.max(1, tableRate * 0.01));
          });
        },
      ),
    );
  });

  it('backs off when the table consumes more than its total, and never raises a boost then', () => {
    const partitions: ControlledPartition[] = [
      { boostPerSecond: 300, consumedPerSecond: 400, throttledPerSecond: 50 },
      { boostPerSecond: 100, consumedPerSecond: 200, throttledPerSecond: 0 },
    ];
    adjustBoosts({ tableRatePerSecond: 400, sharePerSecond: 200, ceilingPerSecond: 1000, partitions }, 0.5);
    expect(partitions[0]!.boostPerSecond).toBeCloseTo(150, 9); // overshoot 200 cut 3:1
    expect(partitions[1]!.boostPerSecond).toBeCloseTo(50, 9);
  });

  it('lets an unused boost decay to zero', () => {
    const p: ControlledPartition = { boostPerSecond: 500, consumedPerSecond: 10, throttledPerSecond: 0 };
    for (let i = 0; i < 60; i++) adjustBoosts({ tableRatePerSecond: 1000, sharePerSecond: 250, ceilingPerSecond: 1000, partitions: [p] }, 0.5);
    expect(p.boostPerSecond).toBe(0);
  });
});
