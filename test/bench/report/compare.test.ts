/**
 * `silt bench compare`: deltas exact on fixtures (absolute and percent per metric), regression and
 * improvement marks against the tolerance, max never marked, phases/operations on one side only,
 * and the printed table.
 */
import { describe, expect, it } from 'vitest';
import { compareResults, formatComparison } from '../../../bench/report/compare.js';
import { plainOperation, plainResult } from './fixtures.js';

const baseline = plainResult(
  {
    'ycsb-a': {
      GetItem: plainOperation({ opsPerSecond: 10_000, p50: 100, p90: 200, p99: 1000, p999: 2000, max: 5000 }),
      UpdateItem: plainOperation({ opsPerSecond: 8_000, p50: 150, p90: 300, p99: 1500, p999: 3000, max: 9000, throttles: 0 }),
    },
    'ycsb-c': { GetItem: plainOperation({ opsPerSecond: 50_000, p50: 20, p90: 40, p99: 80, p999: 160, max: 900 }) },
  },
  '2025-03-01T12:00:00.000Z',
);
const candidate = plainResult(
  {
    'ycsb-a': {
      GetItem: plainOperation({ opsPerSecond: 9_000, p50: 103, p90: 180, p99: 1200, p999: 2000, max: 50_000 }),
      UpdateItem: plainOperation({ opsPerSecond: 8_200, p50: 150, p90: 300, p99: 1400, p999: 3000, max: 9000, throttles: 4 }),
      Query: plainOperation({ opsPerSecond: 1, p50: 1, p90: 1, p99: 1, p999: 1, max: 1 }),
    },
    'ycsb-e': { Query: plainOperation({ opsPerSecond: 1, p50: 1, p90: 1, p99: 1, p999: 1, max: 1 }) },
  },
  '2025-03-02T12:00:00.000Z',
);

describe('compareResults', () => {
  const comparison = compareResults(baseline, candidate, 0.05);

  it('computes exact absolute and percent deltas per metric', () => {
    const get = comparison.operations.find((op) => op.phase === 'ycsb-a' && op.operation === 'GetItem')!;
    expect(get.metrics.map((m) => [m.metric, m.a, m.b, m.delta, m.deltaPercent, m.verdict])).toEqual([
      ['ops/s', 10_000, 9_000, -1000, -10, 'regression'],
      ['p50', 100, 103, 3, 3, 'same'],
      ['p90', 200, 180, -20, -10, 'improvement'],
      ['p99', 1000, 1200, 200, 20, 'regression'],
      ['p99.9', 2000, 2000, 0, 0, 'same'],
      ['max', 5000, 50_000, 45_000, 900, 'same'],
    ]);
  });

  it('marks throttles appearing as a regression, and counts verdicts', () => {
    const update = comparison.operations.find((op) => op.operation === 'UpdateItem')!;
    expect(update.throttles).toEqual({ a: 0, b: 4, verdict: 'regression' });
    expect(update.metrics[0]!.deltaPercent).toBeCloseTo(2.5, 10);
    expect(update.metrics[0]!.verdict).toBe('same');
    expect(update.metrics[3]!.verdict).toBe('improvement'); // p99 1500 → 1400: −6.7%
    expect(comparison.regressions).toBe(3);
    expect(comparison.improvements).toBe(2);
  });

  it('lists what exists on one side only', () => {
    expect(comparison.onlyInA).toEqual(['ycsb-c']);
    expect(comparison.onlyInB).toEqual(['ycsb-a/Query', 'ycsb-e']);
    expect(comparison.operations).toHaveLength(2);
  });

  it('the tolerance decides what is marked', () => {
    const loose = compareResults(baseline, candidate, 0.25);
    expect(loose.operations.flatMap((op) => op.metrics).filter((m) => m.verdict !== 'same')).toEqual([]);
    expect(() => compareResults(baseline, candidate, -1)).toThrow(RangeError);
  });

  it('a zero baseline has no percent', () => {
    const zero = plainResult({ p: { X: plainOperation({ opsPerSecond: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 }) } });
    const one = plainResult({ p: { X: plainOperation({ opsPerSecond: 5, p50: 1, p90: 1, p99: 1, p999: 1, max: 1 }) } });
    const metrics = compareResults(zero, one).operations[0]!.metrics;
    expect(metrics.every((m) => m.deltaPercent === null && m.verdict === 'same')).toBe(true);
  });
});

describe('formatComparison', () => {
  it('prints one table per phase with signed deltas and marks', () => {
    const text = formatComparison(compareResults(baseline, candidate));
    expect(text).toContain('a: 2025-03-01T12:00:00.000Z (be90875aaa)');
    expect(text).toContain('## ycsb-a');
    const lines = text.split('\n');
    expect(lines.find((line) => line.startsWith('GetItem'))).toMatch(/^GetItem +ops\/s +10,000 +9,000 +-1000 +-10\.0% +▼ regression$/);
    expect(lines.find((line) => /^ +p99 ms/.test(line))).toMatch(/p99 ms +1\.00 +1\.20 +\+0\.200 +\+20\.0% +▼ regression/);
    expect(lines.find((line) => /^ +p90 ms/.test(line))).toMatch(/▲ better$/);
    expect(text).toMatch(/ +throttles +0 +4 +\+4 +— +▼ regression/);
    expect(text).toContain('only in a: ycsb-c');
    expect(text).toContain('only in b: ycsb-a/Query, ycsb-e');
    expect(text.trimEnd().endsWith('3 regressions, 2 improvements')).toBe(true);
  });
});
