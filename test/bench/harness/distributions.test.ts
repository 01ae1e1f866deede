/**
 * Key choice: uniform, zipfian (0.99, scrambled), latest and hot-key draw what they claim
 * (chi-square-style checks against the expected frequencies), are deterministic by seed, and the
 * workloads' operation streams follow their mixes and never insert the same record twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../engine/util/random.js';
import { AffineScramble, HotKeyChooser, LatestChooser, makeChooser, UniformChooser, ZipfianChooser, ZipfianCore, ZIPFIAN_CONSTANT } from '../../../bench/harness/workloads/distributions.js';
import { OperationCode, OperationSource, WORKLOAD_SHAPES, type WorkloadName, type WorkloadSpec } from '../../../bench/harness/workloads/catalog.js';

/** Pearson's chi-square of observed counts against expected probabilities. */
function chiSquare(observed: readonly number[], probabilities: readonly number[], draws: number): number {
  let sum = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = probabilities[i]! * draws;
    sum += (observed[i]! - expected) ** 2 / expected;
  }
  return sum;
}

/** A loose upper bound of the chi-square 99.9% quantile for k degrees of freedom (Wilson–Hilferty, z = 3.1). */
function chiSquareLimit(k: number): number {
  const z = 3.1;
  return k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;
}

function zipfProbabilities(n: number, theta: number): number[] {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** theta);
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

const DRAWS = 200_000;

describe('uniform', () => {
  it('is uniform over the records', () => {
    const n = 50;
    const chooser = new UniformChooser(new SeededRandom(7));
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < DRAWS; i++) counts[chooser.next(n)]!++;
    expect(chiSquare(counts, new Array<number>(n).fill(1 / n), DRAWS)).toBeLessThan(chiSquareLimit(n - 1));
  });
});

describe('zipfian', () => {
  it('ranks follow P(i) ∝ 1/(i+1)^0.99 (YCSB/Gray: exact for ranks 0 and 1, close beyond)', () => {
    const n = 1000;
    const core = new ZipfianCore();
    const random = new SeededRandom(11);
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < DRAWS; i++) counts[core.rank(n, random.next())]!++;
    const p = zipfProbabilities(n, ZIPFIAN_CONSTANT);
    // Ranks 0 and 1 are drawn exactly; the tail comes from Gray's closed-form approximation, so
    // compare bands of ranks (0, 1, 2–9, 10–99, 100–999) within a few percent.
    expect(counts[0]! / DRAWS).toBeCloseTo(p[0]!, 2);
    expect(counts[1]! / DRAWS).toBeCloseTo(p[1]!, 2);
    const band = (from: number, to: number, values: readonly number[]): number => values.slice(from, to).reduce((a, b) => a + b, 0);
    for (const [from, to] of [[2, 10], [10, 100], [100, 1000]] as const) {
      const observed = band(from, to, counts) / DRAWS;
      const expected = band(from, to, p);
      expect(Math.abs(observed - expected)).toBeLessThan(0.03);
    }
    // The head is heavy: the most popular 1% of records take more than a third of the accesses.
    expect(band(0, 10, counts) / DRAWS).toBeGreaterThan(0.33);
  });

  it('scrambles ranks with a bijection, so hot records spread over the key space', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
        const scramble = new AffineScramble(seed);
        const seen = new Set<number>();
        for (let rank = 0; rank < n; rank++) seen.add(scramble.map(rank, n));
        expect(seen.size).toBe(n);
        expect(Math.min(...seen)).toBe(0);
        expect(Math.max(...seen)).toBe(n - 1);
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic by seed and differs across seeds', () => {
    const draw = (seed: number): number[] => {
      const chooser = new ZipfianChooser(new SeededRandom(seed), 1);
      return Array.from({ length: 100 }, () => chooser.next(10_000));
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });
});

describe('latest', () => {
  it('favours the newest records, zipfian by age', () => {
    const n = 500;
    const chooser = new LatestChooser(new SeededRandom(3));
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < DRAWS; i++) counts[chooser.next(n)]!++;
    const p = zipfProbabilities(n, ZIPFIAN_CONSTANT);
    expect(counts[n - 1]! / DRAWS).toBeCloseTo(p[0]!, 2);
    expect(counts[n - 2]! / DRAWS).toBeCloseTo(p[1]!, 2);
    expect(counts.indexOf(Math.max(...counts))).toBe(n - 1);
    // A growing count moves the popular records along.
    expect(chooser.next(1)).toBe(0);
  });
});

describe('hot-key', () => {
  it('sends hotKeyShare of the accesses to one record, the rest uniform', () => {
    const n = 100;
    const chooser = new HotKeyChooser(new SeededRandom(9), 0.3, 4);
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < DRAWS; i++) counts[chooser.next(n)]!++;
    const hot = counts.indexOf(Math.max(...counts));
    const probabilities = counts.map((_, i) => (i === hot ? 0.3 + 0.7 / n : 0.7 / n));
    expect(chiSquare(counts, probabilities, DRAWS)).toBeLessThan(chiSquareLimit(n - 1));
  });
});

function spec(name: WorkloadName, overrides: Partial<WorkloadSpec> = {}): WorkloadSpec {
  const shape = WORKLOAD_SHAPES[name];
  return { name, fieldCount: shape.fieldCount, fieldBytes: shape.fieldBytes, distribution: shape.distribution, hotKeyShare: 0.25, itemsPerPartition: shape.itemsPerPartition, queryItemsMax: shape.queryItemsMax, ...overrides };
}

describe('operation streams', () => {
  it('follow each workload mix', () => {
    for (const [name, shape] of Object.entries(WORKLOAD_SHAPES) as [WorkloadName, (typeof WORKLOAD_SHAPES)[WorkloadName]][]) {
      const source = new OperationSource(spec(name), 1000, 42, 0, 1);
      const counts = new Map<number, number>();
      const n = 20_000;
      for (let i = 0; i < n; i++) {
        source.next();
        counts.set(source.op, (counts.get(source.op) ?? 0) + 1);
        if (source.op === OperationCode.Query) {
          expect(source.arg2).toBeGreaterThanOrEqual(1);
          expect(source.arg2).toBeLessThanOrEqual(shape.queryItemsMax);
        }
      }
      for (const [code, weight] of shape.mix) expect(Math.abs((counts.get(code) ?? 0) / n - weight), `${name} op ${code}`).toBeLessThan(0.02);
    }
  });

  it('are deterministic by (seed, worker) and give each worker its own inserts', () => {
    const stream = (seed: number, worker: number, workers: number): number[][] => {
      const source = new OperationSource(spec('ycsb-d'), 1000, seed, worker, workers);
      return Array.from({ length: 2000 }, () => {
        source.next();
        return [source.op, source.key, source.arg, source.arg2];
      });
    };
    expect(stream(1, 0, 2)).toEqual(stream(1, 0, 2));
    expect(stream(1, 0, 2)).not.toEqual(stream(1, 1, 2));
    const inserted = new Set<number>();
    let inserts = 0;
    for (let worker = 0; worker < 3; worker++) {
      for (const [op, key] of stream(1, worker, 3)) {
        if (op !== OperationCode.Insert) continue;
        inserts++;
        expect(key).toBeGreaterThanOrEqual(1000);
        inserted.add(key!);
      }
    }
    expect(inserts).toBeGreaterThan(0);
    expect(inserted.size).toBe(inserts);
  });

  it('draw keys of existing records only (range model: partitions)', () => {
    const source = new OperationSource(spec('query-heavy'), 1050, 3, 0, 1);
    for (let i = 0; i < 5000; i++) {
      source.next();
      if (source.op === OperationCode.Query) expect(source.key).toBeLessThan(11);
      else expect(source.key).toBeLessThan(1050);
    }
    expect(makeChooser('uniform', 1, 1, 0).next(1)).toBe(0);
  });
});
