/** The overhead bench's statistics (bench/capacity/overhead.ts): its bootstrap interval of the cost. */
import { describe, expect, it } from 'vitest';
import { bootstrapCostInterval } from '../../bench/capacity/overhead.js';

describe('bootstrapCostInterval', () => {
  it('is a point when every process measured the same', () => {
    const [low, high] = bootstrapCostInterval([100, 100, 100, 100], [95, 95, 95, 95]);
    expect(low).toBeCloseTo(0.05, 12);
    expect(high).toBeCloseTo(0.05, 12);
  });

  it('brackets the cost of the medians, widens with the spread, and is reproducible', () => {
    const unlimited = [100, 104, 97, 101, 99, 103, 96, 102];
    const modelled = [95, 97, 93, 96, 94, 98, 92, 96];
    const [low, high] = bootstrapCostInterval(unlimited, modelled);
    const cost = 1 - 95.5 / 100.5;
    expect(low).toBeLessThan(cost);
    expect(high).toBeGreaterThan(cost);
    expect(bootstrapCostInterval(unlimited, modelled)).toEqual([low, high]);
    const wider = bootstrapCostInterval(unlimited.map((u, i) => (i % 2 === 0 ? u * 1.1 : u * 0.9)), modelled);
    expect(wider[1] - wider[0]).toBeGreaterThan(high - low);
  });
});
